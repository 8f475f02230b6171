"""Transcripts: a conversation started with its messages, and its detail."""

import pytest

from app.core import conversations, deletion, messages, transcripts
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Conflict, Invalid, NotOwned
from tests.builders import chat, ids_of

New = messages.NewMessage


# --- start --------------------------------------------------------------------------------------


def test_start_creates_a_conversation_with_its_messages(db, alice):
    conv = transcripts.start(
        db,
        alice,
        [
            New(role="user", text="q", message_id="q", input_tokens=4),
            New(role="assistant", text="a1", output_tokens=6),
            New(role="assistant", text="a2", parent_message_id="q", output_tokens=1),
        ],
        title="Started",
        tags=["t"],
    )
    assert (conv["title"], conv["tags"], conv["message_count"]) == ("Started", ["t"], 3)
    assert (conv["total_input_tokens"], conv["total_output_tokens"]) == (4, 7)
    listed = messages.list_all(db, alice, conv["_id"])
    assert [m["parent_message_id"] for m in listed] == [ROOT_PARENT_ID, "q", "q"]
    assert conv["latest_message_id"] == listed[-1]["_id"]


def test_start_without_messages_is_an_empty_conversation(db, alice):
    conv = transcripts.start(db, alice, [])
    assert (conv["message_count"], conv["latest_message_id"]) == (0, None)


@pytest.mark.parametrize(
    "initial",
    [
        [New(role="user", text="ok"), New(role="robot", text="bad")],
        [New(role="user", text="x", parent_message_id="later"), New(role="user", text="y")],
        [
            New(role="user", text="x", parent_message_id="m2"),
            New(role="user", text="y", message_id="m2"),
        ],
        [New(role="user", text="x", message_id={"$ne": 1})],
    ],
)
def test_start_checks_every_message_before_writing(db, alice, initial):
    with pytest.raises(Invalid):
        transcripts.start(db, alice, initial)
    assert db.conversations.count_documents({}) == 0
    assert db.messages.count_documents({}) == 0


def test_start_refuses_too_many_messages(db, alice):
    with pytest.raises(Invalid):
        transcripts.start(db, alice, [New(role="user", text="x")] * 1001)
    assert db.conversations.count_documents({}) == 0


def test_start_erases_the_half_made_conversation_when_an_append_fails(db, alice):
    initial = [New(role="user", text="a", message_id="dup"), New(role="user", text="b")]
    initial.append(New(role="user", text="c", message_id="dup"))
    with pytest.raises(Conflict):
        transcripts.start(db, alice, initial, title="half")
    assert db.conversations.count_documents({}) == 0
    assert db.messages.count_documents({}) == 0


def test_start_with_an_id_in_use_conflicts_and_keeps_the_original(db, alice):
    conversations.create(db, alice, conversation_id="taken", title="original")
    with pytest.raises(Conflict):
        transcripts.start(db, alice, [New(role="user", text="x")], conversation_id="taken")
    assert conversations.get(db, alice, "taken")["title"] == "original"
    assert db.messages.count_documents({}) == 0


# --- detail -------------------------------------------------------------------------------------


def test_detail_without_messages_is_the_conversation(db, alice):
    conv, _ = chat(db, alice, 2, title="T")
    detail = transcripts.detail(db, alice, conv["_id"], include_messages=False)
    assert detail["title"] == "T" and "messages" not in detail


def test_detail_pages_messages(db, alice):
    conv, ids = chat(db, alice, 3)
    first = transcripts.detail(db, alice, conv["_id"], limit=2)
    assert ids_of(first["messages"]) == ids[:2]
    assert first["messages_has_more"] is True and first["message_count"] == 3
    rest = transcripts.detail(db, alice, conv["_id"], limit=2, cursor=first["messages_next_cursor"])
    assert ids_of(rest["messages"]) == ids[2:]
    assert (rest["messages_has_more"], rest["messages_next_cursor"]) == (False, None)
    newest = transcripts.detail(db, alice, conv["_id"], limit=1, order="desc")
    assert ids_of(newest["messages"]) == [ids[2]]


def test_detail_thread_only_follows_the_latest_branch(db, alice):
    conv = conversations.create(db, alice)
    q = messages.append(db, alice, conv["_id"], New(role="user", text="q"))
    messages.append(db, alice, conv["_id"], New(role="assistant", text="a1"))
    a2 = messages.append(
        db, alice, conv["_id"], New(role="assistant", text="a2", parent_message_id=q["_id"])
    )
    detail = transcripts.detail(db, alice, conv["_id"], thread_only=True)
    assert ids_of(detail["messages"]) == [q["_id"], a2["_id"]]
    assert detail["messages_has_more"] is False
    short = transcripts.detail(db, alice, conv["_id"], thread_only=True, limit=1)
    assert ids_of(short["messages"]) == [a2["_id"]]


def test_detail_reads_deleted_but_not_others(db, alice, bob):
    conv, ids = chat(db, alice, 1)
    deletion.soft_delete(db, alice, conv["_id"])
    assert ids_of(transcripts.detail(db, alice, conv["_id"])["messages"]) == ids
    with pytest.raises(NotOwned):
        transcripts.detail(db, bob, conv["_id"])
