"""An identity provider's signing keys, from its JWKS URL (``JWT_JWKS_URL``).

Nothing is fetched when the app starts: the key set is fetched at the first token
that needs it, then kept for ``CACHE_SECONDS``; a token naming a key (``kid``) the
set does not hold makes PyJWT refetch it once (a key the provider just rotated in),
no more often than its cool-down allows. PyJWT's ``PyJWKClient`` does the fetching and
caching; this module picks the key by the token header's ``kid`` and turns failures
into answers: a token no key verifies is a 401, a provider that cannot be reached a 503.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from jwt import InvalidTokenError, PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger(__name__)

CACHE_SECONDS = 300
FETCH_TIMEOUT_SECONDS = 5
RETRY_AFTER_SECONDS = 30
EXTENSION = "colloquy_jwks"


class IdentityProviderKeys:
    """The key set at one JWKS URL, fetched lazily and cached (thread-safe)."""

    def __init__(self, url: str):
        self.url = url
        self.client = PyJWKClient(
            url,
            cache_jwk_set=True,
            lifespan=CACHE_SECONDS,
            timeout=FETCH_TIMEOUT_SECONDS,
        )

    def key_for(self, header: dict):
        """The public key the token's header names (``kid``)."""
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidTokenError("the token header names no signing key ('kid')")
        try:
            return self.client.get_signing_key(kid).key
        except PyJWKClientConnectionError as exc:
            log.warning("identity provider keys unreachable at %s: %s", self.url, exc)
            raise ServiceUnavailable(
                "The identity provider's signing keys cannot be fetched, retry later",
                retry_after=RETRY_AFTER_SECONDS,
            ) from exc
        except PyJWKClientError as exc:
            raise InvalidTokenError(f"no signing key '{kid}' at the identity provider") from exc


def init_app(app: Flask) -> None:
    """Verify tokens with the keys at ``JWT_JWKS_URL``, when it is set (no fetch now)."""
    url = app.config.get("JWT_JWKS_URL")
    if url:
        app.extensions[EXTENSION] = IdentityProviderKeys(url)


def current_keys() -> IdentityProviderKeys | None:
    return current_app.extensions.get(EXTENSION)
