"""Over HTTP: a refused append answers 4xx and leaves the conversation as it was."""

import json

import pytest

from tests.api.v1.conftest import platform_error

LONE = "@lone@"  # stands for a lone surrogate: valid in JSON text, not encodable as UTF-8


def stored(app_db, conversation_id):
    return app_db.conversations.find_one({"_id": conversation_id})


def raw_post(caller, path, body: dict):
    """POST ``body`` as JSON text with a ``\\ud800`` escape wherever it says ``LONE``."""
    text = json.dumps(body).replace(LONE, "bad \\ud800 text")
    headers = {**caller.headers, "Content-Type": "application/json"}
    return caller.client.post(f"/v1/conversations{path}", data=text, headers=headers)


def test_a_lone_surrogate_is_a_422_and_the_thread_goes_on(alice_v1, app_db):
    conv = alice_v1.create()
    first = alice_v1.append(conv["id"], content="hello", input_tokens=3)
    before = stored(app_db, conv["id"])
    for body, field in (
        ({"role": "user", "content": LONE}, "text"),
        ({"role": "user", "text": LONE}, "text"),
        ({"role": "user", "content": [{"type": "text", "text": LONE}]}, "content"),
        ({"role": "user", "content": "x", "metadata": {"k": LONE}}, "metadata"),
        ({"role": "user", "content": "x", "model": LONE}, "model"),
        ({"role": "user", "content": "x", "id": LONE}, "message_id"),
        ({"role": "user", "content": "x", "parent_message_id": LONE}, "parent_message_id"),
    ):
        response = raw_post(alice_v1, f"/{conv['id']}/messages", body)
        error = platform_error(response, 422, "validation_error")
        assert field in error["message"] and "Unicode" in error["message"]
    assert stored(app_db, conv["id"]) == before
    following = alice_v1.append(conv["id"], role="assistant", content="still here")
    assert following["parent_message_id"] == first["id"]
    detail = alice_v1.get(f"/{conv['id']}")["data"]
    assert (detail["message_count"], detail["total_input_tokens"]) == (2, 3)


@pytest.fixture
def bobs_message(bob_v1):
    """The id of a message in bob's conversation."""
    return bob_v1.append(bob_v1.create()["id"], content="bob's")["id"]


@pytest.fixture
def alices_conv(alice_v1):
    """The id of alice's conversation with one message."""
    conv = alice_v1.create()
    alice_v1.append(conv["id"], content="hello")
    return conv["id"]


def test_a_taken_message_id_is_a_409_that_moves_nothing(
    alice_v1, app_db, bobs_message, alices_conv
):
    before = stored(app_db, alices_conv)
    for message_id in (bobs_message, before["latest_message_id"]):
        body = {"role": "user", "content": "x", "id": message_id}
        response = alice_v1.request("POST", f"/{alices_conv}/messages", json=body)
        platform_error(response, 409, "conflict")
    assert stored(app_db, alices_conv) == before


def test_an_unknown_parent_is_a_404_that_moves_nothing(alice_v1, app_db, bobs_message, alices_conv):
    before = stored(app_db, alices_conv)
    for parent in (bobs_message, "nowhere"):
        body = {"role": "user", "content": "x", "parent_message_id": parent}
        response = alice_v1.request("POST", f"/{alices_conv}/messages", json=body)
        platform_error(response, 404, "not_found")
    assert stored(app_db, alices_conv) == before


def test_a_lone_surrogate_in_initial_messages_creates_nothing(alice_v1, app_db):
    body = {
        "title": "t",
        "messages": [{"role": "user", "content": "ok"}, {"role": "user", "content": LONE}],
    }
    platform_error(raw_post(alice_v1, "", body), 422, "validation_error")
    assert app_db.conversations.count_documents({}) == 0
    assert app_db.messages.count_documents({}) == 0
