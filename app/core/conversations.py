"""Conversations: create, read, list, change state, delete.

Every function takes the database and the caller's ``Scope``; every query is
confined by ``scope.query()``. Stored names are snake_case (see DESIGN.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .clock import new_id, require_id, utcnow
from .errors import Conflict, Forbidden, Invalid, NotFound, NotOwned
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .search import conversation_filter

TITLE_MAX = 1024
DEFAULT_TITLE = "New Chat"
STATUSES = ("active", "archived", "deleted")
SOURCES_MAX = 64
TAG_MAX = 128
TAGS_PER_CONVERSATION = 100
METADATA_MAX_BYTES = 16 * 1024
METADATA_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
LIST_LIMIT_MAX = 100


def clean_title(title: object) -> str:
    """Trim a title and cut it to ``TITLE_MAX`` characters; reject empty ones."""
    if not isinstance(title, str):
        raise Invalid("title must be a string")
    cleaned = title.strip()[:TITLE_MAX].strip()
    if not cleaned:
        raise Invalid("title must not be empty")
    return cleaned


def clean_tags(tags: object) -> list[str]:
    """Trim, drop empties and repeats (keeping order), and check counts and lengths."""
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise Invalid("tags must be a list of strings")
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if any(len(t) > TAG_MAX for t in cleaned):
        raise Invalid(f"a tag is at most {TAG_MAX} characters")
    if len(cleaned) > TAGS_PER_CONVERSATION:
        raise Invalid(f"a conversation has at most {TAGS_PER_CONVERSATION} tags")
    return cleaned


INT64 = 2**63
JSON_DEPTH_MAX = 32


def check_storable(value: object, what: str, depth: int = 0) -> None:
    """Refuse JSON a BSON document cannot hold: integers beyond 64 bits, absurd nesting."""
    if depth > JSON_DEPTH_MAX:
        raise Invalid(f"{what} is nested too deeply")
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise Invalid(f"{what} holds an integer beyond 64 bits")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$") or "\x00" in key:
                raise Invalid(f"{what} has a key that cannot be stored: {key!r}")
            check_storable(item, what, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_storable(item, what, depth + 1)


def merge_metadata(current: dict, patch: object) -> dict:
    """Apply a JSON merge patch (``None`` removes a key) and check keys and total size."""
    if not isinstance(patch, dict):
        raise Invalid("metadata must be an object")
    merged = dict(current or {})
    for key, value in patch.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            raise Invalid(f"metadata key {key!r} must be 1-64 letters, digits, '_' or '-'")
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    check_storable(merged, "metadata")
    try:
        size = len(json.dumps(merged, default=str).encode())
    except (TypeError, ValueError) as exc:
        raise Invalid("metadata must be plain JSON") from exc
    if size > METADATA_MAX_BYTES:
        raise Invalid(f"metadata is at most {METADATA_MAX_BYTES} bytes of JSON")
    return merged


def create(db, scope: Scope, **fields) -> dict:
    """Insert a new, empty conversation owned by the caller and return it.

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
    """A new, empty conversation owned by the caller, checked but not stored."""
    now = utcnow()
    created = created_at or now
    return {
        "_id": require_id(conversation_id, "conversation id") if conversation_id else new_id(),
        "workspace_id": scope.workspace_id,
        "user_id": scope.actor_id,
        "title": clean_title(title) if title is not None else DEFAULT_TITLE,
        "title_source": title_source or ("user" if title is not None else "default"),
        "endpoint": endpoint,
        "model": model,
        "model_label": model_label,
        "assistant_id": assistant_id,
        "source": _clean_source(source),
        "status": "active",
        "archived_at": None,
        "deleted_at": None,
        "pinned": bool(pinned),
        "tags": clean_tags(tags or []),
        "metadata": merge_metadata({}, metadata or {}),
        "settings": dict(settings or {}),
        "message_count": 0,
        "message_seq": 0,
        "latest_message_id": None,
        "total_input_tokens": 0,
        "total_output_tokens": 0,
        "total_cost_cents": 0,
        # last_message_at is absent until the first message: mongomock's $max cannot
        # compare a date with a stored null (MongoDB can), so there is never a null.
        "created_at": created,
        "updated_at": max(created, now) if created_at is None else created,
        "forked_from": forked_from,
    }


