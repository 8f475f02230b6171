"""Tokens from an identity provider: keys from its JWKS URL, fetched lazily and cached."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app import create_app
from tests.conftest import TEST_SECRET
from tests.ops.server import free_port

V1 = "/v1/conversations"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class IdentityProvider:
    """A loopback JWKS endpoint publishing one RSA key as ``kid``, counting its fetches."""

    def __init__(self, kid: str = "key-1"):
        self.kid, self.key, self.fetches = kid, rsa_key(), 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                body = json.dumps({"keys": [{**jwk, "kid": provider.kid, "use": "sig"}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def token(self, kid: str | None = "key-1", key=None, **claims) -> str:
        body = {"sub": "alice", "exp": int(time.time()) + 600, **claims}
        headers = {"kid": kid} if kid else {}
        return pyjwt.encode(body, key or self.key, algorithm="RS256", headers=headers)


@pytest.fixture
def provider():
    idp = IdentityProvider()
    idp.thread.start()
    yield idp
    idp.server.shutdown()
    idp.server.server_close()


@pytest.fixture
def idp_app(app_config, provider):
    config = {**app_config, "JWT_SECRET_KEY": None, "JWT_JWKS_URL": provider.url}
    app = create_app(config)
    yield app
    app.extensions["mongo"].client.close()


def get(app, token):
    return app.test_client().get(V1, headers={"Authorization": f"Bearer {token}"})


def test_keys_are_fetched_at_the_first_token_then_cached(idp_app, provider):
    assert provider.fetches == 0  # nothing fetched while starting
    assert idp_app.config["JWT_ALGORITHM"] == "RS256"
    assert get(idp_app, provider.token()).status_code == 200
    assert get(idp_app, provider.token(sub="bob")).status_code == 200
    assert provider.fetches == 1


@pytest.mark.parametrize(
    "forged",
    [
        lambda idp: idp.token(kid="unknown-key"),
        lambda idp: idp.token(kid=None),
        lambda idp: idp.token(key=rsa_key()),  # the provider's kid, another key
        lambda idp: pyjwt.encode(
            {"sub": "alice", "exp": int(time.time()) + 600}, TEST_SECRET, headers={"kid": "key-1"}
        ),
    ],
    ids=["unknown kid", "no kid", "wrong key", "hs256"],
)
def test_tokens_no_published_key_verifies_are_401(idp_app, provider, forged):
    response = get(idp_app, forged(provider))
    assert response.status_code == 401
    assert response.json["error"]["type"] == "unauthenticated"


def test_an_unreachable_provider_is_a_503_in_the_dialects_shape(app_config, provider):
    config = {**app_config, "JWT_SECRET_KEY": None}
    app = create_app({**config, "JWT_JWKS_URL": f"http://127.0.0.1:{free_port()}/jwks"})
    token = provider.token()
    response = get(app, token)
    assert response.status_code == 503
    assert response.json["error"]["type"] == "service_unavailable"
    assert response.headers["Retry-After"]
    librechat = app.test_client().get("/api/convos", headers={"Authorization": f"Bearer {token}"})
    assert librechat.status_code == 503 and "error" in librechat.json
    app.extensions["mongo"].client.close()


def test_provider_tokens_are_checked_for_audience_and_issuer(app_config, provider):
    config = {**app_config, "JWT_SECRET_KEY": None, "JWT_JWKS_URL": provider.url}
    app = create_app({**config, "JWT_AUDIENCE": "colloquy-api", "JWT_ISSUER": "https://idp/"})
    assert get(app, provider.token(aud="colloquy-api", iss="https://idp/")).status_code == 200
    assert get(app, provider.token(aud="other", iss="https://idp/")).status_code == 401
    assert get(app, provider.token()).status_code == 401
    app.extensions["mongo"].client.close()
