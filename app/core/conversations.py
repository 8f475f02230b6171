"""Conversations: create one, read one, change its title, metadata, tags, settings or pin.

Every function takes the database and the caller's ``Scope``; every query is
confined by ``scope.query()``. Stored field names are snake_case.
Related modules: ``records`` (find or change one conversation), ``lifecycle``
(status: archive, restore), ``deletion``, ``listing``, ``validation``, and
``transcripts`` (a conversation with its messages: start one, read one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from . import costs, lifecycle, records, searchable
from .clock import new_id, require_id, utcnow
from .errors import Conflict
from .records import get as get
from .records import get_live as get_live
from .scope import Scope
from .store import Db
from .validation import (
    check_texts,
    clean_label,
    clean_source,
    clean_tags,
    clean_title,
    merge_metadata,
    setting_items,
)

DEFAULT_TITLE = "New Chat"


def create(db: Db, scope: Scope, **fields: Any) -> dict:
    """Insert a new, empty conversation owned by ``scope.owner_id`` and return it.

    ``fields`` are those of ``new_document``.
    """
    document = new_document(scope, **fields)
    try:
        db.conversations.insert_one(document)
    except DuplicateKeyError as exc:
        raise Conflict("a conversation with this id already exists") from exc
    return document


def new_document(
    scope: Scope,
    *,
    title: str | None = None,
    title_source: str | None = None,
    endpoint: str | None = None,
    model: str | None = None,
    model_label: str | None = None,
    assistant_id: str | None = None,
    source: str = "api",
    metadata: dict | None = None,
    tags: list[str] | None = None,
    settings: dict | None = None,
    pinned: bool = False,
    conversation_id: str | None = None,
    created_at: datetime | None = None,
    forked_from: dict | None = None,
) -> dict:
    """A new, empty conversation owned by ``scope.owner_id`` (the caller, or the user an
    admin's scope is narrowed to), checked but not stored."""
    check_texts(endpoint=endpoint, model=model, model_label=model_label, assistant_id=assistant_id)
    now = utcnow()
    created = created_at or now
    return {
        "_id": require_id(conversation_id, "conversation id") if conversation_id else new_id(),
        "workspace_id": scope.workspace_id,
        "user_id": scope.owner_id,
        **titled(
            clean_title(title) if title is not None else DEFAULT_TITLE,
            title_source or ("user" if title is not None else "default"),
        ),
        "endpoint": endpoint,
        "model": model,
        "model_label": model_label,
        "assistant_id": assistant_id,
        "source": clean_source(source),
        **lifecycle.transition("active", created),
        "pinned": bool(pinned),
        "tags": clean_tags(tags or []),
        "metadata": merge_metadata({}, metadata or {}),
        "settings": dict(settings or {}),
        "message_count": 0,
        "message_seq": 0,
        "latest_message_id": None,
        "total_input_tokens": 0,
        "total_output_tokens": 0,
        costs.TOTAL: 0,  # integer micro-cents: see app/core/costs.py
        # last_message_at is absent until the first message (the wire says null):
        # mongomock's $max cannot compare a date with a stored null (MongoDB can).
        "created_at": created,
        "updated_at": max(created, now) if created_at is None else created,
        "forked_from": forked_from,
    }


def titled(title: str, source: str) -> dict:
    """The fields a title sets: ``title``, ``title_source`` and the words search finds it by."""
    return {"title": title, "title_source": source, **searchable.words_field(title)}


def rename(
    db: Db, scope: Scope, conversation_id: object, title: object, source: str = "user"
) -> dict:
    """Set a conversation's title (trimmed, at most 1024 characters)."""
    return records.change(db, scope, conversation_id, titled(clean_title(title), source))


def update(
    db: Db,
    scope: Scope,
    conversation_id: object,
    *,
    title: object = None,
    metadata: object = None,
    tags: object = None,
    settings: dict | None = None,
    model: object = None,
    endpoint: object = None,
) -> dict:
    """Change title, merge metadata, replace tags, settings, model or endpoint; ``None``
    leaves a field."""
    changes: dict = {}
    if title is not None:
        changes.update(titled(clean_title(title), "user"))
    for name, value in (("model", model), ("endpoint", endpoint)):
        if value is not None:
            changes[name] = clean_label(value, name)
    if tags is not None:
        changes["tags"] = clean_tags(tags)
    if metadata is not None:
        current = get_live(db, scope, conversation_id).get("metadata") or {}
        changes["metadata"] = merge_metadata(current, metadata)
    if settings is not None:
        changes.update({f"settings.{k}": v for k, v in setting_items(settings)})
    if not changes:
        return get_live(db, scope, conversation_id)
    return records.change(db, scope, conversation_id, changes)


def patch(
    db: Db, scope: Scope, conversation_id: object, *, status: object = None, **fields: Any
) -> dict:
    """``update`` and a status change together: a restore first, an archive or delete last."""
    if status is not None:
        lifecycle.check_status(status)  # before any change
    if status == "active":
        lifecycle.set_status(db, scope, conversation_id, status)
    document = update(db, scope, conversation_id, **fields)
    if status in ("archived", "deleted") and document["status"] != status:
        document = lifecycle.set_status(db, scope, conversation_id, status)
    return document


def set_pinned(db: Db, scope: Scope, conversation_id: object, pinned: bool) -> dict:
    """Pin or unpin a conversation."""
    return records.change(db, scope, conversation_id, {"pinned": bool(pinned)})


def add_tags(db: Db, scope: Scope, conversation_id: object, tags: list[str]) -> dict:
    """Add tags to a conversation, keeping those it has: one atomic ``$addToSet``, so
    concurrent adds and renames never undo each other (the count limit is checked first)."""
    adding = clean_tags(tags)
    current = get_live(db, scope, conversation_id)["tags"]
    clean_tags([*current, *adding])
    each = {"$addToSet": {"tags": {"$each": adding}}}
    return records.change(db, scope, conversation_id, {}, also=each)
