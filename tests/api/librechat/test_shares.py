"""Scenario: /api/share — create, find, list, refresh, delete, fork, and the public read."""

import pytest

from .conftest import assert_librechat_error

FOREIGN = "You don't have access to this conversation"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SHARE_IP_MAX": 4, "SHARE_IP_WINDOW": 1}


def share(client, headers, conversation, **body):
    response = client.post(f"/api/share/{conversation['_id']}", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_share_and_read_it_without_a_token(client, as_alice, convo):
    conversation = convo("Is the sea salty?", "Yes.", title="Sea")
    created = share(client, as_alice, conversation)
    assert set(created) == {"shareId", "conversationId"}
    public = client.get(f"/api/share/{created['shareId']}")
    assert public.status_code == 200
    body = public.json
    assert (body["title"], body["isPublic"], body["shareId"]) == ("Sea", True, created["shareId"])
    assert body["conversationId"].startswith("convo_")
    assert [m["text"] for m in body["messages"]] == ["Is the sea salty?", "Yes."]
    assert body["messages"][1]["parentMessageId"] == body["messages"][0]["messageId"]
    assert all(m["conversationId"] == body["conversationId"] for m in body["messages"])
    assert conversation["_id"] not in public.get_data(as_text=True)
    assert "alice" not in public.get_data(as_text=True)


def test_find_list_refresh_and_delete(client, as_alice, convo):
    first = convo("one", "1", title="First")
    second = convo("two", "2", title="Second")
    missing = client.get(f"/api/share/link/{first['_id']}", headers=as_alice).json
    assert missing == {"success": False, "shareId": None, "conversationId": first["_id"]}
    one = share(client, as_alice, first)
    share(client, as_alice, second)
    found = client.get(f"/api/share/link/{first['_id']}", headers=as_alice).json
    assert found == {"success": True, "shareId": one["shareId"], "conversationId": first["_id"]}
    again = client.post(f"/api/share/{first['_id']}", json={}, headers=as_alice)
    assert_librechat_error(again, 409, "Share already exists")

    query = "pageSize=1&isPublic=true&sortBy=title&sortDirection=asc"
    page = client.get(f"/api/share?{query}", headers=as_alice).json
    assert [link["title"] for link in page["links"]] == ["First"] and page["hasNextPage"]
    rest = client.get(f"/api/share?{query}&cursor={page['nextCursor']}", headers=as_alice).json
    assert [link["title"] for link in rest["links"]] == ["Second"] and not rest["hasNextPage"]
    searched = client.get("/api/share?pageSize=10&search=two", headers=as_alice).json
    assert [link["title"] for link in searched["links"]] == ["Second"]

    refreshed = client.patch(f"/api/share/{one['shareId']}", headers=as_alice)
    assert refreshed.status_code == 200 and refreshed.json["shareId"] != one["shareId"]
    assert_librechat_error(client.get(f"/api/share/{one['shareId']}"), 404, "Share not found")
    new_id = refreshed.json["shareId"]
    deleted = client.delete(f"/api/share/{new_id}", headers=as_alice)
    assert deleted.json == {
        "success": True,
        "shareId": new_id,
        "message": "Share deleted successfully",
    }
    assert_librechat_error(client.get(f"/api/share/{new_id}"), 404)
    assert_librechat_error(client.delete(f"/api/share/{new_id}", headers=as_alice), 404)


def test_a_share_up_to_a_message(client, as_alice, convo, app_db):
    conversation = convo("q1", "a1", "q2", "a2")
    target = app_db.messages.find_one({"text": "a1"})["_id"]
    created = share(client, as_alice, conversation, targetMessageId=target)
    assert created["targetMessageId"] == target
    shown = client.get(f"/api/share/{created['shareId']}").json["messages"]
    assert [m["text"] for m in shown] == ["q1", "a1"]


def test_fork_a_shared_conversation(client, as_alice, as_bob, convo):
    created = share(client, as_alice, convo("hello", "hi there", title="Greeting"))
    forked = client.post(f"/api/share/{created['shareId']}/fork", headers=as_bob)
    assert forked.status_code == 200, forked.json
    assert forked.json["conversation"]["user"] == "bob"
    assert forked.json["conversation"]["title"] == "Greeting"
    assert [m["text"] for m in forked.json["messages"]] == ["hello", "hi there"]
    mine = client.get(
        f"/api/convos/{forked.json['conversation']['conversationId']}", headers=as_bob
    )
    assert mine.status_code == 200
    assert_librechat_error(client.post(f"/api/share/{created['shareId']}/fork"), 401)


def test_management_needs_the_owner(client, as_alice, as_bob, convo, app_db):
    conversation = convo("mine", "yes")
    created = share(client, as_alice, conversation)
    assert_librechat_error(client.post(f"/api/share/{conversation['_id']}", json={}), 401)
    assert_librechat_error(client.get("/api/share"), 401)
    assert_librechat_error(
        client.post(f"/api/share/{conversation['_id']}", json={}, headers=as_bob), 403, FOREIGN
    )
    assert_librechat_error(
        client.get(f"/api/share/link/{conversation['_id']}", headers=as_bob), 403, FOREIGN
    )
    assert_librechat_error(client.patch(f"/api/share/{created['shareId']}", headers=as_bob), 404)
    assert_librechat_error(client.delete(f"/api/share/{created['shareId']}", headers=as_bob), 404)
    assert client.get("/api/share", headers=as_bob).json["links"] == []
    assert app_db.shares.count_documents({"share_id": created["shareId"]}) == 1
    empty = convo()
    nothing = client.post(f"/api/share/{empty['_id']}", json={}, headers=as_alice)
    assert_librechat_error(nothing, 400, "No messages to share")


def test_the_public_read_is_rate_limited_per_ip(client, as_alice, convo):
    created = share(client, as_alice, convo("q", "a"))
    url = f"/api/share/{created['shareId']}"
    assert [client.get(url).status_code for _ in range(4)] == [200] * 4
    limited = client.get(url)
    assert_librechat_error(limited, 429)
    assert "Retry-After" in limited.headers
    other_ip = client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 200
