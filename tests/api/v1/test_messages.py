"""/v1/conversations/<id>/messages: pages, appends with atomic counters, idempotency, pins."""

import pytest

from app.core import costs
from app.core.clock import ROOT_PARENT_ID
from tests.api.v1.conftest import Caller, platform_error
from tests.threads import run_in_threads


@pytest.fixture
def conv(alice_v1):
    return alice_v1.create(title="chat")


def test_append_defaults_parent_to_latest_and_updates_counters(alice_v1, conv):
    first = alice_v1.append(conv["id"], content="q", input_tokens=12, model="gpt-x")
    second = alice_v1.append(
        conv["id"], role="assistant", text="a", output_tokens=30, cost_cents=0.45
    )
    assert first["parent_message_id"] == ROOT_PARENT_ID
    assert second["parent_message_id"] == first["id"]
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["text"] == "q" and first["model"] == "gpt-x"
    stored = alice_v1.get(f"/{conv['id']}", include_messages="false")["data"]
    assert stored["message_count"] == 2
    assert (stored["total_input_tokens"], stored["total_output_tokens"]) == (12, 30)
    assert stored["total_cost_cents"] == pytest.approx(0.45)
    assert stored["last_message_at"] == second["created_at"]


def test_append_with_parts_explicit_parent_and_metadata(alice_v1, conv):
    root = alice_v1.append(conv["id"], content="root")
    alice_v1.append(conv["id"], content="child")
    parts = [{"type": "text", "text": "from parts"}, {"type": "image_url", "image_url": {}}]
    branch = alice_v1.append(
        conv["id"], content=parts, parent_message_id=root["id"], metadata={"k": "v"}
    )
    assert branch["parent_message_id"] == root["id"]
    assert branch["text"] == "from parts"
    assert branch["content"] == parts
    assert branch["metadata"] == {"k": "v"}


@pytest.mark.parametrize(
    "body,status",
    [
        ({"role": "user"}, 422),
        ({"role": "wizard", "content": "x"}, 422),
        ({"role": "user", "content": 5}, 422),
        ({"role": "user", "content": "x", "input_tokens": "many"}, 422),
        ({"role": "user", "content": "x", "input_tokens": -3}, 422),
        ({"role": "user", "content": "x", "cost_cents": -1}, 422),
        ({"role": "user", "content": "x", "parent_message_id": {"$gt": ""}}, 422),
        ({"role": "user", "content": "x", "parent_message_id": "missing"}, 404),
        ({"role": "user", "content": "x", "metadata": {"bad key": 1}}, 400),
        ({"role": "user", "content": "x", "input_tokens": 2**70}, 422),
        ({"role": "user", "content": "x", "cost_cents": 1e308}, 422),
        ({"role": "user", "content": "x", "metadata": {"n": {"deep": 2**70}}}, 400),
        ({"role": "user", "content": [{"type": "text", "text": "x", "n": 2**64}]}, 400),
        ({"role": "user", "content": [{"type": "text", "$where": "1"}]}, 400),
    ],
)
def test_bad_appends_change_nothing(alice_v1, app_db, conv, body, status):
    platform_error(alice_v1.request("POST", f"/{conv['id']}/messages", json=body), status)
    assert app_db.messages.count_documents({}) == 0
    assert app_db.conversations.find_one({"_id": conv["id"]})["message_count"] == 0


def test_foreign_and_unknown_conversations(alice_v1, bob_v1, app_db, conv):
    body = {"role": "user", "content": "x"}
    platform_error(bob_v1.request("POST", f"/{conv['id']}/messages", json=body), 404)
    platform_error(bob_v1.request("GET", f"/{conv['id']}/messages"), 404)
    platform_error(alice_v1.request("POST", "/nope/messages", json=body), 404)
    assert app_db.messages.count_documents({}) == 0


def test_admin_appends_to_a_users_conversation(admin_v1, alice_v1, conv):
    message = admin_v1.append(conv["id"], role="system", content="note")
    assert message["conversation_id"] == conv["id"]
    assert alice_v1.get(f"/{conv['id']}/messages")["data"][0]["id"] == message["id"]


