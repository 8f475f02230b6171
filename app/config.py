"""Configuration: one ``Config``, read from the environment and checked once at start.

Every setting is a field of ``Config`` with an environment variable of the same name;
``.env.example`` lists them all with their defaults and meanings. ``Config.load`` parses
each value into the field's type and checks it, so a bad value stops the start with an
error naming the variable (never a failure later, per request). A variable that is set
always wins over a default, including the conveniences of embedded mode. No secret
has a default: the embedded store makes a random one and keeps it with its data; against
a real store the service refuses to start without one.

Adding a setting is one line in ``Config``: ``NAME: type = default`` for text, a whole
number or a number (at least 0) or a flag; ``NAME: type = setting(default, …)`` when it
needs a tighter check (``minimum``, ``choices``) or its own parser (``parse``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from datetime import timedelta
from typing import Any

from .core import idempotency, importers, search, titles
from .core.llm import LlmSettings
from .db import EMBEDDED_SCHEME, is_embedded

SECRET_MIN_BYTES = 32  # an HS256 key shorter than its 256-bit hash is guessable offline
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
JWT_ALGORITHMS = tuple(
    f"{family}{bits}" for family in ("HS", "RS", "ES", "PS") for bits in (256, 384, 512)
)
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class ConfigError(RuntimeError):
    """The environment does not describe a service that can run safely."""


@dataclass(frozen=True)
class Rule:
    """How one setting is read from text and what it must satisfy."""

    parse: Callable[[str], Any] | None = None  # None: by the field's type
    minimum: float | None = 0  # for numbers; 1 for a count or size that 0 would disable
    choices: tuple[str, ...] | None = None


def setting(default: Any, **rule: Any) -> Any:
    """A ``Config`` field with a :class:`Rule` (see the module docstring)."""
    return field(default=default, metadata={"rule": Rule(**rule)})


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word not in TRUE + FALSE:
        raise ValueError(f"expected one of {', '.join(TRUE + FALSE)}")
    return word in TRUE


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _number(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError("expected a number") from None


def _url(text: str) -> str:
    if not re.fullmatch(r"https?://\S+", text.strip()):
        raise ValueError("expected an http:// or https:// URL")
    return text.strip()


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(origin.strip().rstrip("/") for origin in text.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port]) or *")
    return origins


PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "str | None": str,
    "int": _whole,
    "int | None": _whole,
    "float": _number,
    "float | None": _number,
    "bool": _flag,
    "bool | None": _flag,
}


@dataclass(frozen=True)
class Config:
    MONGO_URI: str = EMBEDDED_SCHEME + "localhost"
    MONGO_DB: str = "colloquy"
    DATA_DIR: str | None = None  # embedded store's files; ":memory:" keeps nothing
    JWT_SECRET_KEY: str | None = None
    JWT_PUBLIC_KEY: str | None = None
    JWT_PRIVATE_KEY: str | None = None
    JWT_ALGORITHM: str = setting("HS256", choices=JWT_ALGORITHMS)
    JWT_ACCESS_TOKEN_HOURS: int = setting(24, minimum=1)
    JWT_IDENTITY_CLAIM: str = "sub"  # the claim naming the user; LibreChat's tokens use "id"
    JWT_MAX_LIFETIME_HOURS: float = 168.0  # tokens living longer (exp - iat) are refused
    JWT_AUDIENCE: str | None = None  # tokens must carry this 'aud' (and minted ones do)
    JWT_ISSUER: str | None = None  # tokens must carry this 'iss' (and minted ones do)
    JWT_JWKS_URL: str | None = setting(None, parse=_url)  # identity provider's keys, lazily
    CORS_ORIGINS: tuple[str, ...] = setting((), parse=_origins)  # browser origins allowed
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    FORWARDED_PROXIES: int = 0  # reverse proxies in front that set X-Forwarded-For / -Proto
    STORE_BREAKER_SECONDS: float = 5.0  # after a store failure, data routes answer 503 at once
    LLM_BASE_URL: str | None = None
    LLM_API_KEY: str | None = None
    LLM_MODEL: str = LlmSettings.model
    LLM_TIMEOUT_SECONDS: float = LlmSettings.timeout_seconds
    LLM_MAX_RETRIES: int = LlmSettings.max_retries
    LOG_LEVEL: str = setting("INFO", parse=str.upper, choices=LOG_LEVELS)
    SEED_DEMO_DATA: bool | None = None
    SEARCH_BACKEND: str = setting(search.DEFAULT_BACKEND, choices=search.BACKENDS)
    TITLE_WAIT_SCHEDULE: tuple[float, ...] = setting(
        titles.WAIT_SCHEDULE, parse=titles.parse_schedule
    )
    TITLE_WAITERS_MAX: int = 2  # gen_title calls that may wait at once per process
    IDEMPOTENCY_WAIT_SECONDS: float = idempotency.WAIT_SECONDS
    MAX_CONTENT_LENGTH: int = setting(300 * 1024 * 1024, minimum=1)
    CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES: int = setting(importers.DEFAULT_MAX_BYTES, minimum=1)
    IMPORT_IP_MAX: int = setting(100, minimum=1)
    IMPORT_IP_WINDOW: int = setting(15, minimum=1)  # minutes, as LibreChat counts them
    IMPORT_USER_MAX: int = setting(50, minimum=1)
    IMPORT_USER_WINDOW: int = setting(15, minimum=1)
    FORK_IP_MAX: int = setting(30, minimum=1)
    FORK_IP_WINDOW: int = setting(1, minimum=1)
    FORK_USER_MAX: int = setting(7, minimum=1)
    FORK_USER_WINDOW: int = setting(1, minimum=1)
    SHARE_IP_MAX: int = setting(60, minimum=1)  # public shared-link reads per IP per window
    SHARE_IP_WINDOW: int = setting(1, minimum=1)
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
        """Defaults, then the environment, then ``overrides``; every value checked.

        Text (from the environment, or an override given as text) is parsed by the
        setting's rule; a value that cannot be used raises ``ConfigError`` naming every
        such variable. Then secrets are filled in or refused.
        """
        env = os.environ if env is None else env
        given: dict[str, Any] = {n: env[n] for n in cls.names() if env.get(n, "") != ""}
        if "JWT_SECRET_KEY" not in given and env.get("JWT_SECRET"):  # LibreChat's name
            given["JWT_SECRET_KEY"] = env["JWT_SECRET"]
        given.update(overrides or {})
        values: dict[str, Any] = {}
        problems: list[str] = []
        for spec in fields(cls):
            if spec.name not in given:
                continue
            value = given.pop(spec.name)
            try:
                values[spec.name] = _read(spec, value)
            except ValueError as exc:
                problems.append(f"{spec.name}={value!r}: {exc}")
        if problems:
            raise ConfigError("invalid settings: " + "; ".join(problems))
        return cls(**values, **given)._with_secrets()

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every setting's name, in declaration order."""
        return tuple(spec.name for spec in fields(cls))

    @property
    def verifies_with_public_keys(self) -> bool:
        """Tokens come from an identity provider: a public key, or its JWKS URL."""
        return bool(self.JWT_PUBLIC_KEY or self.JWT_JWKS_URL)

    def _with_secrets(self) -> Config:
        """Refuse unusable or missing keys; asymmetric keys imply RS256 unless set.

        Without any key the embedded store gets a random secret kept in its data
        directory (``app.embedded_secret``, when the app is built); a real one refuses.
        """
        if self.JWT_PUBLIC_KEY and self.JWT_JWKS_URL:
            raise ConfigError("set JWT_PUBLIC_KEY or JWT_JWKS_URL, not both")
        secret = self.JWT_SECRET_KEY
        if secret and len(secret.encode()) < SECRET_MIN_BYTES and not self.TESTING:
            raise ConfigError(
                f"JWT_SECRET_KEY (or JWT_SECRET) must be at least {SECRET_MIN_BYTES} bytes, "
                f"it has {len(secret.encode())}; generate one with `openssl rand -hex 32`"
            )
        if self.verifies_with_public_keys:
            algorithm = self.JWT_ALGORITHM if self.JWT_ALGORITHM != "HS256" else "RS256"
            return replace(self, JWT_ALGORITHM=algorithm)
        if secret or self.embedded:
            return self
        raise ConfigError(
            "JWT_SECRET_KEY (or JWT_PUBLIC_KEY / JWT_JWKS_URL with JWT_ALGORITHM) must be set "
            f"when MONGO_URI points at a real server ({redact(self.MONGO_URI)}); "
            "only the embedded store (mongomock://) makes its own secret."
        )

    def flask_settings(self) -> dict:
        """The Flask / extension settings this configuration implies."""
        settings = {spec.name: getattr(self, spec.name) for spec in fields(self)}
        settings.update(
            COLLOQUY_CONFIG=self,
            JWT_TOKEN_LOCATION=["headers"],
            JWT_DECODE_ALGORITHMS=[self.JWT_ALGORITHM],
            JWT_ACCESS_TOKEN_EXPIRES=timedelta(hours=self.JWT_ACCESS_TOKEN_HOURS),
            JWT_DECODE_AUDIENCE=self.JWT_AUDIENCE,
            JWT_ENCODE_AUDIENCE=self.JWT_AUDIENCE,
            JWT_DECODE_ISSUER=self.JWT_ISSUER,
            JWT_ENCODE_ISSUER=self.JWT_ISSUER,
            RATELIMIT_HEADERS_ENABLED=True,
            API_TITLE="Colloquy",
            API_VERSION="1.0",
            OPENAPI_VERSION="3.1.0",
            OPENAPI_URL_PREFIX="/",
            OPENAPI_JSON_PATH="openapi.json",
            OPENAPI_SWAGGER_UI_PATH="/docs",
            OPENAPI_SWAGGER_UI_URL="/docs/assets/",
            OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "persistAuthorization": True},
        )
        if not self.JWT_SECRET_KEY:
            settings.pop("JWT_SECRET_KEY")
        return settings


def _read(spec: Field, value: Any) -> Any:
    """``value`` parsed (when it is text) and checked against the setting's rule."""
    rule: Rule = spec.metadata.get("rule", Rule())
    if isinstance(value, str):
        value = (rule.parse or PARSERS[str(spec.type)])(value)
    if rule.choices is not None and value not in rule.choices:
        raise ValueError(f"expected one of {', '.join(rule.choices)}")
    if _is_number(value) and rule.minimum is not None and value < rule.minimum:
        raise ValueError(f"expected at least {rule.minimum}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def redact(uri: str) -> str:
    """Hide credentials in a connection string shown in messages."""
    if "@" in uri and "://" in uri:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return uri
