"""Every data route needs a valid bearer token; failures are dialect-shaped 401s."""

import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token

from tests.conftest import TEST_SECRET

V1 = "/v1/conversations"


def assert_401(response):
    assert response.status_code == 401
    assert response.json["error"]["type"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_missing_header(client):
    assert_401(client.get(V1))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer not.a.jwt", "Basic abc", "Bearer a.b.c", "token-only"],
)
def test_malformed(client, header):
    assert_401(client.get(V1, headers={"Authorization": header}))


def test_expired(client, app):
    with app.app_context():
        expired = create_access_token("alice", expires_delta=timedelta(seconds=-5))
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {expired}"}))


def test_bad_signature(client):
    forged = pyjwt.encode(
        {"sub": "alice", "type": "access", "jti": "x", "fresh": False},
        "another-secret-of-at-least-thirty-two-bytes",
        algorithm="HS256",
    )
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {forged}"}))


def test_alg_none_is_refused(client):
    unsigned = pyjwt.encode({"sub": "alice", "type": "access"}, None, algorithm="none")
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {unsigned}"}))


@pytest.mark.parametrize(
    "claims",
    [{"role": "root"}, {"workspace": 7}, {"workspace": ""}, {"role": ["admin"]}],
)
def test_unusable_claims(client, claims):
    token = pyjwt.encode(
        {"sub": "alice", "type": "access", "jti": "x", "fresh": False, **claims},
        TEST_SECRET,
        algorithm="HS256",
    )
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {token}"}))


def test_valid_token(client, auth):
    response = client.get(V1, headers=auth("alice"))
    assert response.status_code == 200
    assert response.json == {"data": [], "has_more": False, "next_cursor": None}


def test_rs256_public_key(app_config):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from app import create_app

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    config = {**app_config, "JWT_SECRET_KEY": None, "JWT_PUBLIC_KEY": public}
    app = create_app(config)
    assert app.config["JWT_ALGORITHM"] == "RS256"
    claims = {"sub": "alice", "type": "access", "jti": "x", "fresh": False}
    token = pyjwt.encode({**claims, "exp": int(time.time()) + 60}, private, algorithm="RS256")
    client = app.test_client()
    assert client.get(V1, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    hs = pyjwt.encode({"sub": "alice", "type": "access"}, TEST_SECRET, algorithm="HS256")
    assert client.get(V1, headers={"Authorization": f"Bearer {hs}"}).status_code == 401


def test_create_token_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-token", "bob", "--role", "admin", "--workspace", "acme"])
    assert result.exit_code == 0
    claims = pyjwt.decode(result.output.strip(), TEST_SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"], claims["workspace"]) == ("bob", "admin", "acme")


def test_options_preflight_needs_no_token(client):
    response = client.options(V1)
    assert response.status_code == 200
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_scheme_is_case_insensitive(client, token, scheme):
    response = client.get(V1, headers={"Authorization": f"{scheme} {token('alice')}"})
    assert response.status_code == 200


def claims_token(**claims):
    return pyjwt.encode(
        {"sub": "alice", "type": "access", "jti": "x", "fresh": False, **claims},
        TEST_SECRET,
        algorithm="HS256",
    )


def test_token_without_expiry_is_refused(client):
    response = client.get(V1, headers={"Authorization": f"Bearer {claims_token()}"})
    assert_401(response)
    assert "exp" in response.json["error"]["message"]


def test_token_lifetime_is_capped(app_config):
    from app import create_app

    app_config["JWT_MAX_LIFETIME_HOURS"] = 2
    client = create_app(app_config).test_client()
    now = int(time.time())
    within = claims_token(iat=now, exp=now + 2 * 3600)
    assert client.get(V1, headers={"Authorization": f"Bearer {within}"}).status_code == 200
    too_long = claims_token(iat=now, exp=now + 3 * 3600)
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {too_long}"}))
    no_iat = claims_token(exp=now + 3 * 3600)  # counted from now
    assert_401(client.get(V1, headers={"Authorization": f"Bearer {no_iat}"}))


def test_create_token_refuses_a_lifetime_over_the_cap(app):
    result = app.test_cli_runner().invoke(args=["create-token", "bob", "--hours", "100000"])
    assert result.exit_code != 0
    assert "JWT_MAX_LIFETIME_HOURS" in result.output