def test_message_pages_in_both_orders(alice_v1, conv):
    ids = [alice_v1.append(conv["id"], content=f"m{i}")["id"] for i in range(7)]

    def walk(order):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "order": order, **({"cursor": cursor} if cursor else {})}
            page = alice_v1.get(f"/{conv['id']}/messages", **params)
            seen += [m["id"] for m in page["data"]]
            if not page["has_more"]:
                return seen
            cursor = page["next_cursor"]

    assert walk("asc") == ids
    assert walk("desc") == ids[::-1]


def test_message_page_rejects_bad_cursors(alice_v1, conv):
    alice_v1.append(conv["id"])
    alice_v1.append(conv["id"])
    cursor = alice_v1.get(f"/{conv['id']}/messages", limit=1)["next_cursor"]
    for bad in ("garbage", cursor[:-3] + "abc"):
        response = alice_v1.request("GET", f"/{conv['id']}/messages", query_string={"cursor": bad})
        platform_error(response, 400)
    other_order = {"cursor": cursor, "order": "desc"}
    platform_error(
        alice_v1.request("GET", f"/{conv['id']}/messages", query_string=other_order), 400
    )
    platform_error(alice_v1.request("GET", f"/{conv['id']}/messages?limit=0"), 422)


def test_idempotency_key_replays_the_first_result(alice_v1, app_db, conv):
    body = {"role": "user", "content": "once", "input_tokens": 4}
    headers = {"Idempotency-Key": "retry-1"}
    path = f"/{conv['id']}/messages"
    first = alice_v1.request("POST", path, json=body, headers=headers, expect=201)
    again = alice_v1.request("POST", path, json=body, headers=headers, expect=201)
    assert first.headers["Idempotent-Replayed"] == "false"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    stored = app_db.conversations.find_one({"_id": conv["id"]})
    assert (stored["message_count"], stored["total_input_tokens"]) == (1, 4)
    other = alice_v1.request("POST", path, json=body, headers={"Idempotency-Key": "retry-2"})
    assert other.json["data"]["id"] != first.json["data"]["id"]
    assert app_db.messages.count_documents({}) == 2


def test_idempotency_key_reused_for_another_message_conflicts(alice_v1, app_db, conv):
    path = f"/{conv['id']}/messages"
    headers = {"Idempotency-Key": "k"}
    alice_v1.request("POST", path, json={"role": "user", "content": "a"}, headers=headers)
    clash = alice_v1.request("POST", path, json={"role": "user", "content": "b"}, headers=headers)
    platform_error(clash, 409, "conflict")
    assert app_db.messages.count_documents({}) == 1


def test_idempotency_keys_are_per_user_and_conversation(alice_v1, admin_v1, conv):
    other = alice_v1.create(title="other")
    headers = {"Idempotency-Key": "same"}
    body = {"role": "user", "content": "x"}
    a = alice_v1.request("POST", f"/{conv['id']}/messages", json=body, headers=headers)
    b = alice_v1.request("POST", f"/{other['id']}/messages", json=body, headers=headers)
    c = admin_v1.request("POST", f"/{conv['id']}/messages", json=body, headers=headers)
    assert len({a.json["data"]["id"], b.json["data"]["id"], c.json["data"]["id"]}) == 3


def test_failed_append_releases_the_key(alice_v1, app_db, conv):
    path = f"/{conv['id']}/messages"
    headers = {"Idempotency-Key": "k"}
    body = {"role": "user", "content": "x", "parent_message_id": "missing"}
    platform_error(alice_v1.request("POST", path, json=body, headers=headers), 404)
    assert app_db.idempotency_keys.count_documents({}) == 0
    ok = alice_v1.request("POST", path, json=body | {"parent_message_id": None}, headers=headers)
    assert ok.status_code == 422  # null parent is not a string: refused by the schema
    del body["parent_message_id"]
    alice_v1.request("POST", path, json=body, headers=headers, expect=201)


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_bad_idempotency_keys(alice_v1, app_db, conv, key):
    response = alice_v1.request(
        "POST",
        f"/{conv['id']}/messages",
        json={"role": "user", "content": "x"},
        headers={"Idempotency-Key": key},
    )
    platform_error(response, 422)
    assert app_db.messages.count_documents({}) == 0


