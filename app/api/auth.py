"""Bearer-JWT authentication and the caller's ``Scope``.

The user id is the ``JWT_IDENTITY_CLAIM`` claim (``sub`` by default; ``id``
for tokens a LibreChat deployment signs); optional claims ``workspace``
(default ``default``) and ``role`` (``user`` or ``admin``). Failures answer
401 in the calling dialect's error shape.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g
from flask_jwt_extended import JWTManager, create_access_token, get_jwt, verify_jwt_in_request

from ..core.errors import Unauthenticated
from ..core.scope import DEFAULT_WORKSPACE, ROLES, Scope
from .errors import Problem, respond

CLAIM_MAX = 200


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


def scope_from_claims(claims: dict, identity_claim: str = "sub") -> Scope:
    """The ``Scope`` a verified token grants; ``Unauthenticated`` if its claims are unusable."""
    user_id = claims.get(identity_claim)
    workspace = claims.get("workspace", DEFAULT_WORKSPACE)
    role = claims.get("role", "user")
    for name, value in ((identity_claim, user_id), ("workspace", workspace)):
        if not isinstance(value, str) or not value.strip() or len(value) > CLAIM_MAX:
            raise Unauthenticated(f"Token claim '{name}' must be a non-empty string")
    if role not in ROLES:
        raise Unauthenticated(f"Token claim 'role' must be one of {', '.join(ROLES)}")
    if role == "admin":
        return Scope.for_admin(user_id, workspace)
    return Scope.for_user(user_id, workspace)


def authenticate() -> None:
    """``before_request`` hook: verify the bearer token and remember the scope.

    CORS preflights (``OPTIONS``) are exempt: flask-jwt-extended returns ``None``.
    """
    if verify_jwt_in_request() is None:
        return
    g.scope = scope_from_claims(get_jwt(), current_app.config["JWT_IDENTITY_CLAIM"])


def require_auth(blueprint: Blueprint) -> Blueprint:
    """Protect every route of ``blueprint``."""
    blueprint.before_request(authenticate)
    return blueprint


def current_scope() -> Scope:
    """The authenticated caller's scope (set by ``authenticate``)."""
    return g.scope


def mint_token(
    user_id: str, workspace: str = DEFAULT_WORKSPACE, role: str = "user", hours: float = 24
) -> str:
    """A signed access token (needs an app context; RS256 needs ``JWT_PRIVATE_KEY``)."""
    claim = current_app.config["JWT_IDENTITY_CLAIM"]
    scope_from_claims({claim: user_id, "workspace": workspace, "role": role}, claim)
    return create_access_token(
        identity=user_id,
        additional_claims={"workspace": workspace, "role": role},
        expires_delta=timedelta(hours=hours),
    )
