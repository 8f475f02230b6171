"""Exports in Colloquy's own format, and GDPR erasure.

The format, read back losslessly by ``importers.colloquy``::

    {"format": "colloquy.export", "version": 1, "exported_at": "…Z", "user_id": "…",
     "conversations": [{"id": …, <stored fields>, "messages": [...], "summaries": [...]}],
     "tags": [{"tag", "description", "position", "created_at"}]}

Documents are the stored ones with ``_id`` written as ``id`` and datetimes as
ISO 8601 (UTC, milliseconds, ``Z``). A user's export is a generator of text
chunks: conversations and messages are read with cursors and written as they
are read, so memory stays flat whatever the volume. It costs a fixed number of
queries whatever the volume: one cursor each over the user's conversations (by
``_id``), messages and summaries (by conversation, then order), walked together.
NDJSON writes one record per line instead, each with its ``type``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime

from . import conversations
from .clock import require_id, to_iso, utcnow
from .errors import Forbidden, Invalid
from .importers.colloquy import FORMAT_NAME, VERSION
from .scope import Scope
from .searchable import FIELD
from .store import Db

INTERNAL_FIELDS = ("_id", "import_batch", FIELD)  # FIELD: search words, derived again on import
# A conversation with its messages and its summaries, each in stored order.
Runs = tuple[dict, Iterable[dict], Iterable[dict]]
FORMATS = ("json", "ndjson")
USER_COLLECTIONS = (
    "messages",
    "summaries",
    "conversations",
    "tags",
    "idempotency_keys",
    "shares",
)

Progress = Callable[[Iterable], Iterable]


def record(document: dict) -> dict:
    """A stored document as written in an export: ``id`` first, datetimes as text."""
    out = {"id": plain(document["_id"])}
    for key, value in document.items():
        if key not in INTERNAL_FIELDS:
            out[key] = plain(value)
    return out


def plain(value: object) -> object:
    """``value`` as plain JSON: datetimes (at any depth) as ISO 8601, ObjectIds as text."""
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # an ObjectId or another BSON type


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def header(user_id: str | None) -> dict:
    return {
        "format": FORMAT_NAME,
        "version": VERSION,
        "exported_at": to_iso(utcnow()),
        "user_id": user_id,
    }


def export_conversation(db: Db, scope: Scope, conversation_id: object) -> dict:
    """One conversation with all its messages, summaries and the tags it carries."""
    conversation = conversations.get(db, scope, conversation_id)
    owner = scope.narrowed_to(conversation["user_id"]) if scope.is_admin else scope
    tags = db.tags.find({**owner.query(), "tag": {"$in": conversation.get("tags") or []}})
    return {
        **header(conversation["user_id"]),
        "conversations": [_conversation_record(db, conversation)],
        "tags": [record(t) for t in tags.sort([("position", 1)])],
    }


def _conversation_record(db: Db, conversation: dict) -> dict:
    return {
        **record(conversation),
        "messages": [record(m) for m in _messages(db, conversation)],
        "summaries": [record(s) for s in _summaries(db, conversation)],
    }


def _messages(db: Db, conversation: dict) -> Iterable[dict]:
    return db.messages.find({"conversation_id": conversation["_id"]}).sort([("seq", 1)])


def _summaries(db: Db, conversation: dict) -> Iterable[dict]:
    query = {"conversation_id": conversation["_id"]}
    return db.summaries.find(query).sort([("created_at", 1), ("_id", 1)])


def user_scope(scope: Scope, user_id: object) -> Scope:
    """The scope of ``user_id``'s data for this caller (themself, or an admin)."""
    return scope.narrowed_to(require_id(user_id, "user id"))


def count_conversations(db: Db, scope: Scope) -> int:
    return db.conversations.count_documents(scope.query())


