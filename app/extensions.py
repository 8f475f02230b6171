"""Extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from .core.llm import LlmClient, LlmSettings
from .core.services import Services
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
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
mongo = Mongo()
services = CoreServices()
