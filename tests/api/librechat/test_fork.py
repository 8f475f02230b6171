"""Scenario: POST /api/convos/fork and /api/convos/duplicate over a branching tree."""

import pytest

from app.core import listing
from tests import trees
from tests.core.test_forking import EXPECTED

from .conftest import ALICE, BOB, assert_librechat_error


@pytest.fixture
def tree(app_db):
    return trees.build(app_db, ALICE, title="Tree talk", tags=["work"], endpoint="openAI")


def post_fork(client, headers, tree, option, split):
    conversation, ids = tree
    body = {"conversationId": conversation["_id"], "messageId": ids["a2"], "option": option}
    if split:
        body.update(messageId=ids["u2"], splitAtTarget=True, latestMessageId=ids["a2"])
    return client.post("/api/convos/fork", json=body, headers=headers)


@pytest.mark.parametrize("option,split", sorted(EXPECTED))
def test_fork_options(client, as_alice, tree, option, split):
    response = post_fork(client, as_alice, tree, option, split)
    assert response.status_code == 200, response.json
    body = response.json
    assert {m["text"] for m in body["messages"]} == EXPECTED[(option, split)]
    new_id = body["conversation"]["conversationId"]
    assert new_id != tree[0]["_id"]
    assert all(m["conversationId"] == new_id for m in body["messages"])
    listed = client.get(f"/api/messages/{new_id}", headers=as_alice).json
    assert {m["messageId"] for m in listed} == {m["messageId"] for m in body["messages"]}


def test_fork_response_shape(client, as_alice, tree):
    body = post_fork(client, as_alice, tree, "directPath", False).json
    assert body["conversation"]["title"] == "Tree talk"
    assert body["conversation"]["tags"] == ["work"]
    assert body["conversation"]["endpoint"] == "openAI"
    texts = [m["text"] for m in body["messages"]]
    assert texts == ["u1", "a1", "u2", "a2"]
    assert [m["isCreatedByUser"] for m in body["messages"]] == [True, False, True, False]
    ids = [m["messageId"] for m in body["messages"]]
    assert [m["parentMessageId"] for m in body["messages"][1:]] == ids[:-1]


def test_fork_without_option_is_target_level(client, as_alice, tree):
    conversation, ids = tree
    body = {"conversationId": conversation["_id"], "messageId": ids["a2"]}
    response = client.post("/api/convos/fork", json=body, headers=as_alice)
    assert {m["text"] for m in response.json["messages"]} == EXPECTED[("targetLevel", False)]


@pytest.mark.parametrize(
    "change,status,message",
    [
        ({"option": "branch"}, 400, None),
        ({"conversationId": None}, 400, None),
        ({"messageId": {"$gt": ""}}, 400, None),
        ({"messageId": "missing"}, 404, "Message not found"),
        ({"conversationId": "missing"}, 404, "Conversation not found"),
        ({"splitAtTarget": True}, 400, "latestMessageId is required when splitAtTarget is set"),
        ({"splitAtTarget": "sometimes"}, 400, None),
    ],
)
def test_fork_errors_create_nothing(client, as_alice, tree, app_db, change, status, message):
    conversation, ids = tree
    body = {"conversationId": conversation["_id"], "messageId": ids["a2"], **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post("/api/convos/fork", json=body, headers=as_alice)
    assert_librechat_error(response, status, message)
    assert app_db.conversations.count_documents({}) == 1


def test_fork_of_another_users_conversation_is_403(client, as_bob, tree, app_db):
    response = post_fork(client, as_bob, tree, "directPath", False)
    assert_librechat_error(response, 403, "You don't have access to this conversation")
    assert listing.list_offset(app_db, BOB).total == 0


def test_duplicate_copies_all_branches(client, as_alice, tree):
    conversation, _ = tree
    response = client.post(
        "/api/convos/duplicate", json={"conversationId": conversation["_id"]}, headers=as_alice
    )
    assert response.status_code == 201
    body = response.json
    assert body["conversation"]["title"] == "Tree talk"
    assert {m["text"] for m in body["messages"]} == trees.ALL
    titled = client.post(
        "/api/convos/duplicate",
        json={"conversationId": conversation["_id"], "title": " Copy of tree "},
        headers=as_alice,
    )
    assert titled.json["conversation"]["title"] == "Copy of tree"
    listed = client.get("/api/convos", headers=as_alice).json["conversations"]
    assert len(listed) == 3


def test_duplicate_errors(client, as_alice, as_bob, tree, app_db):
    conversation, _ = tree
    assert_librechat_error(
        client.post("/api/convos/duplicate", json={}, headers=as_alice),
        400,
        "conversationId is required",
    )
    assert_librechat_error(
        client.post(
            "/api/convos/duplicate", json={"conversationId": conversation["_id"]}, headers=as_bob
        ),
        403,
    )
    assert_librechat_error(
        client.post(
            "/api/convos/duplicate",
            json={"conversationId": conversation["_id"], "title": "   "},
            headers=as_alice,
        ),
        400,
        "title must not be empty",
    )
    assert app_db.conversations.count_documents({}) == 1
