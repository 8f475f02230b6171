"""One stored conversation in the caller's reach: read it, or change it in place.

The lowest conversation layer: messages, compaction, exports and the other
conversation modules find a conversation here, so a missing one is always told
apart from another user's (``NotFound`` or ``NotOwned``) the same way.
"""

from __future__ import annotations

from pymongo import ReturnDocument

from .clock import require_id, utcnow
from .errors import NotFound, NotOwned
from .scope import Scope
from .store import Db


def get(db: Db, scope: Scope, conversation_id: object) -> dict:
    """The conversation, whatever its status; ``NotFound`` or ``NotOwned`` otherwise."""
    conversation_id = require_id(conversation_id, "conversation id")
    document = db.conversations.find_one({"_id": conversation_id, **scope.query()})
    if document is None:
        raise missing(db, scope, conversation_id)
    return document


def get_live(db: Db, scope: Scope, conversation_id: object) -> dict:
    """The conversation unless it is soft-deleted (then ``NotFound``)."""
    document = get(db, scope, conversation_id)
    if document["status"] == "deleted":
        raise NotFound("Conversation not found")
    return document


def missing(db: Db, scope: Scope, conversation_id: str) -> Exception:
    """Explain why a scoped lookup found nothing: absent, or another user's."""
    other = db.conversations.find_one(
        {"_id": conversation_id, "workspace_id": scope.workspace_id}, {"_id": 1}
    )
    if other is not None:
        return NotOwned("You don't have access to this conversation")
    return NotFound("Conversation not found")


def change(
    db: Db,
    scope: Scope,
    conversation_id: object,
    changes: dict,
    live: bool = True,
    also: dict | None = None,
) -> dict:
    """Apply ``$set`` changes (and bump ``updated_at``), plus the update operators in
    ``also``, to one conversation in one atomic write; return it.

    With ``live`` a soft-deleted conversation is ``NotFound``.
    """
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
