"""Core messages beyond appends: get, pages, threads and paths, start, detail, bulk inserts."""

import pytest

from app.core import conversations, deletion, forking, lifecycle, messages, transcripts
from app.core.clock import ROOT_PARENT_ID, utcnow
from app.core.errors import Conflict, Invalid, NotFound, NotOwned

New = messages.NewMessage


def chat(db, scope, n, **options):
    """A conversation with ``n`` chained messages ``m0``..``m{n-1}``; returns it and the ids."""
    conv = conversations.create(db, scope, **options)
    ids = [
        messages.append(db, scope, conv["_id"], New(role="user", text=f"m{i}"))["_id"]
        for i in range(n)
    ]
    return conv, ids


def ids_of(items):
    return [m["_id"] for m in items]


# --- NewMessage.validate, text_of, default_sender ------------------------------------------


@pytest.mark.parametrize(
    "new",
    [
        New(role="user", text="x" * (messages.TEXT_MAX + 1)),
        New(role="user", content=[{"type": "text", "text": "x"}] * 501),
        New(role="assistant", text="x", output_tokens=10**12 + 1),
        New(role="user", text="x", cost_cents=10**12 + 1),
        New(role="user", content=[{"$bad": 1}]),
        New(role="user", content=[]),
    ],
)
def test_validate_rejects(new):
    with pytest.raises(Invalid):
        new.validate()


def test_validate_accepts_the_limits():
    New(role="tool", text="x" * messages.TEXT_MAX, input_tokens=10**12).validate()
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


# --- get ----------------------------------------------------------------------------------------


def test_get_returns_one_message(db, alice):
    conv, ids = chat(db, alice, 2)
    assert messages.get(db, alice, conv["_id"], ids[1])["text"] == "m1"


def test_get_refuses_messages_of_other_conversations_and_users(db, alice, bob):
    conv, _ = chat(db, alice, 1)
    other, other_ids = chat(db, alice, 1)
    with pytest.raises(NotFound):
        messages.get(db, alice, conv["_id"], other_ids[0])
    with pytest.raises(NotFound):
        messages.get(db, alice, conv["_id"], "missing")
    with pytest.raises(NotOwned):
        messages.get(db, bob, other["_id"], other_ids[0])
    with pytest.raises(Invalid):
        messages.get(db, alice, conv["_id"], {"$ne": None})


def test_get_reads_soft_deleted_conversations(db, alice):
    conv, ids = chat(db, alice, 1)
    deletion.soft_delete(db, alice, conv["_id"])
    assert messages.get(db, alice, conv["_id"], ids[0])["_id"] == ids[0]
    with pytest.raises(NotFound):
        messages.set_pinned(db, alice, conv["_id"], ids[0], True)


# --- list_page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1001])
def test_list_page_limit_bounds(db, alice, limit):
    conv, _ = chat(db, alice, 1)
    with pytest.raises(Invalid):
        messages.list_page(db, alice, conv["_id"], limit=limit)


def test_list_page_walks_append_order_both_ways(db, alice):
    conv, ids = chat(db, alice, 5)
    first = messages.list_page(db, alice, conv["_id"], limit=2)
    assert ids_of(first.items) == ids[:2] and first.has_more
    second = messages.list_page(db, alice, conv["_id"], limit=2, cursor=first.next_cursor)
    third = messages.list_page(db, alice, conv["_id"], limit=2, cursor=second.next_cursor)
    assert ids_of(second.items) == ids[2:4]
    assert (ids_of(third.items), third.has_more, third.next_cursor) == (ids[4:], False, None)
    newest = messages.list_page(db, alice, conv["_id"], order="desc", limit=3)
    assert ids_of(newest.items) == ids[::-1][:3]


def test_list_page_cursor_of_the_other_order_is_invalid(db, alice):
    conv, _ = chat(db, alice, 3)
    page = messages.list_page(db, alice, conv["_id"], limit=1)
    with pytest.raises(Invalid):
        messages.list_page(db, alice, conv["_id"], order="desc", cursor=page.next_cursor)
    with pytest.raises(Invalid):
        messages.list_page(db, alice, conv["_id"], order="sideways")


def test_list_page_is_scoped(db, alice, bob):
    conv, _ = chat(db, alice, 1)
    with pytest.raises(NotOwned):
        messages.list_page(db, bob, conv["_id"])


# --- path_to / thread / latest_thread -----------------------------------------------------------


def node(message_id, parent):
    return {"_id": message_id, "parent_message_id": parent}


def test_path_to_walks_to_the_root():
    by_id = {m["_id"]: m for m in [node("a", ROOT_PARENT_ID), node("b", "a"), node("c", "b")]}
    assert ids_of(messages.path_to(by_id, "c")) == ["a", "b", "c"]
    assert ids_of(messages.path_to(by_id, "a")) == ["a"]


def test_path_to_stops_at_a_missing_parent():
    by_id = {m["_id"]: m for m in [node("b", "gone"), node("c", "b")]}
    assert ids_of(messages.path_to(by_id, "c")) == ["b", "c"]


def test_path_to_stops_on_a_cycle():
    by_id = {m["_id"]: m for m in [node("a", "c"), node("b", "a"), node("c", "b")]}
    assert ids_of(messages.path_to(by_id, "c")) == ["a", "b", "c"]
    assert ids_of(messages.path_to({"s": node("s", "s")}, "s")) == ["s"]


def test_path_to_an_unknown_leaf_is_empty():
    assert messages.path_to({"a": node("a", ROOT_PARENT_ID)}, "zzz") == []


def test_thread_of_an_empty_conversation_is_empty(db, alice):
    conv = conversations.create(db, alice)
    assert messages.thread(db, alice, conv["_id"]) == []
    assert messages.latest_thread(db, alice, conv["_id"], 3) == []


def test_thread_to_an_unknown_leaf_is_not_found(db, alice):
    conv, _ = chat(db, alice, 1)
    _, other_ids = chat(db, alice, 1)
    with pytest.raises(NotFound):
        messages.thread(db, alice, conv["_id"], "missing")
    with pytest.raises(NotFound):
        messages.thread(db, alice, conv["_id"], other_ids[0])


def test_latest_thread_keeps_only_the_last_messages(db, alice):
    conv, ids = chat(db, alice, 5)
    assert ids_of(messages.latest_thread(db, alice, conv["_id"], 2)) == ids[3:]
    assert ids_of(messages.latest_thread(db, alice, conv["_id"])) == ids
    assert ids_of(messages.latest_thread(db, alice, conv["_id"], 50)) == ids


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
    assert stored["total_cost_cents"] == pytest.approx(1.75)
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
        "total_cost_cents": 0,
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
