"""Values no client could read back are refused, in each dialect's shape, and change nothing.

- A lone surrogate (``"\\ud800"``: valid JSON text, not valid Unicode) in any stored
  string is the dialect's validation error naming the field: 422 in /v1 and /chat,
  400 in LibreChat (which answers every validation error with 400).
- NaN and ±Infinity (Python's JSON reader accepts them, and ``1e999`` becomes
  Infinity; no JSON writer may emit them) are a 400 naming the field.
- A title over 1024 characters is the dialect's validation error everywhere;
  surrounding whitespace is still trimmed.
"""

from __future__ import annotations

import pytest

from app.core import conversations, messages, tags
from app.core.scope import Scope

ALICE = Scope.for_user("alice")
LONE = '"a\\ud800b"'  # JSON text of a string holding a lone surrogate
LONG = '"' + "t" * 100_000 + '"'
COLLECTIONS = ("conversations", "messages", "tags")

SURROGATES = [
    # (method, path, body: ID is alice's conversation, BAD the bad value), status, field
    ("POST", "/v1/conversations", '{"title": BAD}', 422, "title"),
    ("POST", "/v1/conversations", '{"tags": ["ok", BAD]}', 422, "tags"),
    ("POST", "/v1/conversations", '{"metadata": {"k": BAD}}', 422, "metadata"),
    ("POST", "/v1/conversations", '{"metadata": {"k": {"deep": [BAD]}}}', 422, "metadata"),
    ("POST", "/v1/conversations", '{"source": BAD}', 422, "source"),
    ("POST", "/v1/conversations", '{"assistant_id": BAD}', 422, "assistant_id"),
    ("PATCH", "/v1/conversations/ID", '{"title": BAD}', 422, "title"),
    ("PATCH", "/v1/conversations/ID", '{"tags": [BAD]}', 422, "tags"),
    ("PATCH", "/v1/conversations/ID", '{"metadata": {"k": BAD}}', 422, "metadata"),
    (
        "POST",
        "/v1/conversations/ID/messages",
        '{"role": "user", "text": "x", "metadata": {"k": BAD}}',
        422,
        "metadata",
    ),
    (
        "POST",
        "/v1/conversations/ID/messages",
        '{"role": "user", "content": [{"type": "text", "text": BAD}]}',
        422,
        "content",
    ),
    (
        "POST",
        "/v1/conversations/bulk",
        '{"action": "tag", "conversation_ids": ["ID"], "tags": [BAD]}',
        422,
        "tags",
    ),
    ("PUT", "/chat/rename/ID", '{"title": BAD}', 422, "title"),
    ("POST", "/api/convos/update", '{"arg": {"conversationId": "ID", "title": BAD}}', 400, "title"),
    ("POST", "/api/convos/duplicate", '{"conversationId": "ID", "title": BAD}', 400, "title"),
    ("POST", "/api/tags", '{"tag": BAD}', 400, "tag"),
    ("POST", "/api/tags", '{"tag": "fine", "description": BAD}', 400, "description"),
    ("PUT", "/api/tags/kept", '{"tag": BAD}', 400, "tag"),
    ("PUT", "/api/tags/kept", '{"description": BAD}', 400, "description"),
    ("PUT", "/api/tags/convo/ID", '{"tags": [BAD]}', 400, "tags"),
    ("POST", "/api/tags/convo/ID", '{"tag": BAD}', 400, "tag"),
]

NON_FINITE = [
    ("POST", "/v1/conversations", '{"metadata": {"k": NaN}}', "metadata"),
    ("POST", "/v1/conversations", '{"metadata": {"k": 1e999}}', "metadata"),
    (
        "POST",
        "/v1/conversations",
        '{"messages": [{"role": "user", "content": [{"type": "text", "score": NaN}]}]}',
        "content",
    ),
    ("PATCH", "/v1/conversations/ID", '{"metadata": {"k": [-Infinity]}}', "metadata"),
    (
        "POST",
        "/v1/conversations/ID/messages",
        '{"role": "user", "text": "x", "metadata": {"k": Infinity}}',
        "metadata",
    ),
    (
        "POST",
        "/v1/conversations/ID/messages",
        '{"role": "user", "content": [{"type": "text", "text": "x", "score": NaN}]}',
        "content",
    ),
]

