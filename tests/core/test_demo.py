"""Demo data: the documented users, branches, archived and pinned ones, exact counters,
determinism for a seed, and re-seeding that replaces rather than duplicates."""

import uuid
from datetime import datetime

import pytest

from app.core import conversations, costs, demo, listing, messages
from app.core.clock import ROOT_PARENT_ID
from app.core.scope import Scope
from app.db import connect
from app.indexes import ensure_indexes
from tests.conftest import TEST_MONGO_URI

FIXED_NOW = datetime(2024, 6, 1, 12, 0)


@pytest.fixture(scope="module")
def seeded():
    """One default seed shared by the read-only tests (seeding takes a second or two)."""
    client = connect(TEST_MONGO_URI)
    name = f"colloquy_demo_{uuid.uuid4().hex[:12]}"
    database = client[name]
    ensure_indexes(database)
    summary = demo.seed(database)
    yield database, summary
    client.drop_database(name)
    client.close()


def snapshot(db) -> list[tuple]:
    """Everything a seed decides, without the random ids: conversations and their trees."""
    rows = []
    for conv in db.conversations.find().sort([("user_id", 1), ("created_at", 1), ("title", 1)]):
        tree = list(db.messages.find({"conversation_id": conv["_id"]}).sort("seq", 1))
        seq_of = {m["_id"]: m["seq"] for m in tree}
        rows.append(
            (
                conv["user_id"],
                conv["title"],
                tuple(conv["tags"]),
                conv["model"],
                conv["source"],
                conv["pinned"],
                conv["status"],
                conv["created_at"],
                conv["updated_at"],
                conv["message_count"],
                tuple(
                    (m["seq"], m["role"], m["text"], seq_of.get(m["parent_message_id"]))
                    for m in tree
                ),
            )
        )
    return rows


def by_user(db):
    return {
        u: db.conversations.count_documents({"user_id": u})
        for u in db.conversations.distinct("user_id")
    }


def test_seeds_the_documented_users(seeded):
    db, summary = seeded
    assert demo.DEMO_USERS == ("alice", "bob", "carol")
    assert by_user(db) == {"alice": 16, "bob": 16, "carol": 16}
    assert summary == demo.DemoSummary(3, 48, db.messages.count_documents({}))
    assert db.conversations.distinct("workspace_id") == [demo.DEMO_WORKSPACE]


def test_every_conversation_is_a_real_chat(seeded):
    db, _ = seeded
    for conv in db.conversations.find():
        assert conv["title_source"] == "generated" and conv["tags"]
        assert conv["message_count"] >= 4
        assert conv["updated_at"] == conv["last_message_at"] >= conv["created_at"]
        roots = db.messages.count_documents(
            {"conversation_id": conv["_id"], "parent_message_id": ROOT_PARENT_ID}
        )
        assert roots == 1


def test_archived_and_pinned_ones_follow_their_index(seeded):
    db, _ = seeded
    for user in demo.DEMO_USERS:
        scope = Scope.for_user(user)
        archived = listing.ListFilter(statuses=("archived",))
        assert listing.list_offset(db, scope, archived).total == 3  # indexes 4, 9, 14
        assert listing.list_offset(db, scope, listing.ListFilter(pinned=True)).total == 3
        both = listing.ListFilter(statuses=("archived",), pinned=True)
        assert listing.list_offset(db, scope, both).total == 1  # index 14
    for conv in db.conversations.find({"status": "archived"}):
        assert conv["archived_at"] == conv["last_message_at"]
    assert db.conversations.count_documents({"status": "deleted"}) == 0


def test_some_answers_were_regenerated_as_siblings(seeded):
    db, _ = seeded
    regenerated = list(db.messages.find({"text": {"$regex": "^Another take: "}}))
    assert 5 <= len(regenerated) <= 43
    for sibling in regenerated:
        question = db.messages.find_one({"_id": sibling["parent_message_id"]})
        answers = list(db.messages.find({"parent_message_id": question["_id"]}))
        assert question["role"] == "user"
        assert [a["role"] for a in answers] == ["assistant", "assistant"]
        original = next(a for a in answers if a["_id"] != sibling["_id"])
        assert sibling["text"] == "Another take: " + original["text"]


