"""An append that is refused, or fails part-way, leaves the conversation as it was."""

import pytest
from pymongo.errors import DuplicateKeyError, PyMongoError

from app.core import conversations, costs, messages
from app.core.errors import Conflict, Invalid, NotFound

New = messages.NewMessage
LONE = "\ud800"  # a lone surrogate: valid in JSON text, not encodable as UTF-8


@pytest.fixture
def conv(db, alice):
    """Alice's conversation with one message already in it."""
    created = conversations.create(db, alice)
    messages.append(db, alice, created["_id"], New(role="user", text="first", input_tokens=3))
    return conversations.get(db, alice, created["_id"])


def stored(db, conv):
    return db.conversations.find_one({"_id": conv["_id"]})


@pytest.mark.parametrize(
    "fields",
    [
        {"text": f"bad {LONE} text"},
        {"text": None, "content": [{"type": "text", "text": LONE}]},
        {"content": [{"type": "image", "nested": {LONE: 1}}]},
        {"metadata": {"note": LONE}},
        {"metadata": {"list": ["ok", {"deep": LONE}]}},
        {"model": f"gpt-{LONE}"},
        {"sender": LONE},
        {"message_id": f"id-{LONE}"},
        {"parent_message_id": f"id-{LONE}"},
    ],
)
def test_unencodable_text_is_invalid_and_changes_nothing(db, alice, conv, fields):
    before = stored(db, conv)
    with pytest.raises(Invalid, match="Unicode"):
        messages.append(db, alice, conv["_id"], New(role="user", **{"text": "x", **fields}))
    assert stored(db, conv) == before
    assert db.messages.count_documents({}) == 1


def test_the_next_append_follows_the_real_latest_message(db, alice, conv):
    with pytest.raises(Invalid):
        messages.append(db, alice, conv["_id"], New(role="user", text=LONE))
    following = messages.append(db, alice, conv["_id"], New(role="assistant", text="ok"))
    assert following["parent_message_id"] == conv["latest_message_id"]
    assert following["seq"] == 2
    assert [m["_id"] for m in messages.thread(db, alice, conv["_id"])][-1] == following["_id"]


def test_a_taken_message_id_is_a_conflict_that_changes_nothing(db, alice, bob, conv):
    theirs = conversations.create(db, bob)
    taken = messages.append(db, bob, theirs["_id"], New(role="user", text="bob's"))
    for message_id in (taken["_id"], conv["latest_message_id"]):
        before = stored(db, conv)
        with pytest.raises(Conflict):
            messages.append(db, alice, conv["_id"], New("user", "x", message_id=message_id))
        assert stored(db, conv) == before


def test_an_unknown_parent_changes_nothing(db, alice, bob, conv):
    theirs = conversations.create(db, bob)
    foreign = messages.append(db, bob, theirs["_id"], New(role="user", text="bob's"))
    before = stored(db, conv)
    for parent in (foreign["_id"], "nowhere"):
        with pytest.raises(NotFound):
            messages.append(db, alice, conv["_id"], New("user", "x", parent_message_id=parent))
    assert stored(db, conv) == before


class FailingInsert:
    """``db`` whose message inserts fail with ``error``, after ``meanwhile()`` runs."""

    def __init__(self, db, error, meanwhile=lambda: None):
        self.db, self.error, self.meanwhile = db, error, meanwhile

    def __getattr__(self, name):
        return _FailingMessages(self) if name == "messages" else getattr(self.db, name)


class _FailingMessages:
    def __init__(self, failing: FailingInsert):
        self.failing = failing

    def __getattr__(self, name):
        return getattr(self.failing.db.messages, name)

    def insert_one(self, document, *args, **kwargs):
        self.failing.meanwhile()
        raise self.failing.error


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (PyMongoError("store went away"), PyMongoError),
        (DuplicateKeyError("E11000 duplicate key"), Conflict),
    ],
)
def test_a_failed_insert_restores_the_conversation(db, alice, conv, error, raised):
    before = stored(db, conv)
    failing = FailingInsert(db, error)
    with pytest.raises(raised):
        messages.append(failing, alice, conv["_id"], New("user", "x", input_tokens=5, cost_cents=2))
    assert stored(db, conv) == before
    assert db.messages.count_documents({}) == 1


def test_a_failed_insert_keeps_a_concurrent_append(db, alice, conv):
    other = {}

    def another_append_lands():
        other["message"] = messages.append(
            db, alice, conv["_id"], New("user", "y", output_tokens=7)
        )

    failing = FailingInsert(db, PyMongoError("store went away"), another_append_lands)
    with pytest.raises(PyMongoError):
        messages.append(failing, alice, conv["_id"], New("user", "x", input_tokens=5, cost_cents=2))
    after = stored(db, conv)
    assert after["latest_message_id"] == other["message"]["_id"]
    assert after["message_count"] == 2
    assert (after["total_input_tokens"], after["total_output_tokens"]) == (3, 7)
    assert after[costs.TOTAL] == 0
    assert messages.recount(db, conv["_id"])["message_count"] == 2
    landed = db.messages.find_one({"_id": other["message"]["_id"]})
    assert landed["parent_message_id"] == conv["latest_message_id"]  # not the failed one
