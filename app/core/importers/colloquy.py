"""Colloquy's own export (``app/core/exports.py``), read back losslessly.

``{"format": "colloquy.export", "version": 1, "conversations": [{..., "messages":
[...], "summaries": [...]}], "tags": [...]}``: stored documents with ``_id`` as
``id`` and top-level ``*_at`` datetimes as ISO 8601. Ids, parents, timestamps,
titles, tags, metadata, pins and token counts come back as they were; the
owner is the importing user. A conversation whose id is taken by another
conversation gets fresh ids (with every reference re-pointed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import ijson

from ..clock import new_id, parse_time
from ..conversations import STATUSES
from ..errors import Invalid
from ..messages import ROLES
from ..scope import Scope
from .fields import Record, label
from .model import Prepared

FORMAT = "colloquy"
FORMAT_NAME = "colloquy.export"
VERSION = 1
OWNER_FIELDS = ("workspace_id", "user_id")


def read(stream, shape: str) -> Iterator:
    for index, raw in enumerate(ijson.items(stream, "conversations.item", use_float=True), 1):
        yield conversation_from(raw, index)
    stream.seek(0)
    tags = [Record(t, f"tag {i}") for i, t in enumerate(ijson.items(stream, "tags.item"), 1)]
    if tags:
        yield TagList([_stored(t) for t in tags])


def check_version(version: object) -> None:
    if version != VERSION:
        raise Invalid(f"Colloquy export version {version!r} is not supported (expected {VERSION})")


@dataclass
class TagList:
    tags: list[dict]

    def prepare(self, owner: Scope, batch_id: str) -> Prepared:
        for tag in self.tags:
            tag.pop("_id", None)
            tag.update(owner.query(), import_batch=batch_id)
        return Prepared(None, [], tags=self.tags)


@dataclass
class ColloquyConversation:
    conversation: dict
    messages: list[dict]
    summaries: list[dict] = field(default_factory=list)

    def prepare(self, owner: Scope, batch_id: str) -> Prepared:
        for document in (self.conversation, *self.messages, *self.summaries):
            document.update(owner.query(), import_batch=batch_id)
        return Prepared(
            self.conversation,
            self.messages,
            self.summaries,
            duplicate_query={"_id": self.conversation["_id"]},
            keeps_ids=True,
        )


def conversation_from(raw: object, index: int) -> ColloquyConversation:
    title = raw.get("title") if isinstance(raw, dict) else None
    record = Record(raw, label(index, title))
    _string_id(record, "id")
    record.text("title", required=True)
    if record.raw.get("status", "active") not in STATUSES:
        raise record.fail("status", f"one of {', '.join(STATUSES)}")
    if not all(isinstance(t, str) for t in record.items("tags")):
        raise record.fail("tags", "a list of strings")
    items = record.items("messages", required=True)
    found = [_message(record.child(m, f"message {i}")) for i, m in enumerate(items, 1)]
    summaries = [
        _summary(record.child(s, f"summary {i}"))
        for i, s in enumerate(record.items("summaries"), 1)
    ]
    conversation = _stored(record, skip=("messages", "summaries"))
    for document in (*found, *summaries):
        document["conversation_id"] = conversation["_id"]
    return ColloquyConversation(conversation, found, summaries)


def _summary(summary: Record) -> dict:
    _string_id(summary, "id")
    return _stored(summary)


def _message(message: Record) -> dict:
    _string_id(message, "id")
    _string_id(message, "parent_message_id")
    message.text("text", required=True)
    if message.raw.get("role") not in ROLES:
        raise message.fail("role", f"one of {', '.join(ROLES)}")
    for name in ("seq", "input_tokens", "output_tokens", "token_count"):
        message.integer(name)
    return _stored(message)


def _string_id(record: Record, key: str) -> str:
    if not isinstance(record.raw.get(key), str):
        raise record.fail(key, "a string id")
    return record.identifier(key, required=True)


def _stored(record: Record, skip: tuple[str, ...] = ()) -> dict:
    """The stored document a record describes: ``id`` -> ``_id``, ``*_at`` -> datetimes."""
    document = {}
    for key, value in record.raw.items():
        if key in skip or key in OWNER_FIELDS:
            continue
        record.stored_as_is(key, {key: value})
        if key.endswith("_at") and value is not None:
            document[key] = parse_time(value) if isinstance(value, str) else None
            if document[key] is None:
                raise record.fail(key, "an ISO 8601 date")
        else:
            document["_id" if key == "id" else key] = value
    return document


def with_fresh_ids(prepared: Prepared) -> Prepared:
    """The same conversation under new ids, every internal reference re-pointed."""
    fresh = {prepared.conversation["_id"]: new_id()}
    for document in (*prepared.messages, *prepared.summaries):
        fresh[document["_id"]] = new_id()
    for document in (prepared.conversation, *prepared.messages, *prepared.summaries):
        for key, value in document.items():
            document[key] = _repoint(value, fresh)
    return prepared


def _repoint(value, fresh: dict):
    if isinstance(value, str):
        return fresh.get(value, value)
    if isinstance(value, list):
        return [_repoint(v, fresh) for v in value]
    return value
