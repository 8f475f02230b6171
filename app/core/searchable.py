"""The ``words`` field search matches: derived from a message's text and a conversation's
title, and filled in for documents stored before the field existed.

Every write of a message's ``text`` or a conversation's ``title`` sets ``words`` beside it
from ``words_field`` (the only place that derives it), so the field always
follows the text. It is internal: no response or export carries it.

``backfill`` gives ``words`` to documents that lack it (stored by an earlier version). It
runs where the indexes are ensured, at start: it walks each collection in ``_id`` order
in batches of ``BATCH``, writes each document only if it still lacks the field (so a
concurrent edit is never overwritten and a second run changes nothing), and then records
that it finished in ``migrations``, so later starts skip it with one lookup. An empty
store is left as it is (nothing to fill in, nothing recorded: a command run on a fresh
store writes nothing).
"""

from __future__ import annotations

from .clock import utcnow
from .store import Db, DocumentCollection
from .words import words_of

FIELD = "words"
BACKFILL_ID = "words"
BATCH = 500
SOURCES = {"messages": "text", "conversations": "title"}  # collection -> field words come from


def words_field(text: str | None) -> dict:
    """``{"words": …}`` for a message whose text, or a conversation whose title, is ``text``."""
    return {FIELD: words_of(text)}


def backfill(db: Db, batch: int = BATCH) -> int:
    """Give ``words`` to every stored message and conversation that lacks it (module doc);
    how many documents were written (0 once it has finished)."""
    if db.migrations.find_one({"_id": BACKFILL_ID}, {"_id": 1}) is not None:
        return 0
    if db.conversations.find_one({}, {"_id": 1}) is None:
        return 0  # no conversation, no message: every document to come carries words
    written = sum(_backfill(db[name], source, batch) for name, source in SOURCES.items())
    db.migrations.update_one(
        {"_id": BACKFILL_ID}, {"$setOnInsert": {"finished_at": utcnow()}}, upsert=True
    )
    return written


def _backfill(collection: DocumentCollection, source: str, batch: int) -> int:
    written, after = 0, {"$gte": ""}  # ids are strings
    while True:
        query = {"_id": after, FIELD: {"$exists": False}}
        found = list(collection.find(query, {source: 1}).sort("_id", 1).limit(batch))
        for document in found:
            missing = {"_id": document["_id"], FIELD: {"$exists": False}}
            derived = words_field(document.get(source))
            written += collection.update_one(missing, {"$set": derived}).modified_count
        if len(found) < batch:
            return written
        after = {"$gt": found[-1]["_id"]}
