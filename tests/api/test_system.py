"""Health, readiness, metrics, request ids and docs: public and offline."""

import pytest

from app import create_app
from tests.conftest import TEST_SECRET


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "store": "reachable"}


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["X-Request-ID"] not in ("", "bad id with spaces")
    assert len(made.headers["X-Request-ID"]) == 32


def test_metrics_count_requests(client):
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert "colloquy_http_requests_total" in body
    assert 'route="/healthz"' in body
    assert "colloquy_http_request_duration_seconds_bucket" in body


def test_docs_page_uses_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        with client.get(f"/docs/assets/{asset}") as response:  # closes the file it streams
            assert response.status_code == 200
            assert len(response.data) > 1000


def test_openapi_declares_bearer_and_public_routes(client):
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    for public in ("/healthz", "/readyz", "/metrics"):
        assert spec["paths"][public]["get"]["security"] == []
    listing = spec["paths"]["/v1/conversations"]["get"]
    assert "security" not in listing  # inherits the global bearer requirement
    assert listing["summary"]  # docstrings become the OpenAPI text


def test_unknown_route_is_json_404(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.json["error"]["type"] == "not_found"


def test_method_not_allowed_is_json(client, auth):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.is_json


@pytest.fixture
def unreachable_app():
    app = create_app(
        {"MONGO_URI": "mongodb://127.0.0.1:1", "JWT_SECRET_KEY": TEST_SECRET, "TESTING": True}
    )
    yield app
    app.extensions["mongo"].client.close()


def test_unreachable_store_is_503_but_alive(unreachable_app):
    from app.api.auth import mint_token

    client = unreachable_app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["status"] == "unavailable"
    with unreachable_app.app_context():
        token = mint_token("alice")
    headers = {"Authorization": f"Bearer {token}"}
    data = client.get("/v1/conversations", headers=headers)
    assert data.status_code == 503
    assert data.json["error"]["type"] == "unavailable"
    librechat = client.get("/api/convos", headers=headers)
    assert librechat.status_code == 503
    assert librechat.json == {"error": "The database is unavailable, retry later"}
    chat = client.get("/chat/", headers=headers)
    assert chat.status_code == 503
    assert chat.json == {"error": True, "message": "The database is unavailable, retry later"}


def test_metrics_labels_stay_bounded(client):
    """Unknown methods count as ``other`` and paths by their route, never raw."""
    for index in range(30):
        client.open(f"/v1/conversations/c{index}", method=f"BREW{index}")
        client.get(f"/no/such/path/{index}")
    body = client.get("/metrics").get_data(as_text=True)
    assert "BREW" not in body
    assert "/no/such/path" not in body
    assert 'method="other",route="<unmatched>",status="405"' in body


def test_method_not_allowed_says_which_are(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS"}
