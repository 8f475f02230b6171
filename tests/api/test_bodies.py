"""JSON bodies: another media type is a 415, a missing body the dialect's validation error."""

import json

import pytest

from app.core import conversations
from app.core.scope import Scope

BODY = '{"title": "From a form"}'


@pytest.fixture
def chat_id(app_db):
    return conversations.create(app_db, Scope.for_user("alice"), title="Kept")["_id"]


def test_a_json_body_sent_as_another_type_creates_nothing(client, auth, app_db):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = client.post(
            "/v1/conversations", data=BODY, content_type=content_type, headers=auth()
        )
        assert response.status_code == 415
        assert response.json["error"]["type"] == "unsupported_media_type"
        assert "application/json" in response.json["error"]["message"]
    assert app_db.conversations.count_documents({}) == 0


def test_415_takes_each_dialect_shape(client, auth, chat_id):
    librechat = client.post(
        "/api/convos/update",
        data=json.dumps({"arg": {"conversationId": chat_id, "title": "New"}}),
        content_type="text/plain",
        headers=auth(),
    )
    assert librechat.status_code == 415
    assert set(librechat.json) == {"error"}
    chat = client.put(
        f"/chat/rename/{chat_id}", data=BODY, content_type="text/plain", headers=auth()
    )
    assert chat.status_code == 415
    assert chat.json["error"] is True


def test_json_with_a_charset_or_a_json_suffix_is_json(client, auth):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            "/v1/conversations", data=BODY, content_type=content_type, headers=auth()
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("post", "/v1/conversations", 422),
        ("patch", "/v1/conversations/{id}", 422),
        ("post", "/v1/conversations/{id}/compact", 422),
        ("post", "/api/convos/update", 400),
        ("post", "/api/convos/archive", 400),
        ("put", "/chat/rename/{id}", 422),
    ],
)
def test_a_missing_body_is_a_validation_error(client, auth, app_db, chat_id, method, path, status):
    before = app_db.conversations.find_one({"_id": chat_id})
    response = getattr(client, method)(path.format(id=chat_id), headers=auth())
    assert response.status_code == status
    text = response.json["error"]["message"] if path.startswith("/v1") else None
    text = text or response.json.get("message") or response.json["error"]
    assert "body is required" in text
    assert app_db.conversations.count_documents({}) == 1
    assert app_db.conversations.find_one({"_id": chat_id}) == before
