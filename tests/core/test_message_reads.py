"""Core message reads: one message, pages in append order, paths and threads."""

import pytest

from app.core import conversations, deletion, messages
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Invalid, NotFound, NotOwned
from tests.builders import chat, ids_of

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
