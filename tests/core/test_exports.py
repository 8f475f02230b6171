"""Exports: Colloquy's format, streamed per user, read back losslessly; GDPR erasure."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from app.core import conversations, exports, importers, lifecycle, messages
from app.core.errors import Forbidden, Invalid
from app.core.messages import NewMessage
from app.core.scope import Scope

COLLECTIONS = ("conversations", "messages", "summaries", "tags", "idempotency_keys")


def build_history(db, scope: Scope) -> dict:
    """Two conversations with branches, pins, tags, metadata, tokens, a summary and tags."""
    trip = conversations.create(
        db,
        scope,
        title="Trip to Lisbon",
        model="gpt-4o",
        endpoint="openAI",
        metadata={"channel": "web", "rating": 4.5},
        tags=["travel", "2024"],
        created_at=datetime(2024, 5, 1, 9, 0, 0, 123000),
    )
    first = messages.append(db, scope, trip["_id"], NewMessage(role="user", text="Plan 3 days"))
    reply = messages.append(
        db,
        scope,
        trip["_id"],
        NewMessage(
            role="assistant",
            text="Day 1: Alfama",
            model="gpt-4o",
            input_tokens=12,
            output_tokens=30,
            cost_cents=0.25,
            token_count=30,
            metadata={"finish_reason": "stop"},
        ),
    )
    messages.append(
        db,
        scope,
        trip["_id"],
        NewMessage(role="assistant", text="Day 1: Belém", parent_message_id=first["_id"]),
    )
    messages.set_pinned(db, scope, trip["_id"], reply["_id"], True)
    conversations.set_pinned(db, scope, trip["_id"], True)
    db.summaries.insert_one(
        {
            "_id": f"summary-{scope.actor_id}",
            "conversation_id": trip["_id"],
            **scope.query(),
            "message_ids": [first["_id"], reply["_id"]],
            "text": "Planning a Lisbon trip.",
            "strategy": "summarization",
            "created_at": datetime(2024, 5, 1, 9, 5),
        }
    )
    compacted = {"$set": {"compacted_by": f"summary-{scope.actor_id}"}}
    db.messages.update_one({"_id": first["_id"]}, compacted)
    old = conversations.create(db, scope, title="Old chat", tags=["travel"])
    messages.append(db, scope, old["_id"], NewMessage(role="user", text="hello"))
    lifecycle.set_archived(db, scope, old["_id"], True)
    for position, tag in enumerate(["travel", "2024"]):
        db.tags.insert_one(
            {
                "_id": f"tag-{scope.actor_id}-{tag}",
                **scope.query(),
                "tag": tag,
                "description": f"about {tag}",
                "position": position,
                "created_at": datetime(2024, 1, 1),
            }
        )
    return trip


def stored(db, user_id: str) -> dict:
    """Every document of a user, without the import bookkeeping and tag ids."""
    result = {}
    for name in COLLECTIONS:
        documents = []
        for document in db[name].find({"user_id": user_id}):
            document.pop("import_batch", None)
            documents.append(document)
        result[name] = sorted(documents, key=lambda d: d["_id"])
    return result


def user_export(db, scope: Scope, fmt: str = "json") -> str:
    return "".join(exports.stream_user_export(db, scope, scope.user_id, fmt))


def test_user_export_round_trips_losslessly(db, alice):
    build_history(db, alice)
    before = stored(db, "alice")
    body = user_export(db, alice)

    erased = exports.erase_user(db, Scope.for_admin("root"), "alice")
    assert (erased.conversations, erased.messages, erased.summaries, erased.tags) == (2, 4, 1, 2)
    report = importers.import_file(db, alice, io.BytesIO(body.encode()))

    assert (report.formats, report.conversations, report.messages) == (("colloquy",), 2, 4)
    assert report.tags == 2
    assert stored(db, "alice") == before


def test_export_document_shape(db, alice):
    trip = build_history(db, alice)
    document = json.loads(user_export(db, alice))
    assert (document["format"], document["version"], document["user_id"]) == (
        "colloquy.export",
        1,
        "alice",
    )
    exported = next(c for c in document["conversations"] if c["id"] == trip["_id"])
    assert exported["title"] == "Trip to Lisbon"
    assert exported["created_at"] == "2024-05-01T09:00:00.123Z"
    assert [m["text"] for m in exported["messages"]] == [
        "Plan 3 days",
        "Day 1: Alfama",
        "Day 1: Belém",
    ]
    assert exported["messages"][1]["is_pinned"] is True
    assert exported["summaries"][0]["text"] == "Planning a Lisbon trip."
    assert [t["tag"] for t in document["tags"]] == ["travel", "2024"]
    assert "import_batch" not in json.dumps(document)


def test_ndjson_has_one_typed_record_per_line(db, alice):
    build_history(db, alice)
    lines = [json.loads(line) for line in user_export(db, alice, "ndjson").splitlines()]
    kinds = [line["type"] for line in lines]
    assert kinds[0] == "header"
    assert kinds.count("conversation") == 2
    assert kinds.count("message") == 4
    assert kinds.count("summary") == 1
    assert kinds[-2:] == ["tag", "tag"]


def test_export_streams_in_many_small_chunks(db, alice):
    build_history(db, alice)
    chunks = list(exports.stream_user_export(db, alice, "alice"))
    assert len(chunks) > 10
    assert max(len(c) for c in chunks) < 2000


def test_export_holds_only_that_users_data(db, alice, bob):
    build_history(db, alice)
    build_history(db, bob)
    document = json.loads(user_export(db, bob))
    assert {c["user_id"] for c in document["conversations"]} == {"bob"}
    assert len(document["conversations"]) == 2


def test_an_empty_user_exports_a_valid_document(db, alice):
    document = json.loads(user_export(db, alice))
    assert (document["conversations"], document["tags"]) == ([], [])


def test_only_the_user_or_an_admin_may_export(db, alice):
    with pytest.raises(Forbidden):
        exports.user_scope(alice, "bob")
    admin = exports.user_scope(Scope.for_admin("root"), "bob")
    assert admin.user_id == "bob"
    with pytest.raises(Invalid):
        exports.user_scope(alice, {"$gt": ""})
    with pytest.raises(Invalid):
        exports.stream_user_export(db, alice, "alice", "xml")
    with pytest.raises(Forbidden):
        exports.stream_user_export(db, alice, "bob")


def test_reimporting_an_export_into_the_same_account_skips_it(db, alice):
    build_history(db, alice)
    before = stored(db, "alice")
    body = user_export(db, alice).encode()
    report = importers.import_file(db, alice, io.BytesIO(body))
    assert (report.conversations, report.skipped, report.tags) == (0, 2, 0)
    assert stored(db, "alice") == before


def test_duplicating_an_export_gives_fresh_ids_with_references_repointed(db, alice):
    trip = build_history(db, alice)
    body = user_export(db, alice).encode()
    report = importers.import_file(db, alice, io.BytesIO(body), duplicates=True)
    assert report.conversations == 2
    copy = db.conversations.find_one({"title": "Trip to Lisbon", "_id": {"$ne": trip["_id"]}})
    copied = list(db.messages.find({"conversation_id": copy["_id"]}).sort("seq"))
    ids = {m["_id"] for m in copied}
    assert copy["latest_message_id"] in ids
    assert copied[1]["parent_message_id"] == copied[0]["_id"]
    assert copied[2]["parent_message_id"] == copied[0]["_id"]
    summary = db.summaries.find_one({"conversation_id": copy["_id"]})
    assert summary["_id"] != "summary-alice"
    assert set(summary["message_ids"]) <= ids
    assert copied[0]["compacted_by"] == summary["_id"]


def test_another_users_export_imports_under_fresh_ids(db, alice, bob):
    build_history(db, alice)
    body = user_export(db, alice).encode()
    report = importers.import_file(db, bob, io.BytesIO(body))
    assert report.conversations == 2
    assert db.conversations.count_documents({"user_id": "bob"}) == 2
    assert db.conversations.count_documents({"user_id": "alice"}) == 2


def test_single_conversation_export(db, alice):
    trip = build_history(db, alice)
    document = exports.export_conversation(db, alice, trip["_id"])
    assert [c["id"] for c in document["conversations"]] == [trip["_id"]]
    assert [t["tag"] for t in document["tags"]] == ["travel", "2024"]
    assert len(document["conversations"][0]["messages"]) == 3


def test_erasure_is_admin_only_and_leaves_others(db, alice, bob):
    build_history(db, alice)
    build_history(db, bob)
    with pytest.raises(Forbidden):
        exports.erase_user(db, alice, "alice")
    erased = exports.erase_user(db, Scope.for_admin("root"), "bob")
    assert erased.as_dict() == {
        "user_id": "bob",
        "conversations": 2,
        "messages": 4,
        "summaries": 1,
        "tags": 2,
        "idempotency_keys": 0,
    }
    assert all(db[name].count_documents({"user_id": "bob"}) == 0 for name in COLLECTIONS)
    assert db.messages.count_documents({"user_id": "alice"}) == 4


def test_erasure_stays_in_the_admins_workspace(db):
    elsewhere = Scope.for_user("bob", "acme")
    build_history(db, elsewhere)
    erased = exports.erase_user(db, Scope.for_admin("root"), "bob")
    assert erased.conversations == 0
    assert db.conversations.count_documents({"user_id": "bob"}) == 2


def test_ndjson_export_round_trips_losslessly_too(db, alice):
    build_history(db, alice)
    before = stored(db, "alice")
    body = user_export(db, alice, "ndjson")
    exports.erase_user(db, Scope.for_admin("root"), "alice")
    report = importers.import_file(db, alice, io.BytesIO(body.encode()))
    assert (report.formats, report.conversations, report.messages) == (
        ("colloquy-ndjson",),
        2,
        4,
    )
    assert stored(db, "alice") == before


@pytest.mark.parametrize(
    "lines,match",
    [
        (['{"type": "message", "id": "m", "conversation_id": "c"}'], "unrecognised"),
        (
            [
                '{"type": "header", "format": "colloquy.export", "version": 1}',
                '{"type": "message", "id": "m", "conversation_id": "c"}',
            ],
            "line 2: field 'conversation_id'",
        ),
        (
            [
                '{"type": "header", "format": "colloquy.export", "version": 1}',
                '{"type": "party", "id": "x"}',
            ],
            "line 2: field 'type'",
        ),
    ],
)
def test_bad_ndjson_exports(db, alice, lines, match):
    with pytest.raises(Invalid, match=match):
        importers.import_file(db, alice, io.BytesIO("\n".join(lines).encode()))
    assert db.conversations.count_documents({}) == 0


def test_imported_tags_go_after_the_users_own(db, alice, bob):
    build_history(db, alice)
    body = user_export(db, alice).encode()
    db.tags.insert_one({"_id": "t-bob", **bob.query(), "tag": "mine", "position": 0})
    report = importers.import_file(db, bob, io.BytesIO(body))
    assert report.tags == 2
    positions = {t["tag"]: t["position"] for t in db.tags.find(bob.query())}
    assert positions == {"mine": 0, "travel": 1, "2024": 2}
    assert not any(t["_id"].startswith("tag-alice") for t in db.tags.find(bob.query()))
