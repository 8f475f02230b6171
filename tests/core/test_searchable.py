"""The stored ``words`` follow every write of a title or a message's text; documents
stored without them get them from the start-up backfill."""

import io
import json

from app.core import (
    conversations,
    exports,
    forking,
    importers,
    message_edits,
    messages,
    search,
    searchable,
    titles,
)
from app.core.messages import NewMessage


def words(db, collection, document_id):
    return db[collection].find_one({"_id": document_id})["words"]


def found(db, scope, text):
    return set(search.find_matches(db, scope, text).query()["_id"]["$in"])


def test_appends_and_new_conversations_store_words(db, alice):
    convo = conversations.create(db, alice, title="Café Plans")
    said = messages.append(db, alice, convo["_id"], NewMessage("user", text="Hello, WORLD"))
    assert words(db, "conversations", convo["_id"]) == ["cafe", "plans"]
    assert words(db, "messages", said["_id"]) == ["hello", "world"]
    default = conversations.create(db, alice)
    assert words(db, "conversations", default["_id"]) == ["new", "chat"]


def test_words_come_from_content_parts_when_there_is_no_text(db, alice):
    convo = conversations.create(db, alice)
    parts = [{"type": "text", "text": "Rollout"}, {"type": "think", "think": "hidden"}]
    said = messages.append(db, alice, convo["_id"], NewMessage("assistant", content=parts))
    assert words(db, "messages", said["_id"]) == ["rollout"]


def test_renames_and_updates_keep_title_words_current(db, alice):
    convo = conversations.create(db, alice, title="old name")
    conversations.rename(db, alice, convo["_id"], "Kubernetes Rollout")
    assert words(db, "conversations", convo["_id"]) == ["kubernetes", "rollout"]
    conversations.update(db, alice, convo["_id"], title="Postgres")
    assert found(db, alice, "postgres") == {convo["_id"]}
    assert found(db, alice, "kubernetes") == set()


def test_generated_titles_store_words(db, alice):
    convo = conversations.create(db, alice)
    messages.append(db, alice, convo["_id"], NewMessage("user", text="x"))
    messages.append(db, alice, convo["_id"], NewMessage("assistant", text="y"))
    assert titles.generate_if_due(db, alice, convo["_id"], lambda _: "Über Lisbon") is not None
    assert words(db, "conversations", convo["_id"]) == ["uber", "lisbon"]


def test_message_edits_keep_words_current(db, alice):
    convo = conversations.create(db, alice)
    parts = [{"type": "text", "text": "first draft"}]
    said = messages.append(db, alice, convo["_id"], NewMessage("user", content=parts))
    message_edits.edit_part(db, alice, convo["_id"], said["_id"], 0, "Second Draft")
    assert words(db, "messages", said["_id"]) == ["second", "draft"]
    message_edits.edit_text(db, alice, convo["_id"], said["_id"], "Third")
    assert words(db, "messages", said["_id"]) == ["third"]
    assert found(db, alice, "first") == set() and found(db, alice, "third") == {convo["_id"]}


def test_forks_and_duplicates_carry_words(db, alice):
    convo = conversations.create(db, alice, title="Origin")
    said = messages.append(db, alice, convo["_id"], NewMessage("user", text="shared words"))
    db.messages.update_one({"_id": said["_id"]}, {"$unset": {"words": ""}})  # stored before
    copy = forking.duplicate(db, alice, convo["_id"], title="Copy Title")
    assert words(db, "conversations", copy.conversation["_id"]) == ["copy", "title"]
    assert words(db, "messages", copy.messages[0]["_id"]) == ["shared", "words"]


def test_exports_leave_words_out_and_imports_derive_them(db, alice, bob):
    convo = conversations.create(db, alice, title="Lisbon trip")
    messages.append(db, alice, convo["_id"], NewMessage("user", text="Museums"))
    body = "".join(exports.stream_user_export(db, alice, "alice"))
    assert '"words"' not in body
    forged = json.loads(body)
    forged["conversations"][0]["words"] = ["forged"]
    forged["conversations"][0]["messages"][0]["words"] = ["forged"]
    importers.import_file(db, bob, io.BytesIO(json.dumps(forged).encode()))
    assert found(db, bob, "lisbon") and found(db, bob, "museums")
    assert found(db, bob, "forged") == set()


def stored_before_words(db, scope, title, text):
    """A conversation and message as an earlier version stored them (no ``words``)."""
    convo = conversations.create(db, scope, title=title)
    messages.append(db, scope, convo["_id"], NewMessage("user", text=text))
    db.messages.update_many({"conversation_id": convo["_id"]}, {"$unset": {"words": ""}})
    db.conversations.update_one({"_id": convo["_id"]}, {"$unset": {"words": ""}})
    return convo


def test_backfill_gives_words_to_documents_stored_before(db, alice):
    old = [stored_before_words(db, alice, f"Old {i}", f"rollout number {i}") for i in range(5)]
    assert found(db, alice, "rollout") == set()
    assert searchable.backfill(db, batch=2) == 10
    assert found(db, alice, "rollout") == {c["_id"] for c in old}
    assert found(db, alice, "old 3") == {old[3]["_id"]}


def test_backfill_runs_once_and_never_overwrites(db, alice):
    convo = stored_before_words(db, alice, "Before", "text")
    db.conversations.update_one({"_id": convo["_id"]}, {"$set": {"words": ["kept"]}})
    assert searchable.backfill(db) == 1  # only the message lacked words
    assert words(db, "conversations", convo["_id"]) == ["kept"]
    later = stored_before_words(db, alice, "After", "text")
    assert searchable.backfill(db) == 0  # finished: later starts skip it
    assert "words" not in db.conversations.find_one({"_id": later["_id"]})


def test_the_app_backfills_at_start(app, app_db):
    from app.core.scope import Scope
    from app.extensions import mongo

    alice = Scope.for_user("alice")
    app_db.migrations.delete_many({})
    convo = stored_before_words(app_db, alice, "Legacy Title", "legacy text")
    store = app.extensions["mongo"]
    store.indexes_ready = False
    mongo.ensure_indexes(app)
    assert found(app_db, alice, "legacy title") == {convo["_id"]}


def test_an_empty_store_is_left_as_it_is(db):
    assert searchable.backfill(db) == 0
    assert db.migrations.count_documents({}) == 0