def _clean_source(source: object) -> str:
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCES_MAX:
        raise Invalid(f"source must be a non-empty string of at most {SOURCES_MAX} characters")
    return source.strip()


def get(db, scope: Scope, conversation_id: object) -> dict:
    """The conversation, whatever its status; ``NotFound`` or ``NotOwned`` otherwise."""
    conversation_id = require_id(conversation_id, "conversation id")
    document = db.conversations.find_one({"_id": conversation_id, **scope.query()})
    if document is None:
        raise _missing(db, scope, conversation_id)
    return document


def get_live(db, scope: Scope, conversation_id: object) -> dict:
    """The conversation unless it is soft-deleted (then ``NotFound``)."""
    document = get(db, scope, conversation_id)
    if document["status"] == "deleted":
        raise NotFound("Conversation not found")
    return document


def _missing(db, scope: Scope, conversation_id: str) -> Exception:
    """Explain why a scoped lookup found nothing: absent, or another user's."""
    other = db.conversations.find_one(
        {"_id": conversation_id, "workspace_id": scope.workspace_id}, {"_id": 1}
    )
    if other is not None:
        return NotOwned("You don't have access to this conversation")
    return NotFound("Conversation not found")


@dataclass
class ListFilter:
    """What a list, count or search selects; ``None`` means no constraint."""

    statuses: tuple[str, ...] | None = ("active", "archived")
    pinned: bool | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    assistant_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    conversation_ids: tuple[str, ...] | None = None
    extra: dict = field(default_factory=dict)

    def query(self, scope: Scope) -> dict:
        """The MongoDB filter for this selection inside ``scope``."""
        clause = dict(scope.query())
        if self.statuses is not None:
            bad = [s for s in self.statuses if s not in STATUSES]
            if bad:
                raise Invalid(f"status must be one of {', '.join(STATUSES)}")
            clause["status"] = {"$in": list(self.statuses)}
        if self.pinned is not None:
            clause["pinned"] = self.pinned
        if self.tags:
            clause["tags"] = {"$in": list(self.tags)}
        for name in ("source", "assistant_id"):
            value = getattr(self, name)
            if value is not None:
                clause[name] = value
        for name, after, before in (
            ("created_at", self.created_after, self.created_before),
            ("updated_at", self.updated_after, self.updated_before),
        ):
            bounds = {k: v for k, v in (("$gte", after), ("$lt", before)) if v is not None}
            if bounds:
                clause[name] = bounds
        if self.conversation_ids is not None:
            clause["_id"] = {"$in": list(self.conversation_ids)}
        clause.update(self.extra)
        return clause


