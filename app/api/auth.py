"""Bearer-JWT authentication and the caller's ``Scope``.

The user id is the ``JWT_IDENTITY_CLAIM`` claim (``sub`` by default; ``id``
for tokens a LibreChat deployment signs); optional claims ``workspace``
(default ``default``) and ``role`` (``user`` or ``admin``). Every token must
expire: ``exp`` is required, at most ``JWT_MAX_LIFETIME_HOURS`` after ``iat``
(or after now, for a token without ``iat``). The scheme is case-insensitive
(``bearer`` works). With ``JWT_AUDIENCE`` / ``JWT_ISSUER`` set, ``aud`` / ``iss`` must
match. Tokens are verified with ``JWT_SECRET_KEY``, ``JWT_PUBLIC_KEY``, or the key an
identity provider publishes at ``JWT_JWKS_URL`` (``app.api.jwks``). Failures answer 401
in the calling dialect's error shape.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from flask import Blueprint, current_app, g
from flask_jwt_extended import JWTManager, create_access_token, get_jwt, verify_jwt_in_request
from flask_jwt_extended.config import config as jwt_settings

from ..core.errors import Unauthenticated
from ..core.limits import ID_MAX
from ..core.scope import DEFAULT_WORKSPACE, ROLES, Scope
from .errors import Problem, respond
from .jwks import current_keys

if TYPE_CHECKING:
    from typing_extensions import TypeIs

AnyBlueprint = TypeVar("AnyBlueprint", bound=Blueprint)  # Flask's, or flask-smorest's


def _unauthorized(message: str):
    return respond(Problem(401, "unauthenticated", message))


def configure_jwt(jwt: JWTManager) -> None:
    """Make every token failure a dialect-shaped 401."""
    jwt.unauthorized_loader(lambda reason: _unauthorized(f"Missing or malformed token: {reason}"))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"Invalid token: {reason}"))
    jwt.expired_token_loader(lambda _header, _payload: _unauthorized("Token has expired"))
    jwt.revoked_token_loader(lambda _header, _payload: _unauthorized("Token has been revoked"))
    jwt.needs_fresh_token_loader(lambda _header, _payload: _unauthorized("Fresh token required"))
    jwt.token_verification_failed_loader(
        lambda _header, _payload: _unauthorized("Token claims are not valid")
    )
    jwt.decode_key_loader(decode_key)


def decode_key(header: dict, _payload: dict):
    """The key that verifies a token: the identity provider's key its ``kid`` names
    (``JWT_JWKS_URL``), else the configured secret or public key."""
    keys = current_keys()
    return keys.key_for(header) if keys else jwt_settings.decode_key


def scope_from_claims(claims: dict, identity_claim: str = "sub") -> Scope:
    """The ``Scope`` a verified token grants; ``Unauthenticated`` if its claims are unusable."""
    user_id = _text_claim(claims, identity_claim)
    workspace = _text_claim(claims, "workspace", DEFAULT_WORKSPACE)
    role = claims.get("role", "user")
    if role not in ROLES:
        raise Unauthenticated(f"Token claim 'role' must be one of {', '.join(ROLES)}")
    if role == "admin":
        return Scope.for_admin(user_id, workspace)
    return Scope.for_user(user_id, workspace)


def _text_claim(claims: dict, name: str, default: str | None = None) -> str:
    value = claims.get(name, default)
    if not isinstance(value, str) or not value.strip() or len(value) > ID_MAX:
        raise Unauthenticated(f"Token claim '{name}' must be a non-empty string")
    return value


def check_lifetime(claims: dict, max_hours: float, now: float) -> None:
    """``Unauthenticated`` unless the token expires, within ``max_hours`` of being issued."""
    expires = claims.get("exp")
    if not _is_number(expires):
        raise Unauthenticated("Token must carry an expiry ('exp' claim)")
    iat = claims.get("iat")
    issued = iat if _is_number(iat) else now
    if expires - issued > max_hours * 3600:
        raise Unauthenticated(f"Token lifetime exceeds the {max_hours:g} hours allowed")


def _is_number(value: object) -> TypeIs[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def canonical_bearer_scheme(wsgi_app):
    """WSGI middleware: ``bearer …`` reads as ``Bearer …`` (auth schemes are case-insensitive)."""

    def app(environ, start_response):
        scheme, space, rest = environ.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if space and scheme != "Bearer" and scheme.lower() == "bearer":
            environ["HTTP_AUTHORIZATION"] = f"Bearer {rest}"
        return wsgi_app(environ, start_response)

    return app


def authenticate() -> None:
    """``before_request`` hook: verify the bearer token and remember the scope.

    CORS preflights (``OPTIONS``) are exempt: flask-jwt-extended returns ``None``.
    """
    if verify_jwt_in_request() is None:
        return
    claims = get_jwt()
    check_lifetime(claims, current_app.config["JWT_MAX_LIFETIME_HOURS"], time.time())
    g.scope = scope_from_claims(claims, current_app.config["JWT_IDENTITY_CLAIM"])


def require_auth(blueprint: AnyBlueprint) -> AnyBlueprint:
    """Protect every route of ``blueprint`` (``DialectBlueprint`` does, unless public)."""
    blueprint.before_request(authenticate)
    return blueprint


def current_scope() -> Scope:
    """The authenticated caller's scope (set by ``authenticate``)."""
    return g.scope


def mint_token(
    user_id: str, workspace: str = DEFAULT_WORKSPACE, role: str = "user", hours: float = 24
) -> str:
    """A signed access token (needs an app context; RS256 needs ``JWT_PRIVATE_KEY``).

    ``ValueError`` if ``hours`` is over ``JWT_MAX_LIFETIME_HOURS`` (the token would be refused).
    """
    claim = current_app.config["JWT_IDENTITY_CLAIM"]
    scope_from_claims({claim: user_id, "workspace": workspace, "role": role}, claim)
    max_hours = current_app.config["JWT_MAX_LIFETIME_HOURS"]
    if hours > max_hours:
        raise ValueError(f"{hours:g} hours is over JWT_MAX_LIFETIME_HOURS ({max_hours:g})")
    return create_access_token(
        identity=user_id,
        additional_claims={"workspace": workspace, "role": role},
        expires_delta=timedelta(hours=hours),
    )
