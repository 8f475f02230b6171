"""Extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from .core import compaction, titles
from .core.llm import LlmClient, LlmSettings
from .core.summaries import Summariser
from .db import connect, ensure_indexes


@dataclass
class _Store:
    client: object
    db: object
    indexes_ready: bool = False


class Mongo:
    """The app's database handle: ``mongo.db`` inside a request or app context."""

    def init_app(self, app: Flask) -> None:
        client = connect(app.config["MONGO_URI"])
        app.extensions["mongo"] = _Store(client=client, db=client[app.config["MONGO_DB"]])

    @staticmethod
    def _store(app: Flask | None = None) -> _Store:
        return (app or current_app).extensions["mongo"]

    @property
    def db(self):
        return self._store().db

    def ensure_indexes(self, app: Flask | None = None) -> None:
        """Declare the indexes once per process (raises if the store is unreachable)."""
        store = self._store(app)
        if not store.indexes_ready:
            ensure_indexes(store.db)
            store.indexes_ready = True

    def ping(self) -> None:
        """Raise if the store cannot be reached within the server-selection timeout."""
        self._store().client.admin.command("ping")
        self.ensure_indexes()


class LlmServices:
    """The LLM client (when ``LLM_BASE_URL`` is set) and the summariser built on it.

    Without an LLM: the local extractive summariser and title heuristic. Automatic
    compaction and generated titles run in background threads, so the core keeps
    the process-wide choice too (``compaction.configure``, ``titles.configure``).
    """

    KEY = "colloquy_llm"

    def init_app(self, app: Flask) -> None:
        settings = LlmSettings.from_config(app.config)
        client = LlmClient(settings) if settings else None
        summariser = Summariser(client)
        app.extensions[self.KEY] = summariser
        compaction.configure(summariser)
        titles.configure(client)

    @property
    def summariser(self) -> Summariser:
        return current_app.extensions[self.KEY]


api = Api()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
mongo = Mongo()
llm = LlmServices()
