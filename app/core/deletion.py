"""Deleting conversations: soft (restorable), or erasing given ones or all of a scope.

Erasing removes a conversation with everything hanging off it: its messages,
summaries and idempotency records.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lifecycle, records
from .clock import require_id
from .errors import NotFound
from .scope import Scope
from .store import Db


@dataclass(frozen=True)
class Deleted:
    """What a hard delete removed."""

    conversations: int
    messages: int


def soft_delete(db: Db, scope: Scope, conversation_id: object) -> dict:
    """Mark deleted: hidden from lists, restorable, messages kept.

    Idempotent: a conversation deleted already is returned as it is (its first
    ``deleted_at`` kept); a missing or foreign one is still ``NotFound`` / ``NotOwned``.
    """
    try:
        return lifecycle.set_status(db, scope, conversation_id, "deleted")
    except NotFound:
        document = records.get(db, scope, conversation_id)
        if document["status"] != "deleted":
            raise
        return document


def hard_delete(
    db: Db, scope: Scope, conversation_ids: list, *, must_exist: bool = False
) -> Deleted:
    """Erase these conversations of the scope (any status) and what hangs off them.

    Ids outside the scope are skipped; with ``must_exist`` the first of them is
    refused instead (``NotFound`` or ``NotOwned``) and nothing is erased.
    """
    ids = [require_id(i, "conversation id") for i in conversation_ids]
    found = db.conversations.find({"_id": {"$in": ids}, **scope.query()}, {"_id": 1})
    owned = [d["_id"] for d in found]
    absent = [i for i in ids if i not in owned]
    if must_exist and absent:
        raise records.missing(db, scope, absent[0])
    return _erase(db, scope, owned)


def hard_delete_all(db: Db, scope: Scope) -> Deleted:
    """Erase every conversation in the scope, with their messages and summaries."""
    owned = [d["_id"] for d in db.conversations.find(scope.query(), {"_id": 1})]
    return _erase(db, scope, owned)


def _erase(db: Db, scope: Scope, ids: list[str]) -> Deleted:
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
