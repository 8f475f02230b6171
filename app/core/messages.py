"""Messages: a tree per conversation, appended with atomic conversation counters.

Each message points at its parent (a root points at ``ROOT_PARENT_ID``) and
carries ``seq``, its position in the conversation's append order, taken from
an atomic counter so order is exact even when many writers append at once.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from . import conversations, costs, tree
from .clock import ROOT_PARENT_ID, new_id, require_id, utcnow
from .errors import Conflict, Invalid, NotFound
from .new_message import NewMessage as NewMessage
from .new_message import default_sender as default_sender
from .new_message import new_document as new_document
from .new_message import text_of as text_of
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .store import Db


def append(db: Db, scope: Scope, conversation_id: object, new: NewMessage) -> dict:
    """Add a message under ``parent_message_id`` (default: the latest message).

    Only appends: the title and automatic-compaction follow-ups belong to the
    append flow (``app.core.appending``).
    """
    new.validate()
    conversation = conversations.get_live(db, scope, conversation_id)
    return append_to(db, scope, conversation, new)


def append_to(db: Db, scope: Scope, conversation: dict, new: NewMessage) -> dict:
    """Append a validated ``new`` to ``conversation`` (live and the caller's, as
    ``conversations.get_live`` reads it); returns the stored message.

    The conversation's counters (``message_count``, token and cost totals,
    ``last_message_at``) change in the same single-document update that hands
    out the message's ``seq`` and default parent, so concurrent appends never
    lose an increment and form a chain in the order they were counted. A parent
    or id that is refused changes nothing; an insert that fails after the update
    takes it back (``_take_back``), so no counter or latest id names a message
    that does not exist.
    """
    message_id = _check_links(db, conversation, new)
    now, stamp = new.created_at or utcnow(), utcnow()
    increments = {
        "message_count": 1,
        "message_seq": 1,
        "total_input_tokens": int(new.input_tokens),
        "total_output_tokens": int(new.output_tokens),
        costs.TOTAL: costs.to_micro(new.cost_cents),
    }
    before = db.conversations.find_one_and_update(
        {"_id": conversation["_id"], **scope.query()},
        {
            "$inc": increments,
            "$max": {"last_message_at": now},
            "$set": {"updated_at": stamp, "latest_message_id": message_id},
        },
        return_document=ReturnDocument.BEFORE,
    )
    if before is None:
        raise NotFound("Conversation not found")
    parent = new.parent_message_id or before.get("latest_message_id") or ROOT_PARENT_ID
    document = new_document(conversation, new, message_id, parent, before["message_seq"] + 1, now)
    try:
        db.messages.insert_one(document)
    except BaseException as exc:
        _take_back(db, document, increments, before, stamp)
        if isinstance(exc, DuplicateKeyError):
            raise Conflict("a message with this id already exists") from exc
        raise
    return document


def _check_links(db: Db, conversation: dict, new: NewMessage) -> str:
    """The new message's id, once its parent is known here and its own id is free."""
    if new.parent_message_id is not None and new.parent_message_id != ROOT_PARENT_ID:
        _require_message(db, conversation, new.parent_message_id)
    if not new.message_id:
        return new_id()
    message_id = require_id(new.message_id, "message id")
    if db.messages.find_one({"_id": message_id}, {"_id": 1}) is not None:
        raise Conflict("a message with this id already exists")
    return message_id


def _take_back(db: Db, document: dict, increments: dict, before: dict, stamp: datetime) -> None:
    """Undo the counter update of an append whose insert failed.

    If nothing moved the conversation since (same ``message_seq`` and ``updated_at``),
    its counters, times and latest id are set back exactly. Otherwise only this
    append's increments are taken back, the latest id if it is still this message,
    and messages appended under it meanwhile move to its parent.
    """
    conversation_id, message_id = document["conversation_id"], document["_id"]
    restore: dict = {"$set": {k: before.get(k, 0) for k in increments}}
    restore["$set"].update({k: before.get(k) for k in ("latest_message_id", "updated_at")})
    if "last_message_at" in before:
        restore["$set"]["last_message_at"] = before["last_message_at"]
    else:
        restore["$unset"] = {"last_message_at": ""}
    untouched = {"message_seq": document["seq"], "updated_at": stamp}
    if db.conversations.update_one({"_id": conversation_id, **untouched}, restore).matched_count:
        return
    counts = {k: -v for k, v in increments.items() if k != "message_seq"}
    db.conversations.update_one({"_id": conversation_id}, {"$inc": counts})
    db.conversations.update_one(
        {"_id": conversation_id, "latest_message_id": message_id},
        {"$set": {"latest_message_id": before.get("latest_message_id")}},
    )
    db.messages.update_many(
        {"conversation_id": conversation_id, "parent_message_id": message_id},
        {"$set": {"parent_message_id": document["parent_message_id"]}},
    )


