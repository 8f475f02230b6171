"""Core message edits and deletes: exact token counts and conversation figures, scope, races."""

import pytest

from app.core import conversations, costs, deletion, feedback, message_edits, messages, tokens
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Invalid, NotFound, NotOwned
from app.core.new_message import TEXT_MAX
from tests.core.test_store import eager_thread_switches  # noqa: F401  (a fixture)
from tests.threads import run_in_threads


def append(db, scope, conversation_id, role, text=None, **fields):
    new = messages.NewMessage(role=role, text=text, model="gpt-4o", **fields)
    return messages.append(db, scope, conversation_id, new)


@pytest.fixture
def chat(db, alice):
    conversation = conversations.create(db, alice, model="gpt-4o")
    question = append(db, alice, conversation["_id"], "user", "what is 2+2?", input_tokens=7)
    answer = append(
        db, alice, conversation["_id"], "assistant", "4", output_tokens=3, cost_cents=0.25
    )
    return conversation, question, answer


def test_edit_text_counts_tokens_again(db, alice, chat):
    conversation, question, _ = chat
    edited = message_edits.edit_text(db, alice, conversation["_id"], question["_id"], "and 3+3?")
    assert edited["text"] == "and 3+3?"
    assert edited["token_count"] == tokens.message_tokens("user", "and 3+3?", "o200k_base")
    assert edited["updated_at"] >= edited["created_at"]
    stored = conversations.get(db, alice, conversation["_id"])
    assert (stored["total_input_tokens"], stored["message_count"]) == (7, 2)  # usage stays


def test_edit_one_part_keeps_the_others_and_follows_with_text(db, alice):
    conversation = conversations.create(db, alice)
    parts = [
        {"type": "think", "think": "hmm"},
        {"type": "text", "text": {"value": "old", "annotations": [1]}},
        {"type": "image_url", "image_url": {"url": "x"}},
    ]
    message = messages.append(
        db, alice, conversation["_id"], messages.NewMessage("assistant", content=parts)
    )
    edited = message_edits.edit_part(db, alice, conversation["_id"], message["_id"], 1, "new")
    assert edited["content"][1] == {"type": "text", "text": {"value": "new", "annotations": [1]}}
    assert edited["content"][0] == parts[0] and edited["content"][2] == parts[2]
    assert edited["text"] == "new"
    assert edited["token_count"] == tokens.message_tokens("assistant", "new", "o200k_base")
    thought = message_edits.edit_part(db, alice, conversation["_id"], message["_id"], 0, "aha")
    assert thought["content"][0] == {"type": "think", "think": "aha"}
    for index, error in ((2, "Cannot update non-text content"), (3, "Invalid index")):
        with pytest.raises(Invalid, match=error):
            message_edits.edit_part(db, alice, conversation["_id"], message["_id"], index, "x")
    with pytest.raises(Invalid, match="Invalid index"):
        message_edits.edit_part(db, alice, conversation["_id"], message["_id"], True, "x")


@pytest.mark.usefixtures("eager_thread_switches")
def test_concurrent_edits_of_two_parts_both_land(db, alice):
    conversation = conversations.create(db, alice)
    parts = [{"type": "text", "text": f"part {i}"} for i in range(8)]
    message = messages.append(
        db, alice, conversation["_id"], messages.NewMessage("assistant", content=parts)
    )

    def edit(index):
        message_edits.edit_part(
            db, alice, conversation["_id"], message["_id"], index, f"new {index}"
        )

    assert run_in_threads(edit, 8) == []
    stored = db.messages.find_one({"_id": message["_id"]})
    assert [p["text"] for p in stored["content"]] == [f"new {i}" for i in range(8)]


def test_bad_edits_change_nothing(db, alice, bob, chat):
    conversation, question, _ = chat
    before = db.messages.find_one({"_id": question["_id"]})
    for text in (None, 5, "x" * (TEXT_MAX + 1), "\ud800"):
        with pytest.raises(Invalid):
            message_edits.edit_text(db, alice, conversation["_id"], question["_id"], text)
    with pytest.raises(NotOwned):
        message_edits.edit_text(db, bob, conversation["_id"], question["_id"], "mine now")
    with pytest.raises(NotFound):
        message_edits.edit_text(db, alice, conversation["_id"], "missing", "x")
    with pytest.raises(Invalid, match="Invalid index"):  # a plain-text message has no parts
        message_edits.edit_part(db, alice, conversation["_id"], question["_id"], 0, "x")
    assert db.messages.find_one({"_id": question["_id"]}) == before


