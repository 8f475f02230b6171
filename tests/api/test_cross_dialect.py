"""One conversation, three dialects: a change made through one reads the same through the others.

The /v1 and /chat halves run now. The LibreChat half (``/api/convos``) is built on
another branch: ``test_librechat_reads_what_v1_and_chat_changed`` skips while
``/api/convos/<id>`` is an unknown route. LEAD: after merging the LibreChat routes,
drop the skip if it still triggers, and extend the test with changes made through
LibreChat (``POST /api/convos/update``, ``POST /api/convos/archive``) read via /v1
and /chat.
"""

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
    if response.status_code == 404 and "requested URL was not found" in str(response.json):
        pytest.skip("LibreChat /api/convos/<id> is not on this branch yet (merged separately)")
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
