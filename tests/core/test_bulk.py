"""Core bulk actions: per-id outcomes, idempotent repeats, scope, races."""

import pytest

from app.core import bulk, conversations, deletion
from app.core.errors import Invalid


@pytest.fixture
def three(db, alice):
    return [conversations.create(db, alice, title=f"c{i}")["_id"] for i in range(3)]


def status_of(db, conversation_id):
    return db.conversations.find_one({"_id": conversation_id})["status"]


def test_outcome_counts_and_reasons(db, alice, bob, three):
    foreign = conversations.create(db, bob)["_id"]
    outcome = bulk.run(db, alice, "delete", [*three, foreign, "", three[0]])
    assert (outcome.updated, outcome.failed) == (3, 2)
    assert {f["id"]: f["reason"] for f in outcome.failures} == {
        foreign: "not_found",
        "": "invalid_id",
    }
    assert [status_of(db, i) for i in three] == ["deleted"] * 3
    assert db.conversations.find_one({"_id": three[0]})["deleted_at"] is not None
    assert status_of(db, foreign) == "active"


def test_restore_clears_timestamps(db, alice, three):
    bulk.run(db, alice, "archive", three[:1])
    bulk.run(db, alice, "delete", three[1:2])
    outcome = bulk.run(db, alice, "restore", three)
    assert (outcome.updated, outcome.failed) == (3, 0)
    for conversation_id in three:
        stored = db.conversations.find_one({"_id": conversation_id})
        assert (stored["status"], stored["archived_at"], stored["deleted_at"]) == (
            "active",
            None,
            None,
        )


def test_unchanged_conversations_are_not_rewritten(db, alice, three):
    bulk.run(db, alice, "archive", three[:1])
    before = db.conversations.find_one({"_id": three[0]})["updated_at"]
    assert bulk.run(db, alice, "archive", three[:1]).updated == 1
    assert db.conversations.find_one({"_id": three[0]})["updated_at"] == before


def test_a_conversation_changed_meanwhile_is_reported(db, alice, three, monkeypatch):
    real_update_many = db.conversations.update_many

    def racing_update_many(query, update):
        deletion.soft_delete(db, alice, three[0])  # another request wins the race
        return real_update_many(query, update)

    monkeypatch.setattr(db.conversations, "update_many", racing_update_many)
    outcome = bulk.run(db, alice, "archive", three)
    assert outcome.updated == 2
    assert outcome.failures == [
        {"id": three[0], "reason": "conflict", "message": "the conversation changed meanwhile"}
    ]


@pytest.mark.parametrize(
    "action,ids,tags",
    [
        ("explode", ["a"], None),
        ("archive", [], None),
        ("archive", ["a"] * 1001, None),
        ("tag", ["a"], None),
        ("untag", ["a"], ["  "]),
        ("tag", ["a"], "x"),
    ],
)
def test_invalid_requests(db, alice, action, ids, tags):
    with pytest.raises(Invalid):
        bulk.run(db, alice, action, ids, tags)


def test_admin_scope_reaches_every_user_of_the_workspace(db, alice, bob):
    from app.core.scope import Scope

    ids = [conversations.create(db, alice)["_id"], conversations.create(db, bob)["_id"]]
    outcome = bulk.run(db, Scope.for_admin("root"), "tag", ids, ["audit"])
    assert outcome.updated == 2
    assert all(db.conversations.find_one({"_id": i})["tags"] == ["audit"] for i in ids)
