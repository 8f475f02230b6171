"""Core conversation service: creation, scoping, state changes, deletion."""

from datetime import timedelta

import pytest

from app.core import conversations, deletion, lifecycle, listing, messages
from app.core.clock import utcnow
from app.core.errors import Conflict, Invalid, InvalidField, NotFound, NotOwned
from app.core.pagination import Sort
from app.core.scope import Scope


def test_create_defaults_and_ownership(db, alice):
    conv = conversations.create(db, alice)
    assert conv["title"] == "New Chat"
    assert conv["title_source"] == "default"
    assert conv["user_id"] == "alice"
    assert conv["workspace_id"] == "default"
    assert conv["status"] == "active"
    assert conv["message_count"] == 0
    assert "last_message_at" not in conv
    assert conversations.get(db, alice, conv["_id"])["_id"] == conv["_id"]


def test_title_is_trimmed_and_capped(db, alice):
    conv = conversations.create(db, alice, title="  hello  ")
    assert conv["title"] == "hello"
    full = conversations.rename(db, alice, conv["_id"], "  " + "x" * 1024 + " ")
    assert full["title"] == "x" * 1024
    assert full["title_source"] == "user"
    with pytest.raises(InvalidField) as refused:
        conversations.rename(db, alice, conv["_id"], "x" * 1025)
    assert refused.value.field == "title"
    assert conversations.get(db, alice, conv["_id"])["title"] == "x" * 1024


@pytest.mark.parametrize("bad", ["", "   ", None, 5, {"$gt": ""}])
def test_bad_titles_are_rejected(db, alice, bad):
    conv = conversations.create(db, alice, title="keep")
    with pytest.raises(Invalid):
        conversations.rename(db, alice, conv["_id"], bad)
    assert conversations.get(db, alice, conv["_id"])["title"] == "keep"


def test_other_users_conversation_is_not_owned(db, alice, bob):
    conv = conversations.create(db, alice, title="private")
    with pytest.raises(NotOwned):
        conversations.get(db, bob, conv["_id"])
    with pytest.raises(NotOwned):
        conversations.rename(db, bob, conv["_id"], "stolen")
    assert conversations.get(db, alice, conv["_id"])["title"] == "private"


def test_other_workspace_is_invisible(db, alice):
    conv = conversations.create(db, alice)
    elsewhere = Scope.for_user("alice", "acme")
    with pytest.raises(NotFound):
        conversations.get(db, elsewhere, conv["_id"])
    assert listing.list_offset(db, elsewhere).total == 0


def test_admin_sees_workspace_but_not_other_workspaces(db, alice, bob):
    conversations.create(db, alice)
    conversations.create(db, bob)
    conversations.create(db, Scope.for_user("eve", "acme"))
    admin = Scope.for_admin("root")
    assert listing.list_offset(db, admin).total == 2
    assert listing.list_offset(db, admin.narrowed_to("bob")).total == 1


@pytest.mark.parametrize("bad_id", [{"$gt": ""}, ["a"], 7, "", "x" * 500])
def test_ids_that_are_not_plain_strings_are_invalid(db, alice, bad_id):
    with pytest.raises(Invalid):
        conversations.get(db, alice, bad_id)


def test_archive_unarchive_pin(db, alice):
    conv = conversations.create(db, alice)
    archived = lifecycle.set_archived(db, alice, conv["_id"], True)
    assert archived["status"] == "archived"
    assert archived["archived_at"] is not None
    assert archived["updated_at"] >= conv["updated_at"]
    active = lifecycle.set_archived(db, alice, conv["_id"], False)
    assert (active["status"], active["archived_at"]) == ("active", None)
    assert conversations.set_pinned(db, alice, conv["_id"], True)["pinned"] is True


def test_soft_delete_hides_and_restore_brings_back(db, alice):
    conv = conversations.create(db, alice)
    deletion.soft_delete(db, alice, conv["_id"])
    assert listing.list_offset(db, alice).total == 0
    deleted_only = listing.ListFilter(statuses=("deleted",))
    assert listing.list_offset(db, alice, deleted_only).total == 1
    with pytest.raises(NotFound):
        conversations.rename(db, alice, conv["_id"], "nope")
    restored = lifecycle.set_status(db, alice, conv["_id"], "active")
    assert restored["status"] == "active"
    assert listing.list_offset(db, alice).total == 1


