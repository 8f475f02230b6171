"""Core conversations through their life: new documents, updates, status moves, patch, deletes."""

from datetime import timedelta

import pytest

from app.core import conversations, deletion, lifecycle, messages, validation
from app.core.clock import utcnow
from app.core.errors import Conflict, Invalid, NotFound, NotOwned
from app.core.scope import Scope
from tests.builders import titled

New = messages.NewMessage
ADMIN = Scope.for_admin("root")


def status_of(db, scope, conversation_id):
    return conversations.get(db, scope, conversation_id)["status"]


# --- new_document -----------------------------------------------------------------------


def test_new_document_is_checked_but_not_stored(db, alice):
    document = conversations.new_document(alice, title=" Plan ", tags=["a", "a"], source=" cli ")
    assert (document["title"], document["title_source"]) == ("Plan", "user")
    assert document["tags"] == ["a"]
    assert document["source"] == "cli"
    assert (document["user_id"], document["workspace_id"]) == ("alice", "default")
    assert document["pinned"] is False and document["forked_from"] is None
    assert db.conversations.count_documents({}) == 0


def test_new_document_keeps_a_given_creation_time_and_id(alice):
    created = utcnow() - timedelta(days=3)
    document = conversations.new_document(
        alice, conversation_id="client-id", created_at=created, title_source="imported"
    )
    assert document["_id"] == "client-id"
    assert document["created_at"] == document["updated_at"] == created
    assert (document["title"], document["title_source"]) == ("New Chat", "imported")


@pytest.mark.parametrize("source", ["", "   ", 7, "s" * 65])
def test_new_document_rejects_bad_sources(alice, source):
    with pytest.raises(Invalid):
        conversations.new_document(alice, source=source)


@pytest.mark.parametrize("conversation_id", [{"$ne": 1}, "x" * 201, 12])
def test_new_document_rejects_bad_ids(alice, conversation_id):
    with pytest.raises(Invalid):
        conversations.new_document(alice, conversation_id=conversation_id)


@pytest.mark.parametrize("tags", ["ai", [1], [f"t{i}" for i in range(101)], ["x" * 129]])
def test_bad_tags_are_invalid(alice, tags):
    with pytest.raises(Invalid):
        validation.clean_tags(tags)


def test_clean_tags_accepts_the_limits():
    names = [f"t{i}" for i in range(100)]
    assert validation.clean_tags(names) == names
    assert validation.clean_tags(("x" * 128,)) == ["x" * 128]


def test_metadata_patch_must_be_an_object():
    with pytest.raises(Invalid):
        validation.merge_metadata({"a": 1}, ["a"])
    assert validation.merge_metadata({"a": 1}, {"missing": None}) == {"a": 1}


# --- get / update --------------------------------------------------------------------------


def test_get_live_refuses_soft_deleted_but_get_returns_it(db, alice):
    conv = conversations.create(db, alice)
    deletion.soft_delete(db, alice, conv["_id"])
    assert conversations.get(db, alice, conv["_id"])["status"] == "deleted"
    with pytest.raises(NotFound):
        conversations.get_live(db, alice, conv["_id"])


def test_update_without_changes_returns_the_conversation_untouched(db, alice):
    conv = conversations.create(db, alice, title="same")
    unchanged = conversations.update(db, alice, conv["_id"])
    assert unchanged["updated_at"] == conv["updated_at"]
    assert unchanged["title"] == "same"


def test_update_merges_settings_key_by_key(db, alice):
    conv = conversations.create(db, alice, settings={"temperature": 1, "top_p": 0.9})
    updated = conversations.update(db, alice, conv["_id"], settings={"temperature": 0.2})
    assert updated["settings"] == {"temperature": 0.2, "top_p": 0.9}
    with pytest.raises(Invalid):
        conversations.update(db, alice, conv["_id"], settings={"a.b": 1})
    with pytest.raises(Invalid):
        conversations.update(db, alice, conv["_id"], settings={"$set": 1})
    assert conversations.get(db, alice, conv["_id"])["settings"]["temperature"] == 0.2


