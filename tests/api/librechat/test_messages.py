"""Scenario: GET /api/messages/:conversationId, as LibreChat's client loads a conversation."""

from .conftest import assert_librechat_error


def test_messages_in_librechat_wire_format(client, as_alice, convo):
    created = convo("what is 2+2?", "4")
    response = client.get(f"/api/messages/{created['_id']}", headers=as_alice)
    assert response.status_code == 200
    first, second = response.json
    assert first["conversationId"] == created["_id"]
    assert first["parentMessageId"] == "00000000-0000-0000-0000-000000000000"
    assert second["parentMessageId"] == first["messageId"]
    assert (first["isCreatedByUser"], second["isCreatedByUser"]) == (True, False)
    assert (first["sender"], second["sender"]) == ("User", "gpt-4o")
    assert (first["text"], second["text"]) == ("what is 2+2?", "4")
    assert second["model"] == "gpt-4o"
    assert "content" not in second  # plain text: the client renders `text`
    assert second["createdAt"] == second["updatedAt"]
    assert "tokenCount" in second


def test_messages_errors(client, as_alice, as_bob, convo):
    created = convo("hi")
    assert client.get("/api/messages/" + convo()["_id"], headers=as_alice).json == []
    assert_librechat_error(client.get("/api/messages/nope", headers=as_alice), 404)
    assert_librechat_error(
        client.get(f"/api/messages/{created['_id']}", headers=as_bob),
        403,
        "You don't have access to this conversation",
    )
    assert_librechat_error(client.get(f"/api/messages/{created['_id']}"), 401)


def test_messages_with_parts_keep_them(client, as_alice, convo, app_db):
    from app.core import messages

    from .conftest import ALICE

    created = convo("draw a cat")
    parts = [{"type": "text", "text": "Here is a cat"}, {"type": "image_url", "image_url": {}}]
    messages.append(app_db, ALICE, created["_id"], messages.NewMessage("assistant", content=parts))
    first, second = client.get(f"/api/messages/{created['_id']}", headers=as_alice).json
    assert "content" not in first and first["text"] == "draw a cat"
    assert second["content"] == parts and second["text"] == "Here is a cat"