def test_hard_delete_removes_messages_and_only_own(db, alice, bob):
    mine = conversations.create(db, alice)
    theirs = conversations.create(db, bob)
    for conv, scope in ((mine, alice), (theirs, bob)):
        messages.append(db, scope, conv["_id"], messages.NewMessage(role="user", text="hi"))
    result = deletion.hard_delete(db, alice, [mine["_id"], theirs["_id"]])
    assert (result.conversations, result.messages) == (1, 1)
    assert db.messages.count_documents({"conversation_id": theirs["_id"]}) == 1
    assert listing.list_offset(db, bob).total == 1


def test_hard_delete_all_is_scoped(db, alice, bob):
    for _ in range(3):
        conversations.create(db, alice)
    conversations.create(db, bob)
    assert deletion.hard_delete_all(db, alice).conversations == 3
    assert listing.list_offset(db, bob).total == 1


def test_metadata_merge_patch_and_limits(db, alice):
    conv = conversations.create(db, alice, metadata={"a": 1, "b": 2})
    merged = conversations.update(db, alice, conv["_id"], metadata={"b": None, "c": [1]})
    assert merged["metadata"] == {"a": 1, "c": [1]}
    with pytest.raises(Invalid):
        conversations.update(db, alice, conv["_id"], metadata={"$where": 1})
    with pytest.raises(Invalid):
        conversations.update(db, alice, conv["_id"], metadata={"a.b": 1})
    with pytest.raises(Invalid):
        conversations.update(db, alice, conv["_id"], metadata={"big": "x" * 20_000})
    assert conversations.get(db, alice, conv["_id"])["metadata"] == {"a": 1, "c": [1]}


def test_tags_are_cleaned_and_added(db, alice):
    conv = conversations.create(db, alice, tags=[" ai ", "ai", "", "work"])
    assert conv["tags"] == ["ai", "work"]
    added = conversations.add_tags(db, alice, conv["_id"], ["new", "ai"])
    assert added["tags"] == ["ai", "work", "new"]
    with pytest.raises(Invalid):
        conversations.add_tags(db, alice, conv["_id"], ["x" * 200])


def test_duplicate_client_id_conflicts(db, alice):
    conversations.create(db, alice, conversation_id="fixed-id")
    with pytest.raises(Conflict):
        conversations.create(db, alice, conversation_id="fixed-id")


def test_filters(db, alice):
    now = utcnow()
    old = conversations.create(db, alice, source="widget", created_at=now - timedelta(days=10))
    conversations.create(db, alice, source="api", tags=["x"], assistant_id="asst_1", pinned=True)
    by = listing.ListFilter
    assert listing.list_offset(db, alice, by(source="widget")).total == 1
    assert listing.list_offset(db, alice, by(tags=("x",))).total == 1
    assert listing.list_offset(db, alice, by(assistant_id="asst_1")).total == 1
    assert listing.list_offset(db, alice, by(pinned=True)).total == 1
    recent = by(created_after=now - timedelta(days=1))
    assert listing.list_offset(db, alice, recent).total == 1
    older = listing.list_page(db, alice, by(created_before=now - timedelta(days=1)))
    assert [c["_id"] for c in older.items] == [old["_id"]]
    with pytest.raises(Invalid):
        listing.list_offset(db, alice, by(statuses=("bogus",)))


def test_list_limit_bounds(db, alice):
    with pytest.raises(Invalid):
        listing.list_page(db, alice, limit=0)
    with pytest.raises(Invalid):
        listing.list_page(db, alice, limit=101)
    assert listing.list_page(db, alice, sort=Sort("title", "asc")).items == []


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    "metadata",
    [{"n": 2**63}, {"n": [-(2**63) - 1]}, {"n": {"$gt": 1}}, {"n": nested(40)}],
)
def test_metadata_a_bson_document_cannot_hold_is_invalid(db, alice, metadata):
    with pytest.raises(Invalid):
        conversations.create(db, alice, metadata=metadata)
    assert db.conversations.count_documents({}) == 0


def test_metadata_at_the_limits_is_stored(db, alice):
    metadata = {"big": 2**63 - 1, "small": -(2**63), "deep": nested(30)}
    assert conversations.create(db, alice, metadata=metadata)["metadata"] == metadata
