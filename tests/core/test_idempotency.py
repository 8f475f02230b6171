"""Idempotent appends: replays, concurrent duplicates, failures that release the key."""

import pytest

from app.core import conversations, idempotency, messages
from app.core.errors import Conflict, Invalid, NotFound
from tests.threads import run_in_threads

New = messages.NewMessage


@pytest.fixture
def conv(db, alice):
    return conversations.create(db, alice)


def test_without_a_key_every_call_appends(db, alice, conv, services):
    for _ in range(2):
        idempotency.append_once(db, alice, conv["_id"], New(role="user", text="x"), services, None)
    assert db.messages.count_documents({}) == 2


def test_a_replay_returns_the_stored_message(db, alice, conv, services):
    first, replayed_first = idempotency.append_once(
        db, alice, conv["_id"], New(role="user", text="x"), services, "k"
    )
    again, replayed_again = idempotency.append_once(
        db, alice, conv["_id"], New(role="user", text="x"), services, "k"
    )
    assert (replayed_first, replayed_again) == (False, True)
    assert again == first
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 1


def test_a_different_message_under_the_same_key_conflicts(db, alice, conv, services):
    idempotency.append_once(db, alice, conv["_id"], New(role="user", text="x"), services, "k")
    with pytest.raises(Conflict):
        idempotency.append_once(db, alice, conv["_id"], New(role="user", text="y"), services, "k")


def test_waits_for_a_request_in_flight_then_replays(db, alice, conv, services):
    """A duplicate arriving while the first is still appending waits, then replays."""
    new = New(role="user", text="x")
    record = {"workspace_id": "default", "user_id": "alice", "conversation_id": conv["_id"]}
    db.idempotency_keys.insert_one(
        {**record, "key": "k", "fingerprint": idempotency.fingerprint(new), "message_id": None}
    )
    finished = messages.append(db, alice, conv["_id"], New(role="user", text="x"))
    naps = []

    def first_request_finishes(seconds):
        naps.append(seconds)
        db.idempotency_keys.update_one(record, {"$set": {"message_id": finished["_id"]}})

    message, replayed = idempotency.append_once(
        db, alice, conv["_id"], new, services, "k", sleep=first_request_finishes
    )
    assert replayed is True
    assert message["_id"] == finished["_id"]
    assert naps == [idempotency.POLL_SECONDS]
    assert db.messages.count_documents({}) == 1


def test_gives_up_on_a_request_that_never_finishes(db, alice, conv, services):
    new = New(role="user", text="x")
    db.idempotency_keys.insert_one(
        {
            "workspace_id": "default",
            "user_id": "alice",
            "conversation_id": conv["_id"],
            "key": "k",
            "fingerprint": idempotency.fingerprint(new),
            "message_id": None,
        }
    )
    with pytest.raises(Conflict, match="in progress"):
        idempotency.append_once(db, alice, conv["_id"], new, services, "k", wait_seconds=0)
    assert db.messages.count_documents({}) == 0


def test_a_failed_first_attempt_releases_the_key(db, alice, conv, services):
    with pytest.raises(NotFound):
        idempotency.append_once(
            db,
            alice,
            conv["_id"],
            New(role="user", text="x", parent_message_id="nope"),
            services,
            "k",
        )
    message, replayed = idempotency.append_once(
        db, alice, conv["_id"], New(role="user", text="x"), services, "k"
    )
    assert replayed is False and message["text"] == "x"


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "bad\nkey", {"$gt": ""}])
def test_bad_keys(db, alice, conv, services, key):
    with pytest.raises(Invalid):
        idempotency.append_once(db, alice, conv["_id"], New(role="user", text="x"), services, key)
    assert db.messages.count_documents({}) == 0


def test_concurrent_duplicates_append_once(db, alice, conv, services):
    results = []

    def send(_index):
        new = New(role="user", text="x")
        results.append(idempotency.append_once(db, alice, conv["_id"], new, services, "same"))

    assert run_in_threads(send, 12) == []
    assert len(results) == 12
    assert len({message["_id"] for message, _ in results}) == 1
    assert sum(not replayed for _, replayed in results) == 1
    assert db.messages.count_documents({}) == 1
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 1