def test_pin_and_unpin(alice_v1, bob_v1, conv):
    message = alice_v1.append(conv["id"])
    path = f"/{conv['id']}/messages/{message['id']}"
    pinned = alice_v1.request("PATCH", path, json={"is_pinned": True}, expect=200)
    assert pinned.json["data"]["is_pinned"] is True
    listed = alice_v1.get(f"/{conv['id']}/messages")["data"][0]
    assert listed["is_pinned"] is True
    unpinned = alice_v1.request("PATCH", path, json={"is_pinned": False}, expect=200)
    assert unpinned.json["data"]["is_pinned"] is False
    platform_error(alice_v1.request("PATCH", path, json={}), 422)
    platform_error(alice_v1.request("PATCH", path, json={"is_pinned": "yes please"}), 422)
    platform_error(bob_v1.request("PATCH", path, json={"is_pinned": True}), 404)
    missing = f"/{conv['id']}/messages/nope"
    platform_error(alice_v1.request("PATCH", missing, json={"is_pinned": True}), 404)


def test_sixteen_threads_append_fifty_each_over_http(app, auth, alice_v1, app_db, conv):
    """16 clients x 50 appends to one conversation: exactly 800 messages, exact counters."""
    headers = auth("alice")
    refused: list = []

    def writer(worker: int):
        caller = Caller(app.test_client(), headers)
        for i in range(50):
            response = caller.request(
                "POST",
                f"/{conv['id']}/messages",
                json={
                    "role": "user",
                    "content": f"{worker}-{i}",
                    "input_tokens": 3,
                    "output_tokens": 1,
                    "cost_cents": 0.5,
                },
                headers={"Idempotency-Key": f"{worker}-{i}"} if i % 2 else None,
            )
            if response.status_code != 201:
                refused.append(response.json)

    assert run_in_threads(writer, 16) == []
    assert refused == []
    stored = app_db.conversations.find_one({"_id": conv["id"]})
    assert app_db.messages.count_documents({"conversation_id": conv["id"]}) == 800
    assert stored["message_count"] == 800
    assert stored["total_input_tokens"] == 2400
    assert stored["total_output_tokens"] == 800
    assert costs.total_cents(stored) == 400
    seqs = sorted(m["seq"] for m in app_db.messages.find({"conversation_id": conv["id"]}))
    assert seqs == list(range(1, 801))
    texts = {m["text"] for m in app_db.messages.find({"conversation_id": conv["id"]})}
    assert len(texts) == 800
    thread_path = alice_v1.get(f"/{conv['id']}", thread="true", messages_limit=1000)
    assert len(thread_path["data"]["messages"]) == 800


def test_append_answers_content_as_it_was_given(alice_v1, conv):
    plain = alice_v1.append(conv["id"], content="4")
    parts = [{"type": "text", "text": "four"}]
    with_parts = alice_v1.append(conv["id"], role="assistant", content=parts)
    assert (plain["content"], plain["text"]) == ("4", "4")
    assert (with_parts["content"], with_parts["text"]) == (parts, "four")
    listed = alice_v1.get(f"/{conv['id']}/messages")["data"]
    assert [m["content"] for m in listed] == ["4", parts]


def test_costs_answer_without_float_noise(alice_v1, conv, app_db):
    for cents in (0.35, 1.515):  # as floats they add up to 1.8649999999999998
        assert alice_v1.append(conv["id"], cost_cents=cents)["cost_cents"] == cents
    assert (
        alice_v1.get(f"/{conv['id']}", include_messages="false")["data"]["total_cost_cents"]
        == 1.865
    )
    assert alice_v1.get()["data"][0]["total_cost_cents"] == 1.865
    assert alice_v1.get("/stats")["data"]["total_cost_cents"] == 1.865
    app_db.conversations.update_one(  # a total stored as float cents by earlier versions
        {"_id": conv["id"]},
        {"$set": {"total_cost_cents": 0.1 + 0.2}, "$unset": {"total_cost_microcents": ""}},
    )
    assert alice_v1.get()["data"][0]["total_cost_cents"] == 0.3