def _require_message(db: Db, conversation: dict, message_id: object) -> dict:
    message_id = require_id(message_id, "message id")
    found = db.messages.find_one({"_id": message_id, "conversation_id": conversation["_id"]})
    if found is None:
        raise NotFound("Message not found")
    return found


def get(db: Db, scope: Scope, conversation_id: object, message_id: object) -> dict:
    """One message of a conversation the caller may read."""
    conversation = conversations.get(db, scope, conversation_id)
    return _require_message(db, conversation, message_id)


def list_all(db: Db, scope: Scope, conversation_id: object) -> list[dict]:
    """Every message of a conversation, in append order."""
    conversation = conversations.get(db, scope, conversation_id)
    return list(db.messages.find({"conversation_id": conversation["_id"]}).sort([("seq", 1)]))


def thread(db: Db, scope: Scope, conversation_id: object, leaf_id: str | None = None) -> list[dict]:
    """The path from the root to ``leaf_id`` (default: the latest message), root first."""
    return thread_of(db, conversations.get(db, scope, conversation_id), leaf_id)


def thread_of(db: Db, conversation: dict, leaf_id: str | None = None) -> list[dict]:
    """``thread`` of a conversation document already read."""
    by_id = {m["_id"]: m for m in db.messages.find({"conversation_id": conversation["_id"]})}
    leaf = leaf_id or conversation.get("latest_message_id")
    if leaf is None:
        return []
    if leaf not in by_id:
        raise NotFound("Message not found")
    return tree.path_to(by_id, leaf)


def set_pinned(
    db: Db, scope: Scope, conversation_id: object, message_id: object, pinned: bool
) -> dict:
    """Pin or unpin a message (pinned messages survive compaction)."""
    conversation = conversations.get_live(db, scope, conversation_id)
    message_id = require_id(message_id, "message id")
    updated = db.messages.find_one_and_update(
        {"_id": message_id, "conversation_id": conversation["_id"]},
        {"$set": {"is_pinned": bool(pinned)}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise NotFound("Message not found")
    return updated


def insert_many(db: Db, conversation: dict, documents: list[dict]) -> None:
    """Insert prepared messages (fork, duplicate, import) and recompute the counters."""
    if documents:
        db.messages.insert_many(documents, ordered=True)
    recount(db, conversation["_id"])


def recount(db: Db, conversation_id: str) -> dict:
    """Recompute a conversation's counters from its messages (after bulk writes)."""
    totals = {
        "message_count": 0,
        "total_input_tokens": 0,
        "total_output_tokens": 0,
        costs.TOTAL: 0,
        "last_message_at": None,
        "message_seq": 0,
    }
    pipeline: list[dict] = [
        {"$match": {"conversation_id": conversation_id}},
        {
            "$group": {
                "_id": None,
                "message_count": {"$sum": 1},
                "total_input_tokens": {"$sum": "$input_tokens"},
                "total_output_tokens": {"$sum": "$output_tokens"},
                **costs.sums(costs.COST),
                "last_message_at": {"$max": "$created_at"},
                "message_seq": {"$max": "$seq"},
            }
        },
    ]
    for row in db.messages.aggregate(pipeline):
        # MongoDB yields no group for no messages; mongomock yields one of nulls ($max of
        # nothing), which would store message_seq: null and break the next append's $inc
        if row.get("message_count"):
            totals.update({k: v for k, v in row.items() if k in totals})
            totals[costs.TOTAL] = costs.stored_micro(row, costs.COST)
    latest = db.messages.find_one({"conversation_id": conversation_id}, sort=[("seq", -1)])
    totals["latest_message_id"] = latest["_id"] if latest else None
    update: dict = {"$set": totals, "$unset": {costs.LEGACY[costs.TOTAL]: ""}}
    if totals["last_message_at"] is None:  # never a stored null: see conversations.create
        del totals["last_message_at"]
        update["$unset"]["last_message_at"] = ""
    db.conversations.update_one({"_id": conversation_id}, update)
    return totals


MESSAGE_PAGE_MAX = 1000


def list_page(
    db: Db,
    scope: Scope,
    conversation_id: object,
    *,
    order: str = "asc",
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """One keyset page of a conversation's messages in append order (or reversed)."""
    conversation = conversations.get(db, scope, conversation_id)
    return page_of(db, conversation, order=order, limit=limit, cursor=cursor)


def page_of(
    db: Db, conversation: dict, *, order: str = "asc", limit: int = 50, cursor: str | None = None
) -> Page:
    """``list_page`` of a conversation document already read."""
    if not 1 <= limit <= MESSAGE_PAGE_MAX:
        raise Invalid(f"limit must be between 1 and {MESSAGE_PAGE_MAX}")
    query = {"conversation_id": conversation["_id"]}
    return fetch_page(db.messages, query, Sort("seq", order), limit, cursor)


def latest_thread(
    db: Db, scope: Scope, conversation_id: object, limit: int | None = None
) -> list[dict]:
    """The thread to the latest message, root first; with ``limit`` only its last messages."""
    path = thread(db, scope, conversation_id)
    return path[-limit:] if limit else path
