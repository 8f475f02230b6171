"""Word search through every dialect that searches, and the stored ``words`` never leaving
the service: no response or export of any dialect carries them."""

import json

import pytest

from app.core import conversations, messages
from app.core.messages import NewMessage
from app.core.scope import Scope

ALICE = Scope.for_user("alice")


@pytest.fixture
def history(app_db):
    convo = conversations.create(app_db, ALICE, title="Café rollout", tags=["ops"])
    said = messages.append(
        app_db, ALICE, convo["_id"], NewMessage("user", text="Kubernetes ROLLOUT stalled")
    )
    conversations.create(app_db, Scope.for_user("bob"), title="kubernetes rollout of bob")
    return convo["_id"], said["_id"]


def keys_anywhere(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_anywhere(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_anywhere(v)}
    return set()


def test_librechat_message_search_any_order_any_accent(client, auth, history):
    _, message_id = history
    for text in ("rollout kubernetes", "KUBERNETES stalled", "stalled%20rollout"):
        hits = client.get(f"/api/messages?search={text}", headers=auth("alice")).json
        assert [m["messageId"] for m in hits["messages"]] == [message_id]
    for text in ("rollout lisbon", "kube", ".*", "$gt"):
        assert client.get(f"/api/messages?search={text}", headers=auth("alice")).json == {
            "messages": [],
            "nextCursor": None,
        }
    assert client.get("/api/messages?search=rollout", headers=auth("bob")).json["messages"] == []


def test_librechat_list_search_matches_words(client, auth, history):
    convo_id, _ = history
    listed = client.get("/api/convos?search=CAFE%20Rollout", headers=auth("alice")).json
    assert [c["conversationId"] for c in listed["conversations"]] == [convo_id]


ROUTES = [
    "/api/convos",
    "/api/convos?search=rollout",
    "/api/convos/{convo}",
    "/api/messages/{convo}",
    "/api/messages/{convo}/{message}",
    "/api/messages?conversationId={convo}",
    "/api/messages?search=rollout",
    "/v1/conversations",
    "/v1/conversations/{convo}",
    "/v1/conversations/{convo}/messages",
    "/v1/conversations/search?q=rollout",
    "/v1/conversations/{convo}/export",
    "/v1/conversations/export/user/alice",
    "/chat/",
]


@pytest.mark.parametrize("route", ROUTES)
def test_no_response_carries_the_stored_words(client, auth, history, route):
    convo_id, message_id = history
    response = client.get(route.format(convo=convo_id, message=message_id), headers=auth())
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json() if response.is_json else json.loads(response.get_data())
    assert body and "words" not in keys_anywhere(body)


def test_edits_and_renames_through_librechat_are_searchable_at_once(client, auth, history):
    convo_id, message_id = history
    edited = client.put(
        f"/api/messages/{convo_id}/{message_id}", json={"text": "Ölkrise"}, headers=auth()
    )
    assert edited.status_code == 200, edited.json
    renamed = client.post(
        "/api/convos/update",
        json={"arg": {"conversationId": convo_id, "title": "Winter plans"}},
        headers=auth(),
    )
    assert renamed.status_code == 200, renamed.json

    def hits(text):
        body = client.get(f"/v1/conversations/search?q={text}", headers=auth()).json
        return {c["id"]: c["matched_fields"] for c in body["data"]}

    assert hits("olkrise") == {convo_id: ["messages"]}
    assert hits("PLANS winter") == {convo_id: ["title"]}
    assert hits("rollout") == {} and hits("cafe") == {}
