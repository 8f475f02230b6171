"""The store: a client from ``MONGO_URI`` and the indexes every query relies on.

``mongodb://`` / ``mongodb+srv://`` opens a real server (short timeouts, so an
unreachable store fails fast); ``mongomock://`` opens the embedded in-process
store used for development and tests.
"""

from __future__ import annotations

import functools
import logging
import threading

import mongomock
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, MongoClient

log = logging.getLogger(__name__)

EMBEDDED_SCHEME = "mongomock://"
SERVER_TIMEOUT_MS = 2000


def is_embedded(uri: str) -> bool:
    return uri.startswith(EMBEDDED_SCHEME)


# mongomock applies a write as read-then-modify without a lock, so two threads can both
# pass a find_one_and_update's condition or hand out the same counter value. MongoDB makes
# each single-document write atomic; one process-wide lock gives the embedded store that.
_EMBEDDED_WRITES = (
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
    "delete_one",
    "delete_many",
    "bulk_write",
)


class EmbeddedWrites:
    """The lock every mongomock write takes, and how many writes it has let through.

    A snapshot of the embedded store (``app.embedded``) holds the lock while it reads,
    so it sees no half-applied write, and compares counts to know whether to save.
    """

    lock = threading.RLock()
    count = 0


def _serialise_embedded_writes() -> None:
    """Make each mongomock write atomic with respect to the others (idempotent)."""
    for name in _EMBEDDED_WRITES:
        original = getattr(mongomock.Collection, name)
        if getattr(original, "serialised", False):
            continue

        @functools.wraps(original)
        def serialised(self, *args, _original=original, **kwargs):
            with EmbeddedWrites.lock:
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    EmbeddedWrites.count += 1

        serialised.serialised = True
        setattr(mongomock.Collection, name, serialised)


def connect(uri: str):
    """A client for ``uri``: mongomock for ``mongomock://``, pymongo otherwise."""
    if is_embedded(uri):
        _serialise_embedded_writes()
        return mongomock.MongoClient(tz_aware=False)
    return MongoClient(
        uri,
        serverSelectionTimeoutMS=SERVER_TIMEOUT_MS,
        connectTimeoutMS=SERVER_TIMEOUT_MS,
        socketTimeoutMS=30_000,
        tz_aware=False,
        uuidRepresentation="standard",
        appname="colloquy",
    )


def _scoped(*keys: tuple[str, int], name: str, **options) -> IndexModel:
    """An index led by the scope fields, then ``keys`` (equality, then sort, then _id)."""
    return IndexModel(
        [("workspace_id", ASCENDING), ("user_id", ASCENDING), *keys], name=name, **options
    )


# Each index names the query that needs it; docs/indexes.md explains them.
INDEXES: dict[str, list[IndexModel]] = {
    "conversations": [
        # lists sorted by updated_at / created_at / title with a status filter (keyset pages)
        _scoped(
            ("status", ASCENDING),
            ("updated_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_status_updated",
        ),
        _scoped(
            ("status", ASCENDING),
            ("created_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_status_created",
        ),
        _scoped(
            ("status", ASCENDING),
            ("title", ASCENDING),
            ("_id", ASCENDING),
            name="scope_status_title",
        ),
        # tag filter and tag counts (aggregation over the user's conversations)
        _scoped(("tags", ASCENDING), name="scope_tags"),
        # admin lists across the workspace, and workspace-wide stats
        IndexModel(
            [
                ("workspace_id", ASCENDING),
                ("status", ASCENDING),
                ("updated_at", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="workspace_updated",
        ),
        # SEARCH_BACKEND=text: word search over titles (workspace-prefixed text index)
        IndexModel([("workspace_id", ASCENDING), ("title", TEXT)], name="workspace_title_text"),
        # a user's export streams their conversations in _id order
        _scoped(("_id", ASCENDING), name="scope_id"),
        # re-import detection: has this user imported that source conversation before?
        _scoped(
            ("import_source.format", ASCENDING),
            ("import_source.id", ASCENDING),
            name="scope_import_source",
        ),
    ],
    "messages": [
        # a conversation's messages in order; the unique pair also guards seq
        IndexModel([("conversation_id", ASCENDING), ("seq", ASCENDING)], name="conversation_seq"),
        # children of a message (forks, tree walks)
        IndexModel(
            [("conversation_id", ASCENDING), ("parent_message_id", ASCENDING)],
            name="conversation_parent",
        ),
        # per-user exports, erasure, search and stats by day
        _scoped(("created_at", ASCENDING), name="scope_created"),
        # SEARCH_BACKEND=text: word search over message text
        IndexModel([("workspace_id", ASCENDING), ("text", TEXT)], name="workspace_text_text"),
    ],
    "summaries": [
        IndexModel(
            [("conversation_id", ASCENDING), ("created_at", ASCENDING)], name="conversation_created"
        ),
        # a conversation's summaries in compaction order; the latest one (compaction, context)
        IndexModel(
            [("conversation_id", ASCENDING), ("number", ASCENDING)], name="conversation_number"
        ),
    ],
    "idempotency_keys": [
        # one record per (workspace, user, conversation, key): a duplicate append finds it
        _scoped(
            ("conversation_id", ASCENDING), ("key", ASCENDING), name="scope_key_unique", unique=True
        ),
        # keys are remembered for a day
        IndexModel([("created_at", ASCENDING)], name="created_ttl", expireAfterSeconds=86_400),
    ],
    "tags": [
        _scoped(("tag", ASCENDING), name="scope_tag_unique", unique=True),
        _scoped(("position", ASCENDING), name="scope_position"),
    ],
}


def ensure_indexes(db) -> list[str]:
    """Create every declared index; safe to run any number of times."""
    created = []
    for collection, models in INDEXES.items():
        created.extend(db[collection].create_indexes(models))
    return created