def test_counters_match_a_recount(seeded):
    db, _ = seeded
    keys = ("message_count", "total_input_tokens", "total_output_tokens", "message_seq")
    for conv in db.conversations.find():
        totals = messages.recount(db, conv["_id"])
        assert {k: conv[k] for k in keys} == {k: totals[k] for k in keys}
        assert conv[costs.TOTAL] == totals[costs.TOTAL]
        assert conv["last_message_at"] == totals["last_message_at"]
        assert conv["latest_message_id"] == totals["latest_message_id"]


def test_the_thread_runs_through_every_turn(seeded):
    db, _ = seeded
    conv = db.conversations.find_one({"user_id": "alice"})
    path = messages.thread(db, Scope.for_user("alice"), conv["_id"])
    turns = len([m for m in path if m["role"] == "user"])
    assert path[0]["parent_message_id"] == ROOT_PARENT_ID
    assert [m["role"] for m in path] == ["user", "assistant"] * turns


def seed_at_fixed_time(db, monkeypatch, **options):
    monkeypatch.setattr(demo, "utcnow", lambda: FIXED_NOW)
    return demo.seed(db, users=("alice", "bob"), conversations_per_user=5, **options)


def test_the_same_seed_gives_the_same_data(db, monkeypatch):
    first = seed_at_fixed_time(db, monkeypatch, random_seed=11)
    before = snapshot(db)
    second = seed_at_fixed_time(db, monkeypatch, random_seed=11)
    assert second == first
    assert snapshot(db) == before
    assert len(before) == 10


def test_another_seed_gives_other_data(db, monkeypatch):
    seed_at_fixed_time(db, monkeypatch, random_seed=11)
    first = snapshot(db)
    seed_at_fixed_time(db, monkeypatch, random_seed=12)
    assert snapshot(db) != first


def test_reseeding_replaces_the_demo_users_data_only(db, monkeypatch):
    outsider = conversations.create(db, Scope.for_user("dave"), tags=["mine"])
    elsewhere = conversations.create(db, Scope.for_user("alice", "acme"))
    db.tags.insert_one({"_id": "t-dave", "workspace_id": "default", "user_id": "dave", "tag": "x"})
    db.tags.insert_one(
        {"_id": "t-alice", "workspace_id": "default", "user_id": "alice", "tag": "y"}
    )
    seed_at_fixed_time(db, monkeypatch)
    first_ids = {c["_id"] for c in db.conversations.find({"user_id": {"$in": ["alice", "bob"]}})}
    messages_after_first = db.messages.count_documents({})
    summary = seed_at_fixed_time(db, monkeypatch)
    demo_ids = {
        c["_id"]
        for c in db.conversations.find(
            {"workspace_id": "default", "user_id": {"$in": ["alice", "bob"]}}
        )
    }
    assert len(demo_ids) == 10 and demo_ids == first_ids - {elsewhere["_id"]}  # stable ids
    assert db.messages.count_documents({}) == messages_after_first == summary.messages
    assert db.conversations.count_documents({"_id": outsider["_id"]}) == 1
    assert db.conversations.count_documents({"_id": elsewhere["_id"]}) == 1
    assert [t["_id"] for t in db.tags.find()] == ["t-dave"]


def test_progress_sees_every_planned_conversation(db, monkeypatch):
    seen = []

    def progress(items):
        for item in items:
            seen.append(item)
            yield item

    seed_at_fixed_time(db, monkeypatch, progress=progress)
    assert seen == [("alice", i) for i in range(5)] + [("bob", i) for i in range(5)]


def test_the_documented_example_ids_name_alices_first_conversation(db):
    demo.seed(db, conversations_per_user=1)
    conversation = db.conversations.find_one({"_id": demo.EXAMPLE_CONVERSATION_ID})
    assert conversation["user_id"] == demo.EXAMPLE_USER == "alice"
    assert demo.EXAMPLE_TAG in conversation["tags"]
    first = db.messages.find_one({"_id": demo.EXAMPLE_MESSAGE_ID})
    assert first["conversation_id"] == conversation["_id"] and first["role"] == "user"
