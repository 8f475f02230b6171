"""Colloquy's own export (``app/core/exports.py``), read back losslessly.

``{"format": "colloquy.export", "version": 1, "conversations": [{..., "messages":
[...], "summaries": [...]}], "tags": [...]}``: stored documents with ``_id`` as
``id`` and top-level ``*_at`` datetimes as ISO 8601. Ids, parents, timestamps,
titles, tags, metadata, pins, token counts and costs come back as they were; the
owner is the importing user. A conversation whose id is taken by another
conversation gets fresh ids (with every reference re-pointed). The NDJSON form
(one typed record per line: ``header``, each ``conversation`` followed by its
``message`` and ``summary`` records, then ``tag`` records) reads back the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import ijson

from .. import costs
from ..clock import new_id, parse_time
from ..errors import Invalid
from ..lifecycle import STATUSES
from ..new_message import ROLES, TEXT_MAX
from ..scope import Scope
from ..searchable import words_field
from ..validation import clean_tags, merge_metadata
from .fields import Record, label
from .model import Prepared
from .rejection import CONVERSATION_ERRORS, Rejected, reason_of
from .stream import Stream

FORMAT = "colloquy"
NDJSON_FORMAT = "colloquy-ndjson"
FORMAT_NAME = "colloquy.export"
VERSION = 1
OWNER_FIELDS = ("workspace_id", "user_id")
PLURAL = {"message": "messages", "summary": "summaries"}


def read(stream: Stream, shape: str) -> Iterator[ColloquyConversation | TagList | Rejected]:
    for index, raw in enumerate(ijson.items(stream, "conversations.item", use_float=True), 1):
        yield attempt(raw, index)
    stream.seek(0)
    tags = ijson.items(stream, "tags.item", use_float=True)
    found = [_tag(Record(t, f"tag {i}")) for i, t in enumerate(tags, 1)]
    if found:
        yield TagList(found)


def read_ndjson(stream: Stream, shape: str) -> Iterator[ColloquyConversation | TagList | Rejected]:
    """The NDJSON export: records grouped back into conversations, one at a time."""
    current: dict | None = None
    count, tags = 0, []
    lines = ijson.items(stream, "", multiple_values=True, use_float=True)
    for number, raw in enumerate(lines, start=1):
        record = Record(raw, f"line {number}")
        kind = record.text("type", required=True)
        body = {k: v for k, v in raw.items() if k != "type"}
        if kind == "conversation":
            if current is not None:
                yield attempt(current, count)
            current, count = {**body, "messages": [], "summaries": []}, count + 1
        elif kind in PLURAL:
            _attach(record, current, kind, body)
        elif kind == "tag":
            tags.append(Record(body, f"line {number}"))
        elif kind == "header":
            check_version(raw.get("version"))
        else:
            raise record.fail("type", "header, conversation, message, summary or tag")
    if current is not None:
        yield attempt(current, count)
    if tags:
        yield TagList([_tag(t) for t in tags])


def _attach(record: Record, current: dict | None, kind: str, body: dict) -> None:
    if current is None or body.get("conversation_id") != current.get("id"):
        raise record.fail("conversation_id", "the id of the conversation record above it")
    current[PLURAL[kind]].append(body)


def check_version(version: object) -> None:
    if version != VERSION:
        raise Invalid(f"Colloquy export version {version!r} is not supported (expected {VERSION})")


@dataclass
class TagList:
    tags: list[dict]

    def prepare(self, owner: Scope, batch_id: str) -> Prepared:
        for tag in self.tags:
            tag.update(owner.query(), import_batch=batch_id)
        return Prepared(None, [], tags=self.tags)

    def rejected(self, reason: str) -> Rejected:
        return Rejected(0, None, None, reason)


@dataclass
class ColloquyConversation:
    conversation: dict
    messages: list[dict]
    summaries: list[dict] = field(default_factory=list)
    index: int = 0

    def prepare(self, owner: Scope, batch_id: str) -> Prepared:
        for document in (self.conversation, *self.messages, *self.summaries):
            document.update(owner.query(), import_batch=batch_id)
        return Prepared(
            self.conversation,
            self.messages,
            self.summaries,
            duplicate_query={"_id": self.conversation["_id"]},
            keeps_ids=True,
            origin=self.rejected(""),
        )

    def rejected(self, reason: str) -> Rejected:
        return Rejected(
            self.index, self.conversation.get("title"), self.conversation.get("_id"), reason
        )


def attempt(raw: object, index: int) -> ColloquyConversation | Rejected:
    """The conversation ``raw`` describes, or its ``Rejected`` report."""
    try:
        return conversation_from(raw, index)
    except CONVERSATION_ERRORS as exc:
        fields = raw if isinstance(raw, dict) else {}
        title, source_id = fields.get("title"), fields.get("id")
        return Rejected(
            index,
            title if isinstance(title, str) else None,
            source_id if isinstance(source_id, str) else None,
            reason_of(exc, label(index, title)),
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
    _check_metadata(record)
    _check_costs(record, costs.TOTAL)
    items = record.items("messages", required=True)
    found = [_message(record.child(m, f"message {i}")) for i, m in enumerate(items, 1)]
    summaries = [
        _summary(record.child(s, f"summary {i}"))
        for i, s in enumerate(record.items("summaries"), 1)
    ]
    conversation = {
        **_stored(record, skip=("messages", "summaries")),
        **words_field(record.raw["title"]),
    }
    for document in (*found, *summaries):
        document["conversation_id"] = conversation["_id"]
    return ColloquyConversation(conversation, found, summaries, index)


def _tag(tag: Record) -> dict:
    name = tag.text("tag", required=True)
    if clean_tags([name]) != [name]:
        raise tag.fail("tag", "a trimmed, non-empty tag name")
    if "id" in tag.raw:
        _string_id(tag, "id")
    return _stored(tag)


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
    if len(message.raw["text"]) > TEXT_MAX:
        raise message.fail("text", f"at most {TEXT_MAX} characters")
    _check_metadata(message)
    _check_costs(message, costs.COST)
    return {**_stored(message), **words_field(message.raw["text"])}


def _check_metadata(record: Record) -> None:
    try:
        merge_metadata({}, record.mapping("metadata"))
    except Invalid as exc:
        raise record.fail("metadata", f"valid ({exc.message})") from exc


def _check_costs(record: Record, field: str) -> None:
    """Costs are stored as read: whole micro-cents, or float cents (older exports)."""
    for key in (field, costs.LEGACY[field]):
        if key in record.raw and not costs.storable(record.raw[key], key):
            unit = "whole micro-cents" if key == field else "cents"
            raise record.fail(key, f"a non-negative number of {unit}")


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
    fresh = {prepared.stored["_id"]: new_id()}
    for document in (*prepared.messages, *prepared.summaries):
        fresh[document["_id"]] = new_id()
    for document in (prepared.stored, *prepared.messages, *prepared.summaries):
        for key, value in document.items():
            document[key] = _repoint(value, fresh)
    return prepared


def _repoint(value: object, fresh: dict) -> object:
    if isinstance(value, str):
        return fresh.get(value, value)
    if isinstance(value, list):
        return [_repoint(v, fresh) for v in value]
    return value