def test_delete_takes_the_message_out_of_every_figure(db, alice, chat):
    conversation, question, answer = chat
    message_edits.delete(db, alice, conversation["_id"], answer["_id"])
    stored = conversations.get(db, alice, conversation["_id"])
    assert stored["message_count"] == 1
    assert (stored["total_input_tokens"], stored["total_output_tokens"]) == (7, 0)
    assert stored[costs.TOTAL] == 0
    assert stored["latest_message_id"] == question["_id"]
    assert stored["last_message_at"] == question["created_at"]
    recounted = messages.recount(db, conversation["_id"])
    del recounted["message_seq"]  # seq keeps growing: a deleted seq is never handed out again
    assert stored == {**stored, **recounted}  # nothing drifted
    follow_up = append(db, alice, conversation["_id"], "assistant", "four")
    assert follow_up["parent_message_id"] == question["_id"]


def test_delete_keeps_children_as_roots_and_the_last_one_empties(db, alice, chat):
    conversation, question, answer = chat
    message_edits.delete(db, alice, conversation["_id"], question["_id"])
    assert db.messages.find_one({"_id": answer["_id"]})["parent_message_id"] == question["_id"]
    assert messages.thread(db, alice, conversation["_id"]) == [
        db.messages.find_one({"_id": answer["_id"]})
    ]
    message_edits.delete(db, alice, conversation["_id"], answer["_id"])
    emptied = conversations.get(db, alice, conversation["_id"])
    assert (emptied["message_count"], emptied["latest_message_id"]) == (0, None)
    assert "last_message_at" not in emptied
    assert (emptied["total_input_tokens"], emptied["total_output_tokens"]) == (0, 0)
    first = append(db, alice, conversation["_id"], "user", "again")
    assert first["parent_message_id"] == ROOT_PARENT_ID


def test_delete_errors_change_nothing(db, alice, bob, chat):
    conversation, question, _ = chat
    with pytest.raises(NotOwned):
        message_edits.delete(db, bob, conversation["_id"], question["_id"])
    with pytest.raises(NotFound):
        message_edits.delete(db, alice, conversation["_id"], "missing")
    deletion.soft_delete(db, alice, conversation["_id"])
    with pytest.raises(NotFound):
        message_edits.delete(db, alice, conversation["_id"], question["_id"])
    assert db.messages.count_documents({}) == 2


@pytest.mark.usefixtures("eager_thread_switches")
def test_concurrent_deletes_and_appends_keep_the_figures_exact(db, alice):
    conversation = conversations.create(db, alice)
    doomed = [
        append(db, alice, conversation["_id"], "user", f"q{i}", input_tokens=i)["_id"]
        for i in range(10)
    ]

    def work(index):
        if index % 2:
            message_edits.delete(db, alice, conversation["_id"], doomed[index])
        else:
            append(db, alice, conversation["_id"], "assistant", f"a{index}", output_tokens=index)

    assert run_in_threads(work, 10) == []
    stored = conversations.get(db, alice, conversation["_id"])
    recounted = messages.recount(db, conversation["_id"])
    for name in ("message_count", "total_input_tokens", "total_output_tokens"):
        assert stored[name] == recounted[name], name


def test_feedback_is_stored_checked_and_cleared(db, alice, bob, chat):
    conversation, _, answer = chat
    rated = feedback.set_feedback(
        db,
        alice,
        conversation["_id"],
        answer["_id"],
        {"rating": "thumbsDown", "tag": "inaccurate", "text": "wrong"},
    )
    assert rated["feedback"] == {"rating": "thumbsDown", "tag": "inaccurate", "text": "wrong"}
    for bad in (
        {"rating": "meh", "tag": "other"},
        {"rating": "thumbsUp", "tag": "made_up"},
        {"rating": "thumbsUp", "tag": "other", "text": "x" * 1025},
        {"rating": "thumbsUp", "tag": "other", "$set": 1},
        "thumbsUp",
    ):
        with pytest.raises(Invalid, match="Invalid feedback"):
            feedback.set_feedback(db, alice, conversation["_id"], answer["_id"], bad)
    with pytest.raises(NotOwned):
        feedback.set_feedback(db, bob, conversation["_id"], answer["_id"], None)
    assert db.messages.find_one({"_id": answer["_id"]})["feedback"]["tag"] == "inaccurate"
    cleared = feedback.set_feedback(db, alice, conversation["_id"], answer["_id"], None)
    assert "feedback" not in cleared
