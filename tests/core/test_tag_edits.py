"""Core tag edits: names and descriptions, create, update, moves, delete, tagging conversations."""

import pytest

from app.core import conversations, deletion, tags
from app.core.errors import Conflict, Invalid, NotFound, NotOwned


def order(db, scope):
    return [(t["tag"], t["position"]) for t in tags.list_tags(db, scope)]


# --- clean_tag / descriptions ---------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "  ", None, 5, ["a", "b"], [], "x" * 129])
def test_clean_tag_rejects(bad):
    with pytest.raises(Invalid):
        tags.clean_tag(bad)


def test_clean_tag_trims_and_accepts_a_one_item_list():
    assert tags.clean_tag("  ai ") == "ai"
    assert tags.clean_tag(["ai"]) == "ai"
    assert tags.clean_tag("x" * 128) == "x" * 128


@pytest.mark.parametrize("description", [5, "d" * 1025, ["d"]])
def test_create_rejects_bad_descriptions(db, alice, description):
    with pytest.raises(Invalid):
        tags.create(db, alice, "t", description=description)
    assert db.tags.count_documents({}) == 0


# --- create ---------------------------------------------------------------------------------


def test_create_stores_the_document_owned_by_the_caller(db, alice):
    created = tags.create(db, alice, "ai", description="d" * 1024)
    stored = db.tags.find_one({"tag": "ai"})
    assert (stored["user_id"], stored["workspace_id"]) == ("alice", "default")
    assert stored["description"] == "d" * 1024
    assert created["count"] == 0 and created["_id"] == stored["_id"]


def test_create_counts_conversations_already_carrying_the_tag(db, alice):
    conversations.create(db, alice, tags=["ai"])
    conversations.create(db, alice, tags=["ai", "x"])
    assert tags.create(db, alice, "ai")["count"] == 2


def test_create_can_add_the_tag_to_a_conversation(db, alice):
    conv = conversations.create(db, alice, tags=["old"])
    created = tags.create(db, alice, "new", add_to_conversation=True, conversation_id=conv["_id"])
    assert created["count"] == 1
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["old", "new"]


def test_create_adding_to_a_conversation_needs_its_id(db, alice):
    with pytest.raises(Invalid):
        tags.create(db, alice, "new", add_to_conversation=True)
    assert db.tags.count_documents({}) == 0


def test_create_adding_to_another_users_conversation_changes_nothing(db, alice, bob):
    conv = conversations.create(db, alice)
    with pytest.raises(NotOwned):
        tags.create(db, bob, "mine", add_to_conversation=True, conversation_id=conv["_id"])
    assert db.tags.count_documents({}) == 0
    assert conversations.get(db, alice, conv["_id"])["tags"] == []


def test_positions_are_per_user(db, alice, bob):
    tags.create(db, alice, "a")
    tags.create(db, alice, "b")
    assert tags.create(db, bob, "a")["position"] == 1
    assert order(db, bob) == [("a", 1)]
    assert order(db, alice) == [("a", 1), ("b", 2)]


# --- update ----------------------------------------------------------------------------------


def test_update_sets_a_description_and_keeps_it_when_not_given(db, alice):
    tags.create(db, alice, "t")
    assert tags.update(db, alice, "t", description="about t")["description"] == "about t"
    assert tags.update(db, alice, "t", position=1)["description"] == "about t"


def test_update_of_a_tag_only_on_conversations_creates_its_document(db, alice):
    tags.create(db, alice, "doc")
    conversations.create(db, alice, tags=["orphan"])
    updated = tags.update(db, alice, "orphan", description="now known")
    assert (updated["tag"], updated["description"], updated["count"]) == ("orphan", "now known", 1)
    assert updated["position"] == 2
    assert db.tags.count_documents({"tag": "orphan"}) == 1


def test_rename_to_the_same_name_changes_nothing(db, alice):
    conv = conversations.create(db, alice, tags=["t"])
    tags.create(db, alice, "t")
    assert tags.update(db, alice, "t", new_name=" t ")["tag"] == "t"
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["t"]


def test_rename_of_an_orphan_tag(db, alice):
    conv = conversations.create(db, alice, tags=["old", "x"])
    renamed = tags.update(db, alice, "old", new_name="new")
    assert (renamed["tag"], renamed["count"]) == ("new", 1)
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["x", "new"]
    assert [t["tag"] for t in tags.list_tags(db, alice)] == ["new", "x"]


def test_rename_conflict_changes_nothing(db, alice):
    conv = conversations.create(db, alice, tags=["a"])
    tags.create(db, alice, "a")
    tags.create(db, alice, "b")
    with pytest.raises(Conflict):
        tags.update(db, alice, "a", new_name="b", description="lost")
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["a"]
    assert db.tags.find_one({"tag": "a"})["description"] is None


def test_update_is_per_user(db, alice, bob):
    tags.create(db, bob, "bobs")
    with pytest.raises(NotFound):
        tags.update(db, alice, "bobs", description="x")
    assert db.tags.find_one({"tag": "bobs"})["description"] is None