def stream_user_export(
    db: Db, scope: Scope, user_id: object, fmt: str = "json", progress: Progress | None = None
) -> Iterator[str]:
    """Every conversation, message, summary and tag of ``user_id``, as text chunks.

    The caller must be that user or an admin of the workspace. Checks happen
    before the first chunk, so a refused export never starts a response.
    """
    if fmt not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}")
    target = user_scope(scope, user_id)
    found = db.conversations.find(target.query()).sort([("_id", 1)])
    items = progress(found) if progress else found
    writer = _ndjson_chunks if fmt == "ndjson" else _json_chunks
    return writer(db, target, _with_children(db, target, items))


class _Runs:
    """A cursor sorted by ``conversation_id``, handed out one conversation's run at a time.

    Conversations are asked for in ascending ``_id`` order, the cursor's order, so
    documents whose conversation is not exported (none should exist) are skipped.
    """

    def __init__(self, cursor: Iterable[dict]) -> None:
        self.cursor = iter(cursor)
        self.next = next(self.cursor, None)

    def of(self, conversation_id: str) -> Iterator[dict]:
        while self.next is not None and self.next["conversation_id"] < conversation_id:
            self.next = next(self.cursor, None)
        while self.next is not None and self.next["conversation_id"] == conversation_id:
            yield self.next
            self.next = next(self.cursor, None)


def _with_children(db: Db, scope: Scope, found: Iterable[dict]) -> Iterator[Runs]:
    """Each conversation with the runs of its messages and summaries (read lazily, in order)."""
    query = scope.query()
    messages = _Runs(db.messages.find(query).sort([("conversation_id", 1), ("seq", 1)]))
    summaries = _Runs(
        db.summaries.find(query).sort([("conversation_id", 1), ("created_at", 1), ("_id", 1)])
    )
    for conversation in found:
        yield conversation, messages.of(conversation["_id"]), summaries.of(conversation["_id"])


def _json_chunks(db: Db, scope: Scope, found: Iterable[Runs]) -> Iterator[str]:
    opening = _dumps(header(scope.user_id))
    yield opening[:-1] + ',"conversations":['
    for index, (conversation, messages, summaries) in enumerate(found):
        head = _dumps(record(conversation))
        yield ("," if index else "") + head[:-1] + ',"messages":['
        yield from _joined(messages)
        yield '],"summaries":['
        yield from _joined(summaries)
        yield "]}"
    yield '],"tags":['
    yield from _joined(_tags(db, scope))
    yield "]}\n"


def _joined(documents: Iterable[dict]) -> Iterator[str]:
    for index, document in enumerate(documents):
        yield ("," if index else "") + _dumps(record(document))


def _tags(db: Db, scope: Scope) -> Iterable[dict]:
    return db.tags.find(scope.query()).sort([("position", 1), ("tag", 1)])


def _ndjson_chunks(db: Db, scope: Scope, found: Iterable[Runs]) -> Iterator[str]:
    yield _dumps({"type": "header", **header(scope.user_id)}) + "\n"
    for conversation, messages, summaries in found:
        yield _dumps({"type": "conversation", **record(conversation)}) + "\n"
        for message in messages:
            yield _dumps({"type": "message", **record(message)}) + "\n"
        for summary in summaries:
            yield _dumps({"type": "summary", **record(summary)}) + "\n"
    for tag in _tags(db, scope):
        yield _dumps({"type": "tag", **record(tag)}) + "\n"


@dataclass(frozen=True)
class Erased:
    """What a GDPR erasure removed."""

    user_id: str
    conversations: int
    messages: int
    summaries: int
    tags: int
    idempotency_keys: int
    shares: int

    def as_dict(self) -> dict:
        return asdict(self)


def erase_user(db: Db, scope: Scope, user_id: object) -> Erased:
    """Delete everything of ``user_id`` in the caller's workspace (admins only).

    Every per-user collection is listed in ``USER_COLLECTIONS``; a new one must be added.
    """
    if not scope.is_admin:
        raise Forbidden("Only an admin may erase a user's data")
    erased = require_id(user_id, "user id")
    target = scope.narrowed_to(erased)
    removed = {
        name: db[name].delete_many(target.query()).deleted_count for name in USER_COLLECTIONS
    }
    return Erased(user_id=erased, **removed)
