"""One conversation, three dialects: a change made through one reads the same through the others."""

import pytest

V1 = "/v1/conversations"


@pytest.fixture
def headers(auth):
    return auth("alice")


@pytest.fixture
def conversation_id(client, headers):
    response = client.post(V1, json={"title": "Original", "tags": ["a"]}, headers=headers)
    return response.json["data"]["id"]


def v1_view(client, headers, conversation_id):
    data = client.get(f"{V1}/{conversation_id}", headers=headers).json["data"]
    return data["title"], data["status"], data["tags"]


def chat_titles(client, headers):
    return {c["id"]: c["title"] for c in client.get("/chat/", headers=headers).json["chats"]}


def test_v1_changes_read_through_chat(client, headers, conversation_id):
    patch = {"title": "Renamed in v1", "tags": ["a", "b"]}
    client.patch(f"{V1}/{conversation_id}", json=patch, headers=headers)
    assert chat_titles(client, headers) == {conversation_id: "Renamed in v1"}
    client.patch(f"{V1}/{conversation_id}", json={"status": "archived"}, headers=headers)
    assert chat_titles(client, headers) == {}
    client.patch(f"{V1}/{conversation_id}", json={"status": "active"}, headers=headers)
    assert chat_titles(client, headers) == {conversation_id: "Renamed in v1"}


def test_chat_changes_read_through_v1(client, headers, conversation_id):
    client.put(
        f"/chat/rename/{conversation_id}", json={"title": "Renamed in chat"}, headers=headers
    )
    assert v1_view(client, headers, conversation_id) == ("Renamed in chat", "active", ["a"])
    client.delete(f"/chat/archive/{conversation_id}", headers=headers)
    assert v1_view(client, headers, conversation_id) == ("Renamed in chat", "archived", ["a"])
    archived = client.get(V1, query_string={"status": "archived"}, headers=headers).json["data"]
    assert [c["id"] for c in archived] == [conversation_id]


def librechat_conversation(client, headers, conversation_id):
    response = client.get(f"/api/convos/{conversation_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_librechat_reads_what_v1_and_chat_changed(client, headers, conversation_id):
    client.patch(f"{V1}/{conversation_id}", json={"tags": ["a", "b"]}, headers=headers)
    client.put(
        f"/chat/rename/{conversation_id}", json={"title": "Renamed in chat"}, headers=headers
    )
    client.delete(f"/chat/archive/{conversation_id}", headers=headers)
    convo = librechat_conversation(client, headers, conversation_id)
    assert convo["conversationId"] == conversation_id
    assert convo["title"] == "Renamed in chat"
    assert convo["isArchived"] is True
    assert convo["tags"] == ["a", "b"]


def test_librechat_changes_read_through_v1_and_chat(client, headers, conversation_id):
    body = {"arg": {"conversationId": conversation_id, "title": "Renamed in LibreChat"}}
    assert client.post("/api/convos/update", json=body, headers=headers).status_code == 200
    tagged = client.put(
        f"/api/tags/convo/{conversation_id}", json={"tags": ["x", "y"]}, headers=headers
    )
    assert tagged.status_code == 200
    assert chat_titles(client, headers) == {conversation_id: "Renamed in LibreChat"}
    assert v1_view(client, headers, conversation_id) == (
        "Renamed in LibreChat",
        "active",
        ["x", "y"],
    )
    archive = {"arg": {"conversationId": conversation_id, "isArchived": True}}
    assert client.post("/api/convos/archive", json=archive, headers=headers).status_code == 200
    assert chat_titles(client, headers) == {}
    assert v1_view(client, headers, conversation_id)[1] == "archived"


def test_other_users_change_nothing_in_any_dialect(client, auth, headers, conversation_id):
    bob = auth("bob")
    body = {"arg": {"conversationId": conversation_id, "title": "Stolen"}}
    assert client.post("/api/convos/update", json=body, headers=bob).status_code == 403
    assert (
        client.put(
            f"/chat/rename/{conversation_id}", json={"title": "Stolen"}, headers=bob
        ).status_code
        == 404
    )
    assert (
        client.patch(f"{V1}/{conversation_id}", json={"title": "Stolen"}, headers=bob).status_code
        == 404
    )
    assert client.delete(f"/chat/archive/{conversation_id}", headers=bob).status_code == 404
    assert v1_view(client, headers, conversation_id) == ("Original", "active", ["a"])