LONG_TITLES = [
    ("POST", "/v1/conversations", '{"title": BAD}', 422),
    ("PATCH", "/v1/conversations/ID", '{"title": BAD}', 422),
    ("PUT", "/chat/rename/ID", '{"title": BAD}', 422),
    ("POST", "/api/convos/update", '{"arg": {"conversationId": "ID", "title": BAD}}', 400),
    ("POST", "/api/convos/duplicate", '{"conversationId": "ID", "title": BAD}', 400),
]


@pytest.fixture
def kept(app_db):
    """Alice's conversation (one message, tag ``kept``) that no refused request may change."""
    conversation = conversations.create(app_db, ALICE, title="kept", tags=["kept"])
    messages.append(app_db, ALICE, conversation["_id"], messages.NewMessage("user", "hi"))
    tags.ensure(app_db, ALICE, ["kept"])
    return conversation["_id"]


def snapshot(app_db) -> dict:
    return {name: list(app_db[name].find()) for name in COLLECTIONS}


def send(client, auth, method, path, body, conversation_id, bad):
    return client.open(
        path.replace("ID", conversation_id),
        method=method,
        data=body.replace("ID", conversation_id).replace("BAD", bad),
        content_type="application/json",
        headers=auth("alice"),
    )


def error_message(response) -> str:
    """The message of an error in any dialect's shape."""
    body = response.json
    if isinstance(body.get("error"), dict):  # /v1
        return body["error"]["message"]
    if body.get("error") is True:  # /chat
        return body["message"]
    return body["error"]  # LibreChat


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), SURROGATES)
def test_a_lone_surrogate_is_a_validation_error_naming_the_field(
    client, auth, app_db, kept, method, path, body, status, field
):
    before = snapshot(app_db)
    response = send(client, auth, method, path, body, kept, LONE)
    assert response.status_code == status, response.json
    assert field in error_message(response)
    assert snapshot(app_db) == before


def test_v1_names_the_field_in_its_validation_details(client, auth, kept):
    response = send(client, auth, "PATCH", "/v1/conversations/ID", '{"title": BAD}', kept, LONE)
    error = response.json["error"]
    assert (response.status_code, error["type"]) == (422, "validation_error")
    assert list(error["details"]["json"]) == ["title"]


@pytest.mark.parametrize(("method", "path", "body", "field"), NON_FINITE)
def test_a_number_that_is_not_finite_is_a_400(
    client, auth, app_db, kept, method, path, body, field
):
    before = snapshot(app_db)
    response = client.open(
        path.replace("ID", kept),
        method=method,
        data=body,
        content_type="application/json",
        headers=auth("alice"),
    )
    assert response.status_code == 400, response.json
    assert response.json["error"]["type"] == "invalid_request"
    assert field in response.json["error"]["message"]
    assert snapshot(app_db) == before
    assert b"NaN" not in client.get("/v1/conversations", headers=auth("alice")).data


@pytest.mark.parametrize(("method", "path", "body", "status"), LONG_TITLES)
def test_a_title_over_the_cap_is_refused_in_every_dialect(
    client, auth, app_db, kept, method, path, body, status
):
    before = snapshot(app_db)
    response = send(client, auth, method, path, body, kept, LONG)
    assert response.status_code == status, response.json
    assert "title" in error_message(response)
    assert snapshot(app_db) == before


def test_a_title_at_the_cap_is_trimmed_and_kept_whole(client, auth, kept):
    title = "t" * 1024
    body = {"arg": {"conversationId": kept, "title": f" {title[:-2]} "}}
    renamed = client.post("/api/convos/update", json=body, headers=auth("alice"))
    assert (renamed.status_code, renamed.json["title"]) == (200, title[:-2])
    body = {"arg": {"conversationId": kept, "title": title}}
    renamed = client.post("/api/convos/update", json=body, headers=auth("alice"))
    assert (renamed.status_code, renamed.json["title"]) == (200, title)