def test_update_replaces_tags_and_sets_user_title(db, alice):
    conv = conversations.create(db, alice, tags=["a", "b"])
    updated = conversations.update(db, alice, conv["_id"], title=" T ", tags=["c", " c "])
    assert (updated["title"], updated["title_source"], updated["tags"]) == ("T", "user", ["c"])


def test_update_of_another_users_conversation_is_not_owned(db, alice, bob):
    conv = conversations.create(db, alice, metadata={"k": 1})
    with pytest.raises(NotOwned):
        conversations.update(db, bob, conv["_id"], metadata={"k": 2})
    assert conversations.get(db, alice, conv["_id"])["metadata"] == {"k": 1}


# --- set_status / patch ------------------------------------------------------------------


def test_set_status_moves_between_every_state(db, alice):
    conv = conversations.create(db, alice)
    archived = lifecycle.set_status(db, alice, conv["_id"], "archived")
    assert archived["status"] == "archived" and archived["archived_at"] is not None
    deleted = lifecycle.set_status(db, alice, conv["_id"], "deleted")
    assert deleted["status"] == "deleted" and deleted["deleted_at"] is not None
    active = lifecycle.set_status(db, alice, conv["_id"], "active")
    assert (active["status"], active["deleted_at"], active["archived_at"]) == (
        "active",
        None,
        None,
    )


def test_set_status_rejects_unknown_states(db, alice):
    conv = conversations.create(db, alice)
    with pytest.raises(Invalid):
        lifecycle.set_status(db, alice, conv["_id"], "purged")
    assert status_of(db, alice, conv["_id"]) == "active"


def test_a_deleted_conversation_cannot_be_archived(db, alice):
    conv = conversations.create(db, alice)
    deletion.soft_delete(db, alice, conv["_id"])
    with pytest.raises(NotFound):
        lifecycle.set_status(db, alice, conv["_id"], "archived")
    assert status_of(db, alice, conv["_id"]) == "deleted"


def test_set_status_on_others_or_missing(db, alice, bob):
    conv = conversations.create(db, alice)
    with pytest.raises(NotOwned):
        lifecycle.set_status(db, bob, conv["_id"], "deleted")
    with pytest.raises(NotFound):
        lifecycle.set_status(db, alice, "no-such-id", "archived")
    assert status_of(db, alice, conv["_id"]) == "active"


def test_patch_restores_before_changing_fields(db, alice):
    conv = conversations.create(db, alice, title="old")
    deletion.soft_delete(db, alice, conv["_id"])
    patched = conversations.patch(db, alice, conv["_id"], status="active", title="back")
    assert (patched["status"], patched["title"]) == ("active", "back")


def test_patch_changes_fields_then_archives_or_deletes(db, alice):
    first = conversations.create(db, alice, tags=["x"])
    archived = conversations.patch(db, alice, first["_id"], status="archived", tags=["y"])
    assert (archived["status"], archived["tags"]) == ("archived", ["y"])
    second = conversations.create(db, alice)
    deleted = conversations.patch(db, alice, second["_id"], status="deleted", title="gone")
    assert (deleted["status"], deleted["title"]) == ("deleted", "gone")


def test_patch_to_the_current_status_keeps_its_timestamp(db, alice):
    conv = conversations.create(db, alice)
    archived = lifecycle.set_archived(db, alice, conv["_id"], True)
    again = conversations.patch(db, alice, conv["_id"], status="archived")
    assert again["archived_at"] == archived["archived_at"]
    assert again["status"] == "archived"


def test_patch_of_a_deleted_conversation_without_restore_is_not_found(db, alice):
    conv = conversations.create(db, alice, title="kept")
    deletion.soft_delete(db, alice, conv["_id"])
    with pytest.raises(NotFound):
        conversations.patch(db, alice, conv["_id"], title="changed")
    assert conversations.get(db, alice, conv["_id"])["title"] == "kept"


def test_patch_with_an_unknown_status_changes_nothing(db, alice):
    conv = conversations.create(db, alice, title="kept")
    with pytest.raises(Invalid):
        conversations.patch(db, alice, conv["_id"], status="purged", title="changed")
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["title"], stored["status"]) == ("kept", "active")