def list_page(
    db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    sort: Sort | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> Page:
    """One keyset page of the caller's conversations."""
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise Invalid(f"limit must be between 1 and {LIST_LIMIT_MAX}")
    query = (selection or ListFilter()).query(scope)
    return fetch_page(db.conversations, query, sort or Sort(), limit, cursor)


def count(db, scope: Scope, selection: ListFilter | None = None) -> int:
    """How many conversations a selection holds."""
    return db.conversations.count_documents((selection or ListFilter()).query(scope))


def _change(
    db, scope: Scope, conversation_id: object, changes: dict, live=True, also: dict | None = None
) -> dict:
    """Apply ``$set`` changes (and bump ``updated_at``), plus the update operators in
    ``also``, to one conversation in one atomic write; return it."""
    conversation_id = require_id(conversation_id, "conversation id")
    query = {"_id": conversation_id, **scope.query()}
    if live:
        query["status"] = {"$ne": "deleted"}
    updated = db.conversations.find_one_and_update(
        query,
        {"$set": {**changes, "updated_at": utcnow()}, **(also or {})},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        get_live(db, scope, conversation_id)  # raises the precise error
        raise NotFound("Conversation not found")
    return updated


def rename(db, scope: Scope, conversation_id: object, title: object, source="user") -> dict:
    """Set a conversation's title (trimmed, at most 1024 characters)."""
    return _change(
        db, scope, conversation_id, {"title": clean_title(title), "title_source": source}
    )


def update(
    db,
    scope: Scope,
    conversation_id: object,
    *,
    title: object = None,
    metadata: object = None,
    tags: object = None,
    settings: dict | None = None,
) -> dict:
    """Change title, merge metadata, replace tags or settings; ``None`` leaves a field."""
    changes: dict = {}
    if title is not None:
        changes.update(title=clean_title(title), title_source="user")
    if tags is not None:
        changes["tags"] = clean_tags(tags)
    if metadata is not None:
        current = get_live(db, scope, conversation_id).get("metadata") or {}
        changes["metadata"] = merge_metadata(current, metadata)
    if settings is not None:
        changes.update({f"settings.{k}": v for k, v in _setting_items(settings)})
    if not changes:
        return get_live(db, scope, conversation_id)
    return _change(db, scope, conversation_id, changes)


def _setting_items(settings: dict):
    for key, value in settings.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            raise Invalid(f"setting {key!r} is not a valid name")
        yield key, value


def set_archived(db, scope: Scope, conversation_id: object, archived: bool) -> dict:
    """Archive (``status: archived``) or bring back to active."""
    if archived:
        return _change(db, scope, conversation_id, {"status": "archived", "archived_at": utcnow()})
    return _change(db, scope, conversation_id, {"status": "active", "archived_at": None})


def set_pinned(db, scope: Scope, conversation_id: object, pinned: bool) -> dict:
    """Pin or unpin a conversation."""
    return _change(db, scope, conversation_id, {"pinned": bool(pinned)})


def soft_delete(db, scope: Scope, conversation_id: object) -> dict:
    """Mark deleted: hidden from lists, restorable, messages kept."""
    return _change(db, scope, conversation_id, {"status": "deleted", "deleted_at": utcnow()})


def restore(db, scope: Scope, conversation_id: object) -> dict:
    """Bring a soft-deleted (or archived) conversation back to active."""
    return _change(
        db,
        scope,
        conversation_id,
        {"status": "active", "deleted_at": None, "archived_at": None},
        live=False,
    )


def add_tags(db, scope: Scope, conversation_id: object, tags: list[str]) -> dict:
    """Add tags to a conversation, keeping those it has: one atomic ``$addToSet``, so
    concurrent adds and renames never undo each other (the count limit is checked first)."""
    adding = clean_tags(tags)
    current = get_live(db, scope, conversation_id)["tags"]
    clean_tags([*current, *adding])
    return _change(db, scope, conversation_id, {}, also={"$addToSet": {"tags": {"$each": adding}}})


def remove_tags(db, scope: Scope, conversation_id: object, tags: list[str]) -> dict:
    """Remove tags from a conversation (one atomic ``$pull``)."""
    dropping = clean_tags(tags)
    return _change(db, scope, conversation_id, {}, also={"$pull": {"tags": {"$in": dropping}}})


@dataclass(frozen=True)
class Deleted:
    """What a hard delete removed."""

    conversations: int
    messages: int


def hard_delete(db, scope: Scope, conversation_ids: list[str]) -> Deleted:
    """Erase conversations of the scope and everything hanging off them."""
    ids = [require_id(i, "conversation id") for i in conversation_ids]
    owned = [d["_id"] for d in db.conversations.find({"_id": {"$in": ids}, **scope.query()})]
    return _erase(db, scope, owned)


def hard_delete_all(db, scope: Scope) -> Deleted:
    """Erase every conversation in the scope, with their messages and summaries."""
    owned = [d["_id"] for d in db.conversations.find(scope.query(), {"_id": 1})]
    return _erase(db, scope, owned)


def _erase(db, scope: Scope, ids: list[str]) -> Deleted:
    if not ids:
        return Deleted(0, 0)
    scoped = {"conversation_id": {"$in": ids}, **scope.query()}
    messages = db.messages.delete_many(scoped).deleted_count
    db.summaries.delete_many(scoped)
    db.shares.delete_many(scoped)
    # idempotency records belong to whoever appended (perhaps an admin): match the workspace
    db.idempotency_keys.delete_many(
        {"workspace_id": scope.workspace_id, "conversation_id": {"$in": ids}}
    )
    conversations = db.conversations.delete_many({"_id": {"$in": ids}, **scope.query()})
    return Deleted(conversations.deleted_count, messages)


def hard_delete_one(db, scope: Scope, conversation_id: object) -> Deleted:
    """Erase one conversation (any status) with its messages; ``NotFound``/``NotOwned``."""
    conversation = get(db, scope, conversation_id)
    return _erase(db, scope, [conversation["_id"]])


def archive_all(db, scope: Scope) -> int:
    """Archive every active conversation in the scope; return how many changed."""
    now = utcnow()
    result = db.conversations.update_many(
        {**scope.query(), "status": "active"},
        {"$set": {"status": "archived", "archived_at": now, "updated_at": now}},
    )
    return result.modified_count


@dataclass
class CountedPage:
    """A keyset page plus where it stands: how many match, how many come before it."""

    page: Page
    total: int
    before: int


def list_counted(
    db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    search_text: str | None = None,
    sort: Sort | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> CountedPage:
    """``list_page`` with an optional title/message search, plus totals for page numbers."""
    selection = selection or ListFilter()
    if search_text is not None:
        selection.extra = {**selection.extra, **conversation_filter(db, scope, search_text)}
    sort = sort or Sort()
    page = list_page(db, scope, selection, sort=sort, limit=limit, cursor=cursor)
    query = selection.query(scope)
    total = db.conversations.count_documents(query)
    after = sort.after(cursor)
    remaining = db.conversations.count_documents({"$and": [query, after]}) if after else total
    return CountedPage(page=page, total=total, before=total - remaining)


def set_status(db, scope: Scope, conversation_id: object, status: str) -> dict:
    """Move to ``active`` (unarchive or restore), ``archived`` or ``deleted`` (soft)."""
    if status == "active":
        return restore(db, scope, conversation_id)
    if status == "archived":
        return set_archived(db, scope, conversation_id, True)
    if status == "deleted":
        return soft_delete(db, scope, conversation_id)
    raise Invalid(f"status must be one of {', '.join(STATUSES)}")


def patch(db, scope: Scope, conversation_id: object, *, status=None, **fields) -> dict:
    """``update`` and a status change together: a restore first, an archive or delete last."""
    if status is not None and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}")  # before any change
    if status == "active":
        set_status(db, scope, conversation_id, status)
    document = update(db, scope, conversation_id, **fields)
    if status in ("archived", "deleted") and document["status"] != status:
        document = set_status(db, scope, conversation_id, status)
    return document


@dataclass
class OffsetPage:
    """A limit/offset page with the total the selection holds."""

    items: list[dict]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


OFFSET_MAX = 100_000


def list_offset(
    db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    sort: Sort | None = None,
    limit: int = 20,
    offset: int = 0,
) -> OffsetPage:
    """A limit/offset page and total (for dialects whose spec asks for offsets)."""
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise Invalid(f"limit must be between 1 and {LIST_LIMIT_MAX}")
    if not 0 <= offset <= OFFSET_MAX:
        raise Invalid(f"offset must be between 0 and {OFFSET_MAX}")
    query = (selection or ListFilter()).query(scope)
    cursor = db.conversations.find(query).sort((sort or Sort()).pymongo)
    items = list(cursor.skip(offset).limit(limit))
    return OffsetPage(items, db.conversations.count_documents(query), limit, offset)


def delete(db, scope: Scope, conversation_id: object, *, hard: bool = False) -> dict:
    """Soft-delete (restorable), or with ``hard`` (admins only) erase it and its messages."""
    if not hard:
        document = soft_delete(db, scope, conversation_id)
        return {"id": document["_id"], "status": "deleted", "hard": False, "messages_deleted": 0}
    if not scope.is_admin:
        raise Forbidden("Only an admin may erase a conversation")
    document = get(db, scope, conversation_id)
    erased = hard_delete(db, scope, [document["_id"]])
    return {
        "id": document["_id"],
        "status": "erased",
        "hard": True,
        "messages_deleted": erased.messages,
    }
