"""Conversation tags: per-user tag documents, counts computed from conversations.

A tag document (``tag``, ``description``, ``position``, ``created_at``) holds
what the user chose about a tag; how many conversations carry it is always
counted from the user's conversations (the tags they carry, then a count per tag,
each bounded by the ``scope_tags`` index), never a stored counter, so deleting,
forking, duplicating or importing cannot make a count stale or negative. Tags
found on conversations without a document (set through another dialect or an
import) get one when tags are listed, after the others, so every listed tag has an
id, a position and its dates.

A rename rewrites the tag in each conversation with one pipeline update, which
MongoDB applies atomically per document, so a tag added to a conversation
while the rename runs is never lost.
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
from .store import Db

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


def counts(db: Db, scope: Scope) -> dict[str, int]:
    """How many of the user's (not deleted) conversations carry each tag: the names by
    ``distinct``, each count by ``count_documents`` (both index reads)."""
    counted = {**scope.query(), "status": {"$in": list(COUNTED_STATUSES)}}
    names = sorted(t for t in db.conversations.distinct("tags", counted) if isinstance(t, str))
    tally = {name: db.conversations.count_documents({**counted, "tags": name}) for name in names}
    return {name: count for name, count in tally.items() if count}


def list_tags(db: Db, scope: Scope) -> list[dict]:
    """Every tag of the user with its count, by position (then name).

    Tags found only on conversations are given a document first, in name order.
    """
    tally = counts(db, scope)
    ensure(db, scope, sorted(tally))
    documents = db.tags.find(scope.query()).sort([("position", 1), ("tag", 1)])
    return [{**d, "count": tally.get(d["tag"], 0)} for d in documents]


def rebuild(db: Db, scope: Scope) -> list[dict]:
    """Give every tag on the user's conversations a document and number the positions
    1, 2, 3… in their current order; return the tags with their counts."""
    listed = list_tags(db, scope)
    for position, tag in enumerate(listed, start=1):
        if tag.get("position") != position:
            db.tags.update_one({"_id": tag["_id"]}, {"$set": {"position": position}})
            tag["position"] = position
    return listed


@dataclass
class TagPage:
    """One page of tags with LibreChat's page numbers."""

    tags: list[dict]
    page_number: int
    page_size: int
    pages: int
    total: int


def page(
    db: Db,
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


def _find(db: Db, scope: Scope, tag: str) -> dict | None:
    return db.tags.find_one({**scope.query(), "tag": tag})


def _next_position(db: Db, scope: Scope) -> int:
    last = db.tags.find_one(scope.query(), sort=[("position", -1)])
    return (last.get("position") or 0) + 1 if last else 1


def _insert(db: Db, scope: Scope, tag: str, description: str | None) -> dict:
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
        return _found(_find(db, scope, tag))
    return document


def _found(document: dict | None) -> dict:
    """A tag document read back after a write; ``NotFound`` if it was deleted meanwhile."""
    if document is None:
        raise NotFound("Tag not found")
    return document


def ensure(db: Db, scope: Scope, names: list[str]) -> None:
    """Create tag documents for names the user has none for yet."""
    query = {**scope.query(), "tag": {"$in": names}}
    existing = {d["tag"] for d in db.tags.find(query, {"tag": 1})}
    for name in names:
        if name not in existing:
            _insert(db, scope, name, None)


def _existing(db: Db, scope: Scope, tag: str) -> dict:
    """The tag's document, created if the tag is only on conversations; else ``NotFound``."""
    document = _find(db, scope, tag)
    if document is not None:
        return document
    if db.conversations.find_one({**scope.query(), "tags": tag}, {"_id": 1}) is None:
        raise NotFound("Tag not found")
    return _insert(db, scope, tag, None)


def _with_count(db: Db, scope: Scope, document: dict) -> dict:
    return {**document, "count": counts(db, scope).get(document["tag"], 0)}


def create(
    db: Db,
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
    db: Db,
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
    document = _existing(db, scope, tag)
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
    return _with_count(db, scope, _found(updated))


def _rename(db: Db, scope: Scope, old: str, new: str) -> str:
    if _find(db, scope, new) is not None:
        raise Conflict("Tag already exists")
    db.conversations.update_many({**scope.query(), "tags": old}, renaming(old, new))
    return new


def renaming(old: str, new: str) -> list[dict]:
    """A pipeline update replacing ``old`` by ``new`` in ``tags`` in place (dropping ``old``
    where ``new`` is there already): one atomic write per conversation."""
    old_value, new_value = {"$literal": old}, {"$literal": new}
    replaced = {
        "$map": {
            "input": "$tags",
            "in": {"$cond": [{"$eq": ["$$this", old_value]}, new_value, "$$this"]},
        }
    }
    without_old = {"$filter": {"input": "$tags", "cond": {"$ne": ["$$this", old_value]}}}
    tags = {"$cond": [{"$in": [new_value, "$tags"]}, without_old, replaced]}
    return [{"$set": {"tags": tags, "updated_at": utcnow()}}]


def _move(db: Db, scope: Scope, document: dict, position: int) -> int:
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


def delete(db: Db, scope: Scope, tag: object) -> dict:
    """Delete a tag and remove it from every conversation of the user."""
    tag = clean_tag(tag)
    document = _existing(db, scope, tag)
    db.conversations.update_many({**scope.query(), "tags": tag}, {"$pull": {"tags": tag}})
    db.tags.delete_one({"_id": document["_id"]})
    db.tags.update_many(
        {**scope.query(), "position": {"$gt": document.get("position") or 0}},
        {"$inc": {"position": -1}},
    )
    return {**document, "count": 0}


def add_to_conversation(db: Db, scope: Scope, conversation_id: object, tag: object) -> dict:
    """Add one tag to a conversation (creating the tag document); return the conversation."""
    tag = clean_tag(tag)
    updated = conversations.add_tags(db, scope, conversation_id, [tag])
    ensure(db, scope, [tag])
    return updated


def set_for_conversation(db: Db, scope: Scope, conversation_id: object, tags: object) -> list[str]:
    """Replace a conversation's tags (creating missing tag documents); return the new set."""
    updated = conversations.update(db, scope, conversation_id, tags=tags)
    names: list[str] = updated["tags"]
    ensure(db, scope, names)
    return names
