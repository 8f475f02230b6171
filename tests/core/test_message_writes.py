"""Core message writes: validation, append details, bulk inserts and recounts."""

import pytest

from app.core import conversations, costs, forking, lifecycle, messages, new_message
from app.core.clock import ROOT_PARENT_ID, utcnow
from app.core.errors import Invalid
from tests.builders import chat, ids_of

New = messages.NewMessage


# --- NewMessage.validate, text_of, default_sender ------------------------------------------


@pytest.mark.parametrize(
    "new",
    [
        New(role="user", text="x" * (new_message.TEXT_MAX + 1)),
        New(role="user", content=[{"type": "text", "text": "x"}] * 501),
        New(role="assistant", text="x", output_tokens=10**12 + 1),
        New(role="user", text="x", cost_cents=new_message.COST_CENTS_MAX + 0.01),
        New(role="user", content=[{"$bad": 1}]),
        New(role="user", content=[]),
    ],
)
def test_validate_rejects(new):
    with pytest.raises(Invalid):
        new.validate()


def test_validate_accepts_the_limits():
    New(role="tool", text="x" * new_message.TEXT_MAX, input_tokens=10**12).validate()
    New(role="user", text="x", cost_cents=new_message.COST_CENTS_MAX).validate()
    New(role="system", content=[{"type": "text", "text": "x"}] * 500).validate()


def test_text_of_joins_strings_and_text_parts_and_skips_the_rest():
    parts = ["plain", {"text": "a"}, {"text": {"value": "b"}}, {"text": 5}, 7, {"type": "x"}]
    assert messages.text_of(parts) == "plain\na\nb"
    assert messages.text_of(None) == ""


@pytest.mark.parametrize(
    ("role", "model", "sender"),
    [
        ("user", "gpt-4o", "User"),
        ("assistant", "gpt-4o", "gpt-4o"),
        ("assistant", None, "Assistant"),
        ("tool", None, "Tool"),
    ],
)
def test_default_sender(role, model, sender):
    assert messages.default_sender(role, model) == sender


# --- append details -------------------------------------------------------------------------


def test_explicit_root_parent_starts_a_new_root(db, alice):
    conv, _ = chat(db, alice, 2)
    root = messages.append(
        db, alice, conv["_id"], New(role="user", text="again", parent_message_id=ROOT_PARENT_ID)
    )
    assert root["parent_message_id"] == ROOT_PARENT_ID
    assert root["seq"] == 3
    assert ids_of(messages.thread(db, alice, conv["_id"])) == [root["_id"]]


def test_a_supplied_token_count_is_kept_and_a_missing_one_counted(db, alice):
    conv = conversations.create(db, alice)
    given = messages.append(db, alice, conv["_id"], New(role="user", text="hi", token_count=42))
    assert given["token_count"] == 42 and "token_encoding" not in given
    counted = messages.append(db, alice, conv["_id"], New(role="user", text="hi"))
    assert counted["token_count"] > 0 and counted["token_encoding"]


def test_append_to_an_archived_conversation_is_allowed(db, alice):
    conv = conversations.create(db, alice)
    lifecycle.set_archived(db, alice, conv["_id"], True)
    messages.append(db, alice, conv["_id"], New(role="user", text="x"))
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["status"], stored["message_count"]) == ("archived", 1)


def test_a_given_creation_time_is_stored_and_sets_last_message_at(db, alice):
    conv = conversations.create(db, alice)
    at = utcnow().replace(year=2020)
    stored = messages.append(db, alice, conv["_id"], New(role="user", text="x", created_at=at))
    assert stored["created_at"] == at
    assert conversations.get(db, alice, conv["_id"])["last_message_at"] == at


# --- insert_many / recount --------------------------------------------------------------------


def prepared(conversation, specs):
    """Stored-form messages for ``insert_many``: (id, parent, seq, input, output, cost)."""
    now = utcnow()
    documents = []
    for message_id, parent, seq, tokens_in, tokens_out, cost in specs:
        new = New(
            role="user",
            text=message_id,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_cents=cost,
        )
        at = now.replace(microsecond=0).replace(second=seq % 60)
        documents.append(messages.new_document(conversation, new, message_id, parent, seq, at))
    return documents


def test_insert_many_stores_messages_and_recounts(db, alice):
    conv = conversations.create(db, alice)
    documents = prepared(
        conv,
        [("a", ROOT_PARENT_ID, 1, 3, 0, 0.5), ("b", "a", 2, 0, 7, 1.25), ("c", "a", 3, 1, 1, 0)],
    )
    messages.insert_many(db, conv, documents)
    stored = conversations.get(db, alice, conv["_id"])
    assert stored["message_count"] == 3
    assert (stored["total_input_tokens"], stored["total_output_tokens"]) == (4, 8)
    assert costs.total_cents(stored) == 1.75
    assert (stored["message_seq"], stored["latest_message_id"]) == (3, "c")
    assert stored["last_message_at"] == max(d["created_at"] for d in documents)
    following = messages.append(db, alice, conv["_id"], New(role="user", text="next"))
    assert (following["seq"], following["parent_message_id"]) == (4, "c")


def test_insert_many_with_nothing_resets_the_counters(db, alice):
    conv, _ = chat(db, alice, 2)
    db.messages.delete_many({"conversation_id": conv["_id"]})
    messages.insert_many(db, conv, [])
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["message_count"], stored["message_seq"], stored["latest_message_id"]) == (
        0,
        0,
        None,
    )
    assert stored["total_input_tokens"] == 0
    assert "last_message_at" not in stored
    again = messages.append(db, alice, conv["_id"], New(role="user", text="again"))
    assert (again["seq"], again["parent_message_id"]) == (1, ROOT_PARENT_ID)


def test_a_copy_of_an_empty_conversation_accepts_appends(db, alice):
    empty = conversations.create(db, alice)
    copy = forking.duplicate(db, alice, empty["_id"]).conversation
    assert (copy["message_count"], copy["message_seq"]) == (0, 0)
    first = messages.append(db, alice, copy["_id"], New(role="user", text="hi"))
    assert first["seq"] == 1


def test_insert_many_refuses_duplicate_ids(db, alice):
    conv, ids = chat(db, alice, 1)
    duplicate = prepared(conv, [(ids[0], ROOT_PARENT_ID, 2, 0, 0, 0)])
    with pytest.raises(Exception):  # noqa: B017 - the driver's BulkWriteError
        messages.insert_many(db, conv, duplicate)
    assert conversations.get(db, alice, conv["_id"])["message_count"] == 1


def test_recount_returns_the_totals_it_stores(db, alice):
    conv = conversations.create(db, alice)
    messages.append(db, alice, conv["_id"], New(role="user", text="x", input_tokens=2))
    last = messages.append(db, alice, conv["_id"], New(role="user", text="y", output_tokens=5))
    totals = messages.recount(db, conv["_id"])
    assert totals == {
        "message_count": 2,
        "total_input_tokens": 2,
        "total_output_tokens": 5,
        costs.TOTAL: 0,
        "last_message_at": last["created_at"],
        "message_seq": 2,
        "latest_message_id": last["_id"],
    }


def test_recount_follows_the_highest_seq_not_insertion_order(db, alice):
    conv = conversations.create(db, alice)
    documents = prepared(
        conv, [("late", ROOT_PARENT_ID, 9, 0, 0, 0), ("early", "late", 2, 0, 0, 0)]
    )
    messages.insert_many(db, conv, documents)
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["latest_message_id"], stored["message_seq"]) == ("late", 9)
