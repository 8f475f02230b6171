"""Colloquy: a conversation-history service for LLM chat applications."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from flask import Flask
from pymongo.errors import PyMongoError

from . import cli
from .api import chat, errors, librechat, system
from .api.auth import configure_jwt
from .api.docs import DialectErrorsPlugin, register_error_schemas
from .api.librechat import imports as librechat_imports
from .api.v1 import blp as v1_blueprint
from .api.v1 import transfer as v1_transfer
from .config import Config
from .embedded import StoreBusy
from .extensions import api, jwt, limiter, llm, mongo
from .observability import configure_logging, instrument

log = logging.getLogger(__name__)

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Paste a token from `flask create-token` (or the startup banner).",
    }
}


def create_app(config: Config | Mapping | None = None) -> Flask:
    """Build the app from a ``Config``, a mapping of overrides, or the environment."""
    settings = config if isinstance(config, Config) else Config.load(config)
    app = Flask(__name__)
    app.config.update(settings.flask_settings())
    app.config["API_SPEC_OPTIONS"] = {
        "components": {"securitySchemes": SECURITY_SCHEMES},
        "security": [{"bearerAuth": []}],
        "info": {"description": _api_description()},
    }
    if not settings.TESTING:
        configure_logging(settings.LOG_LEVEL)

    mongo.init_app(app)
    llm.init_app(app)
    jwt.init_app(app)
    configure_jwt(jwt)
    limiter.init_app(app)
    api.init_app(app, spec_kwargs={"extra_plugins": [DialectErrorsPlugin()]})
    register_error_schemas(api.spec)
    instrument(app)

    for blueprint in _blueprints():
        api.register_blueprint(blueprint)
    api.register_blueprint(system.blp)
    app.register_blueprint(system.assets)
    errors.register_error_handlers(app)
    cli.register(app)

    _prepare_store(app, settings)
    return app


def _blueprints():
    return [
        v1_blueprint,
        chat.blp,
        *librechat.blueprints(),
        librechat_imports.blp,
        v1_transfer.blp,
        v1_transfer.users_blp,
    ]


def _api_description() -> str:
    return (
        "Conversation history for LLM chat applications, in three dialects: "
        "LibreChat's `/api/convos`, the platform `/v1/conversations`, and the simple "
        "`/chat/`. Click **Authorize** and paste a bearer token to try the routes."
    )


def _prepare_store(app: Flask, settings: Config) -> None:
    """Declare indexes (if the store answers), say where embedded data lives, seed a new one."""
    try:
        mongo.ensure_indexes(app)
    except StoreBusy as exc:
        log.error("embedded store not opened: %s", exc)
        return
    except PyMongoError as exc:
        log.warning("store unreachable at start-up, indexes deferred to /readyz: %s", exc)
        return
    files = mongo.store(app).files
    if settings.embedded and not settings.TESTING:
        cli.announce_embedded_store(files, stream=sys.stderr)
    if settings.seeds_demo_data:
        with app.app_context():
            fresh = files is None or not files.existed
            cli.seed_demo_and_announce(mongo.db, stream=sys.stderr, seed=fresh)
