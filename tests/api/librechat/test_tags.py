"""Scenario: /api/tags in the documented form and LibreChat's own, with counts that never drift."""

import pytest

from app.core import conversations
from tests import trees

from .conftest import ALICE, BOB, assert_librechat_error


def counts(client, headers) -> dict[str, int]:
    response = client.get("/api/tags", headers=headers)
    assert response.status_code == 200
    return {t["tag"]: t["count"] for t in response.json}


def add(client, headers, conversation_id, tag):
    response = client.post(f"/api/tags/convo/{conversation_id}", json={"tag": tag}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_seed_add_tag_and_paginated_list(client, as_alice, convo):
    first, second = convo(title="one"), convo(title="two")
    body = add(client, as_alice, first["_id"], " important ")
    assert body["conversationId"] == first["_id"] and body["tags"] == ["important"]
    add(client, as_alice, first["_id"], "important")  # adding twice keeps one
    add(client, as_alice, second["_id"], "important")
    add(client, as_alice, second["_id"], "later")
    for name in ("zeta", "alpha"):
        assert client.post("/api/tags", json={"tag": name}, headers=as_alice).status_code == 200

    page = client.get("/api/tags/list?pageNumber=1&sort=name&order=asc", headers=as_alice).json
    assert [t["tag"] for t in page["tags"]] == ["alpha", "important", "later", "zeta"]
    assert (page["pageNumber"], page["pageSize"], page["pages"], page["total"]) == (1, 25, 1, 4)
    by_count = client.get("/api/tags/list?sort=count&order=desc", headers=as_alice).json
    assert [(t["tag"], t["count"]) for t in by_count["tags"][:2]] == [
        ("important", 2),
        ("later", 1),
    ]
    by_position = client.get("/api/tags/list?sort=position", headers=as_alice).json
    assert [t["tag"] for t in by_position["tags"]] == ["important", "later", "zeta", "alpha"]
    newest = client.get("/api/tags/list?sort=createdAt&order=desc", headers=as_alice).json
    assert newest["tags"][0]["tag"] == "alpha"
    second_page = client.get("/api/tags/list?pageNumber=2&pageSize=3&sort=name", headers=as_alice)
    assert [t["tag"] for t in second_page.json["tags"]] == ["zeta"]
    assert second_page.json["pages"] == 2


@pytest.mark.parametrize(
    "query", ["sort=colour", "order=up", "pageNumber=0", "pageNumber=x", "pageSize=500"]
)
def test_tag_list_bad_parameters(client, as_alice, query):
    assert_librechat_error(client.get(f"/api/tags/list?{query}", headers=as_alice), 400)


def test_librechat_create_with_conversation_update_and_replace(client, as_alice, convo):
    created = convo()
    response = client.post(
        "/api/tags",
        json={
            "tag": "work",
            "description": "job things",
            "addToConversation": True,
            "conversationId": created["_id"],
        },
        headers=as_alice,
    )
    assert response.status_code == 200
    assert (response.json["tag"], response.json["description"], response.json["count"]) == (
        "work",
        "job things",
        1,
    )
    again = client.post("/api/tags", json={"tag": "work"}, headers=as_alice)
    assert again.json["description"] == "job things"  # the existing tag is returned

    replaced = client.put(
        f"/api/tags/convo/{created['_id']}", json={"tags": ["a", "b", "a"]}, headers=as_alice
    )
    assert replaced.json == ["a", "b"]
    assert counts(client, as_alice) == {"work": 0, "a": 1, "b": 1}

    described = client.put("/api/tags/a", json={"description": "first letter"}, headers=as_alice)
    assert described.json["description"] == "first letter"
    moved = client.put("/api/tags/b", json={"position": 1}, headers=as_alice)
    assert moved.json["position"] == 1
    order = [t["tag"] for t in client.get("/api/tags", headers=as_alice).json]
    assert order == ["b", "work", "a"]


def test_counts_after_rename_delete_fork_duplicate_and_delete_conversation(
    client, as_alice, app_db
):
    conversation, ids = trees.build(app_db, ALICE, tags=["x", "y"])
    other = conversations.create(app_db, ALICE, tags=["y"])
    assert counts(client, as_alice) == {"x": 1, "y": 2}

    fork = client.post(
        "/api/convos/fork",
        json={"conversationId": conversation["_id"], "messageId": ids["a2"]},
        headers=as_alice,
    ).json["conversation"]
    assert counts(client, as_alice) == {"x": 2, "y": 3}
    copy = client.post(
        "/api/convos/duplicate", json={"conversationId": conversation["_id"]}, headers=as_alice
    ).json["conversation"]
    assert counts(client, as_alice) == {"x": 3, "y": 4}

    renamed = client.put("/api/tags/x", json={"tag": "ex"}, headers=as_alice)
    assert (renamed.json["tag"], renamed.json["count"]) == ("ex", 3)
    assert counts(client, as_alice) == {"ex": 3, "y": 4}
    stored = conversations.get(app_db, ALICE, fork["conversationId"])
    assert sorted(stored["tags"]) == ["ex", "y"]

    deleted = client.delete("/api/tags/y", headers=as_alice)
    assert deleted.status_code == 200 and deleted.json["tag"] == "y"
    assert counts(client, as_alice) == {"ex": 3}
    assert conversations.get(app_db, ALICE, other["_id"])["tags"] == []

    for conversation_id in (copy["conversationId"], fork["conversationId"]):
        body = {"arg": {"conversationId": conversation_id}}
        assert client.delete("/api/convos", json=body, headers=as_alice).status_code == 200
    assert counts(client, as_alice) == {"ex": 1}
    client.delete("/api/convos/all", headers=as_alice)
    assert counts(client, as_alice) == {"ex": 0}


def test_tags_are_per_user(client, as_alice, as_bob, convo):
    convo(tags=["mine"])
    convo(tags=["bobs"], scope=BOB)
    assert counts(client, as_alice) == {"mine": 1}  # set elsewhere, still listed
    assert counts(client, as_bob) == {"bobs": 1}
    assert_librechat_error(client.delete("/api/tags/mine", headers=as_bob), 404, "Tag not found")
    assert_librechat_error(client.put("/api/tags/mine", json={"tag": "m"}, headers=as_bob), 404)


def test_tag_names_with_slashes_and_odd_characters(client, as_alice, convo):
    created = convo()
    add(client, as_alice, created["_id"], "a/b $gt .*")
    assert (
        client.put("/api/tags/a%2Fb%20$gt%20.*", json={"tag": "ok"}, headers=as_alice).json["count"]
        == 1
    )
    assert counts(client, as_alice) == {"ok": 1}


def test_tag_errors(client, as_alice, as_bob, convo):
    created = convo(tags=["a", "b"])
    client.post("/api/tags", json={"tag": "a"}, headers=as_alice)
    client.post("/api/tags", json={"tag": "b"}, headers=as_alice)
    assert_librechat_error(
        client.put("/api/tags/a", json={"tag": "b"}, headers=as_alice), 409, "Tag already exists"
    )
    assert_librechat_error(client.put("/api/tags/a", json={"position": -1}, headers=as_alice), 400)
    assert_librechat_error(client.put("/api/tags/a", json={"position": "1"}, headers=as_alice), 400)
    assert_librechat_error(client.delete("/api/tags/nope", headers=as_alice), 404, "Tag not found")
    assert_librechat_error(
        client.post("/api/tags", json={}, headers=as_alice), 400, "tag is required"
    )
    assert_librechat_error(client.post("/api/tags", json={"tag": "x" * 129}, headers=as_alice), 400)
    assert_librechat_error(
        client.post("/api/tags", json={"tag": "c", "addToConversation": True}, headers=as_alice),
        400,
        "conversationId is required when addToConversation is set",
    )
    assert_librechat_error(
        client.post(f"/api/tags/convo/{created['_id']}", json={"tag": "c"}, headers=as_bob), 403
    )
    assert_librechat_error(
        client.post("/api/tags/convo/nope", json={"tag": "c"}, headers=as_alice), 404
    )
    assert_librechat_error(
        client.post(
            f"/api/tags/convo/{created['_id']}", json={"tag": {"$gt": ""}}, headers=as_alice
        ),
        400,
    )
    assert_librechat_error(
        client.put(f"/api/tags/convo/{created['_id']}", json={"tags": "a"}, headers=as_alice), 400
    )
    assert_librechat_error(
        client.put(
            f"/api/tags/convo/{created['_id']}",
            json={"tags": ["t"] * 0 + [str(i) for i in range(101)]},
            headers=as_alice,
        ),
        400,
    )
    assert client.get(f"/api/convos/{created['_id']}", headers=as_alice).json["tags"] == ["a", "b"]
    assert_librechat_error(client.get("/api/tags"), 401)
