"""Rate limits for the expensive routes: import, and fork / duplicate.

Configured like LibreChat: ``IMPORT_IP_MAX`` requests per ``IMPORT_IP_WINDOW``
minutes per client IP, ``IMPORT_USER_MAX`` per ``IMPORT_USER_WINDOW`` per user
(the token's workspace and ``sub``), and the same with ``FORK_``. Limits are
shared by every route that carries the same decorator (the LibreChat and v1
import routes count together). A breach answers 429 with ``Retry-After`` in
the dialect's error shape, and a refused request spends no quota: what it took
from its other limit is given back. Only 429 and 503 answers carry
``Retry-After``. Storage: ``RATELIMIT_STORAGE_URI`` (memory by default, fresh
for each app).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g
from flask_jwt_extended import get_jwt, verify_jwt_in_request
from flask_limiter.util import get_remote_address

from ..extensions import limiter


def user_key() -> str:
    """The caller's user (workspace and ``sub`` of the token), else the IP address."""
    try:
        verify_jwt_in_request(optional=True)
        claims = get_jwt()
    except Exception:  # an invalid token: authentication will answer 401 anyway
        claims = {}
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        return f"ip:{get_remote_address()}"
    return f"user:{claims.get('workspace', 'default')}:{subject}"


def _limit_value(name: str, kind: str) -> Callable[[], str]:
    def value() -> str:
        config = current_app.config
        return f"{config[f'{name}_{kind}_MAX']} per {config[f'{name}_{kind}_WINDOW']} minutes"

    return value


def init_app(app: Flask) -> None:
    """Bind the limiter, keeping ``Retry-After`` for refusals.

    flask-limiter writes ``Retry-After`` on every answer of a limited route. Flask runs
    ``after_request`` hooks last-registered first, so this one, registered before the
    limiter's own, sees the answer after it.
    """
    app.after_request(_retry_after_only_on_refusals)
    limiter.init_app(app)


def _retry_after_only_on_refusals(response):
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def _give_back(_breached) -> None:
    """``on_breach``: a refused request returns the hits it made on every limit it was counted in.

    The fixed-window strategy counts a hit before comparing it with the limit, so the
    refused request's own limit is given back too.
    """
    if g.get("rate_limits_given_back"):
        return
    g.rate_limits_given_back = True
    for counted in limiter.current_limits:
        limiter.limiter.hit(counted.limit, *counted.request_args, cost=-1)


def _limits(name: str, what: str):
    """Decorator: the per-IP and per-user limits ``{name}_IP_*`` and ``{name}_USER_*``."""

    def decorate(view):
        for kind, key in (("USER", user_key), ("IP", get_remote_address)):
            view = limiter.shared_limit(
                _limit_value(name, kind),
                scope=f"{name.lower()}-{kind.lower()}",
                key_func=key,
                error_message=f"Too many {what} requests, try again later",
                on_breach=_give_back,
            )(view)
        return view

    return decorate


import_limits = _limits("IMPORT", "conversation import")
fork_limits = _limits("FORK", "fork or duplicate")
