"""Core message service: tree appends, atomic counters, order, threads, pins."""

import threading

import pytest

from app.core import conversations, costs, deletion, messages
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Conflict, Invalid, NotFound, NotOwned

New = messages.NewMessage


def test_first_message_is_a_root_and_next_defaults_to_latest(db, alice):
    conv = conversations.create(db, alice)
    first = messages.append(db, alice, conv["_id"], New(role="user", text="hi"))
    second = messages.append(db, alice, conv["_id"], New(role="assistant", text="hello"))
    assert first["parent_message_id"] == ROOT_PARENT_ID
    assert second["parent_message_id"] == first["_id"]
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["sender"] == "User"


def test_counters_follow_appends(db, alice):
    conv = conversations.create(db, alice)
    messages.append(
        db, alice, conv["_id"], New(role="user", text="q", input_tokens=10, cost_cents=0.25)
    )
    last = messages.append(
        db, alice, conv["_id"], New(role="assistant", text="a", output_tokens=7, cost_cents=0.5)
    )
    stored = conversations.get(db, alice, conv["_id"])
    assert stored["message_count"] == 2
    assert stored["total_input_tokens"] == 10
    assert stored["total_output_tokens"] == 7
    assert costs.total_cents(stored) == 0.75
    assert stored["last_message_at"] == last["created_at"]
    assert stored["latest_message_id"] == last["_id"]


def test_branching_and_thread(db, alice):
    conv = conversations.create(db, alice)
    q = messages.append(db, alice, conv["_id"], New(role="user", text="q"))
    a1 = messages.append(db, alice, conv["_id"], New(role="assistant", text="a1"))
    a2 = messages.append(
        db, alice, conv["_id"], New(role="assistant", text="a2", parent_message_id=q["_id"])
    )
    assert a2["parent_message_id"] == q["_id"]
    assert [m["_id"] for m in messages.thread(db, alice, conv["_id"])] == [q["_id"], a2["_id"]]
    assert [m["_id"] for m in messages.thread(db, alice, conv["_id"], a1["_id"])] == [
        q["_id"],
        a1["_id"],
    ]
    assert [m["_id"] for m in messages.list_all(db, alice, conv["_id"])] == [
        q["_id"],
        a1["_id"],
        a2["_id"],
    ]


def test_unknown_parent_or_foreign_conversation(db, alice, bob):
    conv = conversations.create(db, alice)
    other = conversations.create(db, alice)
    foreign = messages.append(db, alice, other["_id"], New(role="user", text="x"))
    with pytest.raises(NotFound):
        messages.append(
            db, alice, conv["_id"], New(role="user", text="x", parent_message_id=foreign["_id"])
        )
    with pytest.raises(NotOwned):
        messages.append(db, bob, conv["_id"], New(role="user", text="x"))
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 0


@pytest.mark.parametrize(
    "new",
    [
        New(role="robot", text="x"),
        New(role="user"),
        New(role="user", text=5),
        New(role="user", text="x", input_tokens=-1),
        New(role="user", text="x", cost_cents=-0.1),
        New(role="user", content="not a list"),
    ],
)
def test_invalid_messages_change_nothing(db, alice, new):
    conv = conversations.create(db, alice)
    with pytest.raises(Invalid):
        messages.append(db, alice, conv["_id"], new)
    assert db.messages.count_documents({}) == 0
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 0


def test_duplicate_message_id_conflicts_and_restores_counters(db, alice):
    conv = conversations.create(db, alice)
    messages.append(
        db, alice, conv["_id"], New(role="user", text="x", message_id="m1", input_tokens=3)
    )
    with pytest.raises(Conflict):
        messages.append(
            db, alice, conv["_id"], New(role="user", text="y", message_id="m1", input_tokens=5)
        )
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["message_count"], stored["total_input_tokens"]) == (1, 3)
    assert stored["latest_message_id"] == "m1"


def test_content_parts_give_text(db, alice):
    conv = conversations.create(db, alice)
    parts = [
        {"type": "text", "text": "one"},
        {"type": "text", "text": {"value": "two"}},
        {"type": "image_url", "image_url": {"url": "x"}},
    ]
    stored = messages.append(db, alice, conv["_id"], New(role="user", content=parts))
    assert stored["text"] == "one\ntwo"


def test_appends_to_deleted_conversation_are_refused(db, alice):
    conv = conversations.create(db, alice)
    deletion.soft_delete(db, alice, conv["_id"])
    with pytest.raises(NotFound):
        messages.append(db, alice, conv["_id"], New(role="user", text="x"))


def test_pin_message(db, alice, bob):
    conv = conversations.create(db, alice)
    m = messages.append(db, alice, conv["_id"], New(role="user", text="x"))
    assert messages.set_pinned(db, alice, conv["_id"], m["_id"], True)["is_pinned"] is True
    with pytest.raises(NotFound):
        messages.set_pinned(db, alice, conv["_id"], "missing", True)
    with pytest.raises(NotOwned):
        messages.set_pinned(db, bob, conv["_id"], m["_id"], False)


def test_concurrent_appends_keep_exact_counters(db, alice):
    conv = conversations.create(db, alice)
    errors = []

    def writer():
        try:
            for _ in range(25):
                messages.append(
                    db,
                    alice,
                    conv["_id"],
                    New(role="user", text="t", input_tokens=2, cost_cents=0.5),
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = conversations.get(db, alice, conv["_id"])
    assert stored["message_count"] == 200
    assert stored["total_input_tokens"] == 400
    assert costs.total_cents(stored) == 100
    seqs = sorted(m["seq"] for m in db.messages.find({"conversation_id": conv["_id"]}))
    assert seqs == list(range(1, 201))
    chain = messages.thread(db, alice, conv["_id"])
    assert len(chain) == 200  # every append hung under the one counted before it


def test_recount_matches_appends(db, alice):
    conv = conversations.create(db, alice)
    for i in range(3):
        messages.append(db, alice, conv["_id"], New(role="user", text="x", input_tokens=i))
    before = conversations.get(db, alice, conv["_id"])
    db.conversations.update_one({"_id": conv["_id"]}, {"$set": {"message_count": 99}})
    messages.recount(db, conv["_id"])
    after = conversations.get(db, alice, conv["_id"])
    for key in ("message_count", "total_input_tokens", "last_message_at", "latest_message_id"):
        assert after[key] == before[key]


def test_bad_metadata_is_refused_before_counters_move(db, alice):
    conv = conversations.create(db, alice)
    with pytest.raises(Invalid):
        messages.append(db, alice, conv["_id"], New(role="user", text="x", metadata={"bad key": 1}))
    assert db.messages.count_documents({}) == 0
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 0
