"""Core tags: counts by aggregation, tag documents, rename, move, delete, per-user scope."""

import pytest

from app.core import conversations, deletion, lifecycle, tags
from app.core.errors import Conflict, Invalid, NotFound


def tally(db, scope):
    return {t["tag"]: t["count"] for t in tags.list_tags(db, scope)}


def test_counts_ignore_deleted_and_other_users(db, alice, bob):
    conversations.create(db, alice, tags=["a", "b"])
    gone = conversations.create(db, alice, tags=["a"])
    deletion.soft_delete(db, alice, gone["_id"])
    archived = conversations.create(db, alice, tags=["b"])
    lifecycle.set_archived(db, alice, archived["_id"], True)
    conversations.create(db, bob, tags=["a"])
    assert tags.counts(db, alice) == {"a": 1, "b": 2}
    assert tags.counts(db, bob) == {"a": 1}


def test_create_is_idempotent_and_positions_grow(db, alice):
    first = tags.create(db, alice, "one", description="d")
    second = tags.create(db, alice, " two ")
    again = tags.create(db, alice, "one", description="ignored")
    assert (first["position"], second["position"]) == (1, 2)
    assert second["tag"] == "two"
    assert again["description"] == "d"
    assert db.tags.count_documents({}) == 2


def test_tags_only_on_conversations_are_listed_last(db, alice):
    tags.create(db, alice, "doc")
    conversations.create(db, alice, tags=["zz", "aa"])
    listed = tags.list_tags(db, alice)
    assert [(t["tag"], t["position"], t["count"]) for t in listed] == [
        ("doc", 1, 0),
        ("aa", 2, 1),
        ("zz", 3, 1),
    ]


def test_rename_rewrites_conversations_and_refuses_an_existing_name(db, alice, bob):
    mine = conversations.create(db, alice, tags=["old", "keep"])
    both = conversations.create(db, alice, tags=["old", "new-ish"])
    bobs = conversations.create(db, bob, tags=["old"])
    tags.create(db, alice, "taken")
    renamed = tags.update(db, alice, "old", new_name="new-ish")
    assert (renamed["tag"], renamed["count"]) == ("new-ish", 2)
    assert conversations.get(db, alice, mine["_id"])["tags"] == ["keep", "new-ish"]
    assert conversations.get(db, alice, both["_id"])["tags"] == ["new-ish"]
    assert conversations.get(db, bob, bobs["_id"])["tags"] == ["old"]
    with pytest.raises(Conflict):
        tags.update(db, alice, "new-ish", new_name="taken")
    with pytest.raises(NotFound):
        tags.update(db, alice, "never", description="x")


def test_move_shifts_the_tags_between(db, alice):
    for name in "abcd":
        tags.create(db, alice, name)
    tags.update(db, alice, "d", position=2)
    assert [t["tag"] for t in tags.list_tags(db, alice)] == ["a", "d", "b", "c"]
    tags.update(db, alice, "a", position=4)
    assert [(t["tag"], t["position"]) for t in tags.list_tags(db, alice)] == [
        ("d", 1),
        ("b", 2),
        ("c", 3),
        ("a", 4),
    ]
    with pytest.raises(Invalid):
        tags.update(db, alice, "a", position=True)


def test_delete_removes_from_conversations_and_closes_the_gap(db, alice):
    conv = conversations.create(db, alice, tags=["a", "b"])
    for name in "abc":
        tags.create(db, alice, name)
    deleted = tags.delete(db, alice, "b")
    assert deleted["tag"] == "b"
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["a"]
    assert [(t["tag"], t["position"]) for t in tags.list_tags(db, alice)] == [("a", 1), ("c", 2)]
    with pytest.raises(NotFound):
        tags.delete(db, alice, "b")


def test_page_sorts_and_validates(db, alice):
    for name in ("m", "a", "z"):
        tags.create(db, alice, name)
    page = tags.page(db, alice, sort="name", order="desc", page_size=2)
    assert ([t["tag"] for t in page.tags], page.pages, page.total) == (["z", "m"], 2, 3)
    with pytest.raises(Invalid):
        tags.page(db, alice, sort="colour")
    with pytest.raises(Invalid):
        tags.clean_tag("   ")


def test_set_for_conversation_creates_missing_documents(db, alice):
    conv = conversations.create(db, alice)
    assert tags.set_for_conversation(db, alice, conv["_id"], ["x", " y", "x"]) == ["x", "y"]
    assert {d["tag"] for d in db.tags.find()} == {"x", "y"}
