"""Hostile nesting: deep JSON bodies and crafted cursors are refused with a 4xx, never a 500.

Every JSON write route and every keyset-paged route is taken from the served OpenAPI
document, so a route added later is covered without touching this file.
"""

import base64
import re

import pytest

from app.core.limits import BODY_DEPTH_MAX

V1 = "/v1/conversations"
DEEP = 1000  # about 6 KB of brackets: past Python's recursion limit when parsed naively
DEEP_CURSOR = base64.urlsafe_b64encode(b"[" * DEEP).decode()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json


@pytest.fixture
def conversation_id(client, auth):
    return client.post(V1, json={"title": "t"}, headers=auth()).json["data"]["id"]


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def concrete(path: str, conversation_id: str) -> str:
    return re.sub(r"\{[^}]+\}", conversation_id, path)


def json_write_routes(spec):
    for path, method, operation in operations(spec):
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            yield path, method


def paged_routes(spec):
    for path, method, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"].endswith("cursor"):
                yield path, method, parameter["name"]


def test_every_json_write_route_refuses_a_deep_body_naming_the_limit(
    client, auth, spec, conversation_id
):
    routes = list(json_write_routes(spec))
    assert len(routes) >= 19
    for path, method in routes:
        response = client.open(
            concrete(path, conversation_id),
            method=method.upper(),
            data=nested(DEEP),
            content_type="application/json",
            headers=auth(),
        )
        expected = 422 if path.startswith("/chat") else 400
        assert response.status_code == expected, (method, path, response.json)
        assert str(BODY_DEPTH_MAX) in str(response.json), (method, path, response.json)


@pytest.mark.parametrize("depth", [BODY_DEPTH_MAX + 1, 950, DEEP, 100_000])
def test_deep_bodies_are_refused_in_each_dialects_shape(client, auth, depth):
    body = nested(depth)
    v1 = client.post(V1, data=body, content_type="application/json", headers=auth())
    assert v1.status_code == 400
    assert v1.json["error"]["type"] == "json_too_deep"
    librechat = client.post(
        "/api/convos/update", data=body, content_type="application/json", headers=auth()
    )
    assert librechat.status_code == 400
    assert set(librechat.json) == {"error"}
    chat = client.put("/chat/rename/x", data=body, content_type="application/json", headers=auth())
    assert chat.status_code == 422
    assert chat.json["error"] is True


def test_a_body_at_the_limit_is_parsed_and_validated(client, auth):
    deepest = {"metadata": {}}
    level = deepest["metadata"]
    for _ in range(BODY_DEPTH_MAX - 2):
        level["k"] = {}
        level = level["k"]
    response = client.post(V1, json={"title": "t", **deepest}, headers=auth())
    assert response.status_code == 400  # parsed, then refused by the core's storable depth
    assert response.json["error"]["type"] == "invalid_request"


def test_brackets_inside_strings_do_not_count(client, auth):
    title = "[" * DEEP + "{" * DEEP
    response = client.post(V1, json={"title": title[:1024]}, headers=auth())
    assert response.status_code == 201


def test_every_paged_route_refuses_a_crafted_cursor(client, auth, spec, conversation_id):
    routes = list(paged_routes(spec))
    assert len(routes) >= 4
    for path, method, name in routes:
        query = {name: DEEP_CURSOR}
        if path.endswith("/search"):
            query["q"] = "t"
        response = client.open(
            concrete(path, conversation_id),
            method=method.upper(),
            query_string=query,
            headers=auth(),
        )
        assert response.status_code == 400, (path, name, response.json)
        assert "cursor" in str(response.json), (path, name, response.json)
