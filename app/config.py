"""Configuration: one ``Config`` read from the environment.

Every setting has an environment variable of the same name (see the README's
table). A variable that is set always wins over a default, including the
conveniences of embedded mode. Secrets only have defaults in embedded mode;
against a real store the service refuses to start without one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import timedelta

from .db import EMBEDDED_SCHEME, is_embedded

DEV_JWT_SECRET = "colloquy-embedded-dev-secret-not-for-production"


class ConfigError(RuntimeError):
    """The environment does not describe a service that can run safely."""


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Config:
    MONGO_URI: str = EMBEDDED_SCHEME + "localhost"
    MONGO_DB: str = "colloquy"
    DATA_DIR: str | None = None  # embedded store's files; ":memory:" keeps nothing
    JWT_SECRET_KEY: str | None = None
    JWT_PUBLIC_KEY: str | None = None
    JWT_PRIVATE_KEY: str | None = None
    JWT_ALGORITHM: str = "HS256"
    JWT_ACCESS_TOKEN_HOURS: int = 24
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    LLM_BASE_URL: str | None = None
    LLM_API_KEY: str | None = None
    LLM_MODEL: str = "gpt-4o-mini"
    LLM_TIMEOUT_SECONDS: float = 20.0
    LLM_MAX_RETRIES: int = 2
    LOG_LEVEL: str = "INFO"
    SEED_DEMO_DATA: bool | None = None
    SEARCH_BACKEND: str = "regex"
    TITLE_WAIT_SCHEDULE: str = "0.5,1,2,4,8"  # gen_title's pauses in seconds
    IDEMPOTENCY_WAIT_SECONDS: float = 5.0
    MAX_CONTENT_LENGTH: int = 300 * 1024 * 1024
    CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES: int = 250 * 1024 * 1024
    IMPORT_IP_MAX: int = 100
    IMPORT_IP_WINDOW: int = 15  # minutes, as LibreChat counts them
    IMPORT_USER_MAX: int = 50
    IMPORT_USER_WINDOW: int = 15
    FORK_IP_MAX: int = 30
    FORK_IP_WINDOW: int = 1
    FORK_USER_MAX: int = 7
    FORK_USER_WINDOW: int = 1
    TESTING: bool = False

    @property
    def embedded(self) -> bool:
        return is_embedded(self.MONGO_URI)

    @property
    def data_dir(self) -> str | None:
        """Where the embedded store keeps its data (``None``: memory only, or a real server).

        Default ``data`` (relative to the working directory), except in tests.
        """
        if not self.embedded or self.DATA_DIR == ":memory:":
            return None
        return self.DATA_DIR or (None if self.TESTING else "data")

    @property
    def seeds_demo_data(self) -> bool:
        if self.SEED_DEMO_DATA is not None:
            return self.SEED_DEMO_DATA
        return self.embedded and not self.TESTING

    @classmethod
    def load(cls, overrides: Mapping | None = None, env: Mapping | None = None) -> Config:
        """Defaults, then the environment, then ``overrides``; then fill and check secrets."""
        env = os.environ if env is None else env
        values: dict = {}
        for spec in fields(cls):
            if spec.name in env and env[spec.name] != "":
                values[spec.name] = _convert(spec, env[spec.name])
        values.update(overrides or {})
        return cls(**values)._with_secrets()

    def _with_secrets(self) -> Config:
        if self.JWT_PUBLIC_KEY:
            algorithm = self.JWT_ALGORITHM if self.JWT_ALGORITHM != "HS256" else "RS256"
            return replace(self, JWT_ALGORITHM=algorithm)
        if self.JWT_SECRET_KEY:
            return self
        if self.embedded:
            return replace(self, JWT_SECRET_KEY=DEV_JWT_SECRET)
        raise ConfigError(
            "JWT_SECRET_KEY (or JWT_PUBLIC_KEY with JWT_ALGORITHM) must be set when "
            f"MONGO_URI points at a real server ({_redact(self.MONGO_URI)}); "
            "only the embedded store (mongomock://) has a development default."
        )

    def flask_settings(self) -> dict:
        """The Flask / extension settings this configuration implies."""
        settings = {spec.name: getattr(self, spec.name) for spec in fields(self)}
        settings.update(
            COLLOQUY_CONFIG=self,
            JWT_TOKEN_LOCATION=["headers"],
            JWT_DECODE_ALGORITHMS=[self.JWT_ALGORITHM],
            JWT_ACCESS_TOKEN_EXPIRES=timedelta(hours=self.JWT_ACCESS_TOKEN_HOURS),
            RATELIMIT_HEADERS_ENABLED=True,
            API_TITLE="Colloquy",
            API_VERSION="1.0",
            OPENAPI_VERSION="3.0.3",
            OPENAPI_URL_PREFIX="/",
            OPENAPI_JSON_PATH="openapi.json",
            OPENAPI_SWAGGER_UI_PATH="/docs",
            OPENAPI_SWAGGER_UI_URL="/docs/assets/",
            OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "persistAuthorization": True},
        )
        if not self.JWT_SECRET_KEY:
            settings.pop("JWT_SECRET_KEY")
        return settings


def _convert(spec, raw: str):
    kind = spec.type if isinstance(spec.type, str) else spec.type.__name__
    if "bool" in kind:
        return _flag(raw)
    if kind.startswith("int"):
        return int(raw)
    if kind.startswith("float"):
        return float(raw)
    return raw


def _redact(uri: str) -> str:
    """Hide credentials in a connection string shown in messages."""
    if "@" in uri and "://" in uri:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return uri
