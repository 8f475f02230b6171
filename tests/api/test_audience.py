"""With JWT_AUDIENCE / JWT_ISSUER set, tokens must name them; minted tokens do."""

import time

import jwt as pyjwt
import pytest

from app.api.auth import mint_token
from tests.conftest import TEST_SECRET

V1 = "/v1/conversations"

AUDIENCE, ISSUER = "colloquy-api", "https://idp.example.com/"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "JWT_AUDIENCE": AUDIENCE, "JWT_ISSUER": ISSUER}


def hs_token(**claims):
    body = {"sub": "alice", "exp": int(time.time()) + 600, **claims}
    return pyjwt.encode(body, TEST_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    ("claims", "status"),
    [
        ({"aud": AUDIENCE, "iss": ISSUER}, 200),
        ({"aud": [AUDIENCE, "other"], "iss": ISSUER}, 200),
        ({"aud": "other", "iss": ISSUER}, 401),
        ({"iss": ISSUER}, 401),
        ({"aud": AUDIENCE, "iss": "https://elsewhere/"}, 401),
        ({"aud": AUDIENCE}, 401),
    ],
)
def test_audience_and_issuer_must_match(client, claims, status):
    response = client.get(V1, headers={"Authorization": f"Bearer {hs_token(**claims)}"})
    assert response.status_code == status


def test_minted_tokens_carry_audience_and_issuer(app, client):
    with app.app_context():
        token = mint_token("alice")
    claims = pyjwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert (claims["aud"], claims["iss"]) == (AUDIENCE, ISSUER)
    assert client.get(V1, headers={"Authorization": f"Bearer {token}"}).status_code == 200
