"""Conversation tags: per-user tag documents, counts computed from conversations.

A tag document (``tag``, ``description``, ``position``, ``created_at``) holds
what the user chose about a tag; how many conversations carry it is always an
aggregation over the user's conversations (``$unwind`` + ``$group``), never a
stored counter, so deleting, forking, duplicating or importing cannot make a
count stale or negative. Tags found on conversations without a document (set
through another dialect or an import) are listed too, after the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from . import conversations, validation
from .clock import new_id, utcnow
from .errors import Conflict, Invalid, NotFound
from .scope import Scope

COUNTED_STATUSES = ("active", "archived")
DESCRIPTION_MAX = 1024
PAGE_SIZE = 25
SORTS = {"name": "tag", "count": "count", "position": "position", "createdAt": "created_at"}


def clean_tag(tag: object) -> str:
    """One trimmed tag name, or ``Invalid``."""
    cleaned = validation.clean_tags([tag] if isinstance(tag, str) else tag, field="tag")
    if len(cleaned) != 1:
        raise Invalid("tag must be a non-empty string")
    return cleaned[0]


def _description(description: object) -> str | None:
    if description is None:
        return None
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
        raise Invalid(f"description must be a string of at most {DESCRIPTION_MAX} characters")
    return validation.check_text(description, "description")


def counts(db, scope: Scope) -> dict[str, int]:
    """How many of the user's (not deleted) conversations carry each tag."""
    pipeline = [
        {"$match": {**scope.query(), "status": {"$in": list(COUNTED_STATUSES)}}},
        {"$unwind": "$tags"},
        {"$group": {"_id": "$tags", "count": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]
    return {row["_id"]: row["count"] for row in db.conversations.aggregate(pipeline)}


def list_tags(db, scope: Scope) -> list[dict]:
    """Every tag of the user with its count, by position (then name)."""
    tally = counts(db, scope)
    documents = list(db.tags.find(scope.query()).sort([("position", 1), ("tag", 1)]))
    known = {d["tag"] for d in documents}
    last = max((d.get("position") or 0 for d in documents), default=0)
    orphans = sorted(t for t in tally if t not in known)
    documents += [
        {"tag": t, "description": None, "position": last + i, "created_at": None}
        for i, t in enumerate(orphans, start=1)
    ]
    return [{**d, "count": tally.get(d["tag"], 0)} for d in documents]


@dataclass
class TagPage:
    """One page of tags with LibreChat's page numbers."""

    tags: list[dict]
    page_number: int
    page_size: int
    pages: int
    total: int


def page(
    db,
    scope: Scope,
    page_number: int = 1,
    sort: str = "position",
    order: str = "asc",
    page_size: int = PAGE_SIZE,
) -> TagPage:
    """A page of tags sorted by ``name``, ``count``, ``position`` or ``createdAt``."""
    if sort not in SORTS or order not in ("asc", "desc") or page_number < 1 or page_size < 1:
        raise Invalid("sort must be name, count, position or createdAt; order asc or desc")
    everything = _sorted(list_tags(db, scope), SORTS[sort], descending=order == "desc")
    start = (page_number - 1) * page_size
    return TagPage(
        tags=everything[start : start + page_size],
        page_number=page_number,
        page_size=page_size,
        pages=math.ceil(len(everything) / page_size),
        total=len(everything),
    )


def _sorted(tags: list[dict], key: str, descending: bool) -> list[dict]:
    """Sorted by ``key`` then name; tags without a value (no creation date) go last."""
    present = sorted(
        (t for t in tags if t.get(key) is not None),
        key=lambda t: (t[key], t["tag"]),
        reverse=descending,
    )
    missing = sorted((t for t in tags if t.get(key) is None), key=lambda t: t["tag"])
    return present + missing


def _find(db, scope: Scope, tag: str) -> dict | None:
    return db.tags.find_one({**scope.query(), "tag": tag})


def _next_position(db, scope: Scope) -> int:
    last = db.tags.find_one(scope.query(), sort=[("position", -1)])
    return (last.get("position") or 0) + 1 if last else 1


def _insert(db, scope: Scope, tag: str, description: str | None) -> dict:
    now = utcnow()
    document = {
        "_id": new_id(),
        **scope.query(),
        "user_id": scope.actor_id,
        "tag": tag,
        "description": description,
        "position": _next_position(db, scope),
        "created_at": now,
        "updated_at": now,
    }
    try:
        db.tags.insert_one(document)
    except DuplicateKeyError:  # created concurrently: the stored one wins
        return _find(db, scope, tag)
    return document


def ensure(db, scope: Scope, names: list[str]) -> None:
    """Create tag documents for names the user has none for yet."""
    existing = {d["tag"] for d in db.tags.find({**scope.query(), "tag": {"$in": names}})}
    for name in names:
        if name not in existing:
            _insert(db, scope, name, None)


def _with_count(db, scope: Scope, document: dict) -> dict:
    return {**document, "count": counts(db, scope).get(document["tag"], 0)}


def create(
    db,
    scope: Scope,
    tag: object,
    description: object = None,
    add_to_conversation: bool = False,
    conversation_id: object = None,
) -> dict:
    """Create a tag (or return the existing one), optionally adding it to a conversation."""
    tag = clean_tag(tag)
    description = _description(description)
    if add_to_conversation:
        if conversation_id is None:
            raise Invalid("conversationId is required when addToConversation is set")
        conversations.add_tags(db, scope, conversation_id, [tag])
    document = _find(db, scope, tag) or _insert(db, scope, tag, description)
    return _with_count(db, scope, document)


def update(
    db,
    scope: Scope,
    tag: object,
    new_name: object = None,
    description: object = None,
    position: object = None,
) -> dict:
    """Rename (rewriting the tag in the user's conversations), describe or move a tag."""
    tag = clean_tag(tag)
    new_name = clean_tag(new_name) if new_name is not None else tag
    description = _description(description)
    if position is not None and (
        not isinstance(position, int) or isinstance(position, bool) or position < 0
    ):
        raise Invalid("position must be a non-negative integer")
    if _find(db, scope, tag) is None and tag not in counts(db, scope):
        raise NotFound("Tag not found")
    document = _find(db, scope, tag) or _insert(db, scope, tag, None)
    changes: dict = {"updated_at": utcnow()}
    if description is not None:
        changes["description"] = description
    if new_name != tag:
        changes["tag"] = _rename(db, scope, tag, new_name)
    if position is not None:
        changes["position"] = _move(db, scope, document, position)
    updated = db.tags.find_one_and_update(
        {"_id": document["_id"]}, {"$set": changes}, return_document=ReturnDocument.AFTER
    )
    return _with_count(db, scope, updated)


def _rename(db, scope: Scope, old: str, new: str) -> str:
    if _find(db, scope, new) is not None:
        raise Conflict("Tag already exists")
    having = {**scope.query(), "tags": old}
    db.conversations.update_many(having, {"$addToSet": {"tags": new}})
    db.conversations.update_many(having, {"$pull": {"tags": old}})
    return new


def _move(db, scope: Scope, document: dict, position: int) -> int:
    """Shift the tags between the old and new position by one, LibreChat-style."""
    old = document.get("position") or 0
    if position > old:
        span, step = {"$gt": old, "$lte": position}, -1
    elif position < old:
        span, step = {"$gte": position, "$lt": old}, 1
    else:
        return position
    db.tags.update_many(
        {**scope.query(), "position": span, "_id": {"$ne": document["_id"]}},
        {"$inc": {"position": step}},
    )
    return position


def delete(db, scope: Scope, tag: object) -> dict:
    """Delete a tag and remove it from every conversation of the user."""
    tag = clean_tag(tag)
    document = _find(db, scope, tag)
    removed = db.conversations.update_many({**scope.query(), "tags": tag}, {"$pull": {"tags": tag}})
    if document is None and not removed.modified_count:
        raise NotFound("Tag not found")
    if document is None:
        return {"tag": tag, "description": None, "position": None, "created_at": None, "count": 0}
    db.tags.delete_one({"_id": document["_id"]})
    db.tags.update_many(
        {**scope.query(), "position": {"$gt": document.get("position") or 0}},
        {"$inc": {"position": -1}},
    )
    return {**document, "count": 0}


def add_to_conversation(db, scope: Scope, conversation_id: object, tag: object) -> dict:
    """Add one tag to a conversation (creating the tag document); return the conversation."""
    tag = clean_tag(tag)
    updated = conversations.add_tags(db, scope, conversation_id, [tag])
    ensure(db, scope, [tag])
    return updated


def set_for_conversation(db, scope: Scope, conversation_id: object, tags: object) -> list[str]:
    """Replace a conversation's tags (creating missing tag documents); return the new set."""
    updated = conversations.update(db, scope, conversation_id, tags=tags)
    ensure(db, scope, updated["tags"])
    return updated["tags"]
