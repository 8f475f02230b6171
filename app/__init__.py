"""Colloquy: a conversation-history service for LLM chat applications."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli
from .api import breaker, chat, errors, jwks, librechat, limits, system, v1
from .api.auth import canonical_bearer_scheme, configure_jwt
from .api.blueprint import openapi_tags
from .api.docs import DialectErrorsPlugin, PathExamplesPlugin, register_error_schemas
from .config import Config
from .embedded import StoreBusy
from .embedded_secret import embedded_secret
from .extensions import api, cors, jwt, mongo, services
from .observability import configure_logging, instrument

# Every route, grouped by dialect: Swagger UI lists their tags in this order.
BLUEPRINTS = (*v1.BLUEPRINTS, *librechat.BLUEPRINTS, *chat.BLUEPRINTS, system.blp)

# What a browser page may send, and read back, across origins (with CORS_ORIGINS).
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]
CORS_RESPONSE_HEADERS = [
    "Retry-After",
    "X-Request-ID",
    "Content-Disposition",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Paste a token from `colloquy create-token` (or the start-up banner).",
    }
}


def create_app(config: Config | Mapping | None = None) -> Flask:
    """Build the app from a ``Config``, a mapping of overrides, or the environment."""
    settings = config if isinstance(config, Config) else Config.load(config)
    settings = _with_signing_secret(settings)
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
    jwks.init_app(app)
    _allow_browsers(app, settings)
    limits.init_app(app)
    plugins = [DialectErrorsPlugin(), PathExamplesPlugin()]
    api.init_app(app, spec_kwargs={"extra_plugins": plugins})
    register_error_schemas(api.spec)

    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(system.assets)
    errors.register_error_handlers(app)
    cli.register(app)

    _prepare_embedded_store(app, settings)
    return app


def _wrap_wsgi(app: Flask, settings: Config) -> None:
    """WSGI layers below Flask: a case-insensitive bearer scheme, forwarded client addresses."""
    # Flask's documented way to add WSGI middleware replaces the bound method
    app.wsgi_app = canonical_bearer_scheme(app.wsgi_app)  # type: ignore[method-assign]
    if settings.FORWARDED_PROXIES:  # behind proxies, the client is who they say it is
        hops = settings.FORWARDED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _allow_browsers(app: Flask, settings: Config) -> None:
    """CORS for the pages of ``CORS_ORIGINS`` (none by default): preflights answered
    without a token, the headers a browser client sends and reads allowed."""
    if settings.CORS_ORIGINS:
        cors.init_app(
            app,
            origins=list(settings.CORS_ORIGINS),
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_RESPONSE_HEADERS,
            max_age=600,
        )


def _api_description() -> str:
    return (
        "Conversation history for LLM chat applications, in three dialects: "
        "LibreChat's `/api/convos`, the platform `/v1/conversations`, and the simple "
        "`/chat/`. Click **Authorize** and paste a bearer token to try the routes."
    )


def _with_signing_secret(settings: Config) -> Config:
    """The embedded store without a configured key signs with its own random secret."""
    if settings.JWT_SECRET_KEY or settings.verifies_with_public_keys or not settings.embedded:
        return settings
    return replace(settings, JWT_SECRET_KEY=embedded_secret(settings.data_dir))


def _prepare_embedded_store(app: Flask, settings: Config) -> None:
    """Declare the embedded store's indexes (in-process, instant) unless another process
    owns its data. A real server is first contacted when the server starts
    (``startup.on_server_start``) or a command needs it, never while building the app."""
    if settings.embedded:
        with contextlib.suppress(StoreBusy):  # said when serving; refused by the commands
            mongo.ensure_indexes(app)