# --- soft_delete / hard_delete / archive_all ------------------------------------------------


def with_messages(db, scope, n=2, **options):
    conv = conversations.create(db, scope, **options)
    for i in range(n):
        messages.append(db, scope, conv["_id"], New(role="user", text=f"m{i}"))
    return conv


def test_soft_delete_of_another_users_conversation_is_not_owned(db, alice, bob):
    conv = conversations.create(db, alice)
    with pytest.raises(NotOwned):
        deletion.soft_delete(db, bob, conv["_id"])
    assert status_of(db, alice, conv["_id"]) == "active"


def test_hard_delete_one_erases_any_status_with_what_hangs_off_it(db, alice):
    conv = with_messages(db, alice, n=2)
    deletion.soft_delete(db, alice, conv["_id"])
    db.summaries.insert_one({"conversation_id": conv["_id"], **alice.query()})
    db.idempotency_keys.insert_one(
        {"_id": "k1", "workspace_id": "default", "user_id": "root", "conversation_id": conv["_id"]}
    )
    erased = deletion.hard_delete(db, alice, [conv["_id"]], must_exist=True)
    assert (erased.conversations, erased.messages) == (1, 2)
    assert db.summaries.count_documents({}) == 0
    assert db.idempotency_keys.count_documents({}) == 0
    with pytest.raises(NotFound):
        conversations.get(db, alice, conv["_id"])


def test_hard_delete_one_refuses_others_and_missing(db, alice, bob):
    conv = with_messages(db, alice, n=1)
    with pytest.raises(NotOwned):
        deletion.hard_delete(db, bob, [conv["_id"]], must_exist=True)
    with pytest.raises(NotFound):
        deletion.hard_delete(db, alice, ["no-such-id"], must_exist=True)
    with pytest.raises(Invalid):
        deletion.hard_delete(db, alice, [{"$ne": None}], must_exist=True)
    assert db.messages.count_documents({}) == 1


def test_hard_delete_of_nothing_deletes_nothing(db, alice):
    assert deletion.hard_delete(db, alice, []) == deletion.Deleted(0, 0)
    assert deletion.hard_delete_all(db, alice) == deletion.Deleted(0, 0)


def test_archive_all_archives_only_active_conversations_of_the_scope(db, alice, bob):
    active = titled(db, alice, "a", "b")
    archived = conversations.create(db, alice)
    lifecycle.set_archived(db, alice, archived["_id"], True)
    before = conversations.get(db, alice, archived["_id"])["archived_at"]
    deleted = conversations.create(db, alice)
    deletion.soft_delete(db, alice, deleted["_id"])
    bobs = conversations.create(db, bob)
    assert lifecycle.archive_all(db, alice) == 2
    assert [status_of(db, alice, i) for i in active] == ["archived", "archived"]
    assert conversations.get(db, alice, archived["_id"])["archived_at"] == before
    assert status_of(db, alice, deleted["_id"]) == "deleted"
    assert status_of(db, bob, bobs["_id"]) == "active"
    assert lifecycle.archive_all(db, alice) == 0


def test_restore_brings_back_archived_too(db, alice):
    conv = conversations.create(db, alice)
    lifecycle.set_archived(db, alice, conv["_id"], True)
    restored = lifecycle.set_status(db, alice, conv["_id"], "active")
    assert (restored["status"], restored["archived_at"]) == ("active", None)


def test_add_tags_to_a_deleted_conversation_is_not_found(db, alice):
    conv = conversations.create(db, alice, tags=["a"])
    deletion.soft_delete(db, alice, conv["_id"])
    with pytest.raises(NotFound):
        conversations.add_tags(db, alice, conv["_id"], ["b"])
    assert conversations.get(db, alice, conv["_id"])["tags"] == ["a"]


def test_a_duplicate_id_in_another_workspace_still_conflicts(db, alice):
    conversations.create(db, alice, conversation_id="shared")
    with pytest.raises(Conflict):
        conversations.create(db, Scope.for_user("alice", "acme"), conversation_id="shared")
