"""Extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from pymongo import MongoClient

from .core import searchable
from .core.llm import LlmClient, LlmSettings
from .core.services import Services
from .core.store import Db, Document
from .db import connect
from .embedded import DataFile, StoreBusy
from .indexes import ensure_indexes


@dataclass
class _Store:
    client: MongoClient[Document]
    db: Db
    indexes_ready: bool = False
    files: DataFile | None = None  # the embedded store's data on disk
    busy: str | None = None  # why another process owns that data, if it does

    def usable(self) -> _Store:
        if self.busy:
            raise StoreBusy(self.busy)
        return self


class Mongo:
    """The app's database handle: ``mongo.db`` inside a request or app context.

    In embedded mode with a data directory (``Config.data_dir``) the data is restored
    from and saved to disk; if another process owns that directory, every use of the
    store raises ``StoreBusy`` (a 503, or a clear refusal in the CLI).
    """

    def init_app(self, app: Flask) -> None:
        client = connect(app.config["MONGO_URI"])
        store = _Store(client=client, db=client[app.config["MONGO_DB"]])
        data_dir = app.config["COLLOQUY_CONFIG"].data_dir
        if data_dir:
            try:
                store.files = DataFile.open(store.db, data_dir)
            except StoreBusy as exc:
                store.busy = str(exc)
        app.extensions["mongo"] = store

    @staticmethod
    def _store(app: Flask | None = None) -> _Store:
        return (app or current_app).extensions["mongo"]

    def store(self, app: Flask | None = None) -> _Store:
        """The app's store (raises ``StoreBusy`` when another process owns its data)."""
        return self._store(app).usable()

    @property
    def db(self) -> Db:
        return self.store().db

    def ensure_indexes(self, app: Flask | None = None) -> None:
        """Declare the indexes, then give search words to documents stored without them
        (``searchable.backfill``), once per process (raises if the store is unreachable)."""
        store = self.store(app)
        if not store.indexes_ready:
            ensure_indexes(store.db)
            searchable.backfill(store.db)
            store.indexes_ready = True

    def ping(self) -> None:
        """Raise if the store cannot be reached within the server-selection timeout."""
        self.store().client.admin.command("ping")
        self.ensure_indexes()

    def save(self, app: Flask | None = None) -> str | None:
        """Save unsaved embedded data now; the file written (``None``: nothing to write)."""
        files = self.store(app).files
        if files is None or not files.unsaved:
            return None
        files.save()
        return str(files.path)

    def close(self, app: Flask | None = None) -> None:
        """Save and release the embedded data (as at exit), then close the client."""
        store = self._store(app)
        if store.files is not None:
            store.files.close()
        store.client.close()


class CoreServices:
    """The core's ``Services`` for this app: the LLM client (when ``LLM_BASE_URL`` is
    set) with the summariser and titles built on it, and the background runner.

    Built once in ``create_app`` and kept in ``app.extensions``; views pass
    ``services.current`` to the core functions that take it. Without an LLM: the
    local extractive summariser and title heuristic.
    """

    KEY = "colloquy_services"

    def init_app(self, app: Flask) -> None:
        settings = LlmSettings.from_config(app.config)
        app.extensions[self.KEY] = Services.with_llm(LlmClient(settings) if settings else None)

    @property
    def current(self) -> Services:
        return current_app.extensions[self.KEY]


api = Api()
cors = CORS()  # bound only when CORS_ORIGINS is set
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
mongo = Mongo()
services = CoreServices()
