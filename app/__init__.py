"""Colloquy: a conversation-history service for LLM chat applications."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from flask import Flask
from pymongo.errors import PyMongoError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli
from .api import breaker, chat, errors, librechat, limits, system, v1
from .api.auth import canonical_bearer_scheme, configure_jwt
from .api.blueprint import openapi_tags
from .api.docs import DialectErrorsPlugin, PathExamplesPlugin, register_error_schemas
from .config import Config
from .embedded import StoreBusy
from .extensions import api, jwt, mongo, services
from .observability import configure_logging, instrument

log = logging.getLogger(__name__)

# Every route, grouped by dialect: Swagger UI lists their tags in this order.
BLUEPRINTS = (*v1.BLUEPRINTS, *librechat.BLUEPRINTS, *chat.BLUEPRINTS, system.blp)

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
    _wrap_wsgi(app, settings)
    app.config.update(settings.flask_settings())
    app.config["API_SPEC_OPTIONS"] = {
        "components": {"securitySchemes": SECURITY_SCHEMES},
        "security": [{"bearerAuth": []}],
        "info": {"description": _api_description()},
        "tags": openapi_tags(BLUEPRINTS),
    }
    if not settings.TESTING:
        configure_logging(settings.LOG_LEVEL)

    instrument(app)  # first: every answer (a breaker's 503, a limiter's 429) has a request id
    mongo.init_app(app)
    breaker.init_app(
        app, gated=[blueprint.name for blueprint in BLUEPRINTS if not blueprint.public]
    )
    services.init_app(app)
    jwt.init_app(app)
    configure_jwt(jwt)
    limits.init_app(app)
    plugins = [DialectErrorsPlugin(), PathExamplesPlugin()]
    api.init_app(app, spec_kwargs={"extra_plugins": plugins})
    register_error_schemas(api.spec)

    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(system.assets)
    errors.register_error_handlers(app)
    cli.register(app)

    _prepare_store(app, settings)
    return app


def _wrap_wsgi(app: Flask, settings: Config) -> None:
    """WSGI layers below Flask: a case-insensitive bearer scheme, forwarded client addresses."""
    app.wsgi_app = canonical_bearer_scheme(app.wsgi_app)
    if settings.FORWARDED_PROXIES:  # behind proxies, the client is who they say it is
        hops = settings.FORWARDED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


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