@pytest.mark.parametrize("position", [-1, 1.5, "2", False])
def test_update_rejects_bad_positions(db, alice, position):
    tags.create(db, alice, "a")
    with pytest.raises(Invalid):
        tags.update(db, alice, "a", position=position)
    assert order(db, alice) == [("a", 1)]


@pytest.mark.parametrize("new_name", ["", "  ", 3])
def test_update_rejects_bad_new_names(db, alice, new_name):
    tags.create(db, alice, "a")
    with pytest.raises(Invalid):
        tags.update(db, alice, "a", new_name=new_name)
    assert order(db, alice) == [("a", 1)]


# --- moves -------------------------------------------------------------------------------------


@pytest.fixture
def abcde(db, alice):
    for name in "abcde":
        tags.create(db, alice, name)


def test_move_up_shifts_the_ones_between_down(db, alice, abcde):
    tags.update(db, alice, "e", position=1)
    assert order(db, alice) == [("e", 1), ("a", 2), ("b", 3), ("c", 4), ("d", 5)]


def test_move_down_shifts_the_ones_between_up(db, alice, abcde):
    tags.update(db, alice, "b", position=4)
    assert order(db, alice) == [("a", 1), ("c", 2), ("d", 3), ("b", 4), ("e", 5)]


def test_move_to_the_same_position_changes_nothing(db, alice, abcde):
    tags.update(db, alice, "c", position=3)
    assert order(db, alice) == [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)]


def test_move_leaves_other_users_positions_alone(db, alice, bob, abcde):
    for name in "xyz":
        tags.create(db, bob, name)
    tags.update(db, alice, "a", position=3)
    assert order(db, bob) == [("x", 1), ("y", 2), ("z", 3)]


# --- delete ----------------------------------------------------------------------------------


def test_delete_of_an_orphan_tag_cleans_conversations(db, alice):
    conv = conversations.create(db, alice, tags=["orphan", "keep"])
    deleted = tags.delete(db, alice, "orphan")
    assert deleted == {
        "tag": "orphan",
        "description": None,
        "position": None,
        "created_at": None,
        "count": 0,
    }
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["keep"]


def test_delete_is_per_user(db, alice, bob):
    bobs = conversations.create(db, bob, tags=["t"])
    tags.create(db, bob, "t")
    with pytest.raises(NotFound):
        tags.delete(db, alice, "t")
    assert conversations.get(db, bob, bobs["_id"])["tags"] == ["t"]
    assert order(db, bob) == [("t", 1)]


def test_delete_returns_the_document_it_removed(db, alice):
    tags.create(db, alice, "t", description="d")
    deleted = tags.delete(db, alice, "t")
    assert (deleted["tag"], deleted["description"], deleted["position"]) == ("t", "d", 1)
    assert deleted["count"] == 0
    assert db.tags.count_documents({}) == 0


def test_delete_rejects_a_bad_name(db, alice):
    with pytest.raises(Invalid):
        tags.delete(db, alice, "  ")


# --- add_to_conversation / set_for_conversation / ensure ----------------------------------------


def test_add_to_conversation_creates_the_document_once(db, alice):
    conv = conversations.create(db, alice)
    updated = tags.add_to_conversation(db, alice, conv["_id"], " ai ")
    assert updated["tags"] == ["ai"]
    tags.add_to_conversation(db, alice, conv["_id"], "ai")
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["ai"]
    assert order(db, alice) == [("ai", 1)]


def test_add_to_a_deleted_conversation_is_not_found(db, alice):
    conv = conversations.create(db, alice)
    deletion.soft_delete(db, alice, conv["_id"])
    with pytest.raises(NotFound):
        tags.add_to_conversation(db, alice, conv["_id"], "ai")
    assert db.tags.count_documents({}) == 0


def test_set_for_conversation_replaces_and_keeps_unused_documents(db, alice):
    conv = conversations.create(db, alice, tags=["a"])
    tags.set_for_conversation(db, alice, conv["_id"], ["a", "b"])
    assert tags.set_for_conversation(db, alice, conv["_id"], ["c"]) == ["c"]
    assert {t["tag"]: t["count"] for t in tags.list_tags(db, alice)} == {"a": 0, "b": 0, "c": 1}


def test_set_for_conversation_with_bad_tags_changes_nothing(db, alice, bob):
    conv = conversations.create(db, alice, tags=["a"])
    with pytest.raises(Invalid):
        tags.set_for_conversation(db, alice, conv["_id"], "a,b")
    with pytest.raises(NotOwned):
        tags.set_for_conversation(db, bob, conv["_id"], ["x"])
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["a"]
    assert db.tags.count_documents({}) == 0


def test_ensure_creates_only_missing_documents_in_order(db, alice):
    tags.create(db, alice, "b", description="kept")
    tags.ensure(db, alice, ["a", "b", "c"])
    assert order(db, alice) == [("b", 1), ("a", 2), ("c", 3)]
    assert db.tags.find_one({"tag": "b"})["description"] == "kept"
