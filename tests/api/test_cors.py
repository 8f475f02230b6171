"""CORS for browser front ends: only the origins of ``CORS_ORIGINS``, and none by default."""

import pytest

from app import create_app
from app.api.auth import mint_token

V1 = "/v1/conversations"
LISTED = "https://chat.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CORS_ORIGINS": f"{LISTED}, http://localhost:3000"}


def test_a_listed_origins_preflight_is_allowed_without_a_token(client):
    response = client.options(V1, headers={"Origin": LISTED, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == LISTED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= {
        name.strip() for name in allowed.split(",")
    }
    assert "Access-Control-Allow-Credentials" not in response.headers  # bearer tokens only


def test_another_origin_gets_no_cors_headers(client):
    response = client.options(V1, headers={"Origin": "https://evil.example", **PREFLIGHT})
    assert not [name for name, _ in response.headers if name.lower().startswith("access-control")]


def test_answers_to_a_listed_origin_can_be_read_even_when_refused(client, auth):
    listed = client.get(V1, headers={"Origin": LISTED, **auth("alice")})
    assert listed.status_code == 200
    assert listed.headers["Access-Control-Allow-Origin"] == LISTED
    assert "X-Request-ID" in listed.headers["Access-Control-Expose-Headers"]
    refused = client.get(V1, headers={"Origin": "http://localhost:3000"})
    assert refused.status_code == 401
    assert refused.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_cors_is_off_by_default(app_config, shared_app):
    default = {k: v for k, v in app_config.items() if k != "CORS_ORIGINS"}
    client = shared_app.for_test(default).test_client()
    response = client.options(V1, headers={"Origin": LISTED, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflights_pass_while_the_store_is_down(app_config):
    down = create_app({**app_config, "MONGO_URI": "mongodb://127.0.0.1:1"})
    client = down.test_client()
    with down.app_context():
        token = mint_token("alice")
    data = client.get(V1, headers={"Origin": LISTED, "Authorization": f"Bearer {token}"})
    assert data.status_code == 503  # the breaker is open now
    assert data.headers["Access-Control-Allow-Origin"] == LISTED  # the page can read why
    preflight = client.options(V1, headers={"Origin": LISTED, **PREFLIGHT})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == LISTED
    down.extensions["mongo"].client.close()
