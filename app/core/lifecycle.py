"""A conversation's status: active, archived or deleted (soft), and when it got there.

``transition`` is the one table of what a status change writes; single changes,
bulk actions and demo data all take their fields from it, so ``archived_at`` and
``deleted_at`` always mean the same thing:

- ``archived`` stamps ``archived_at``;
- ``deleted`` stamps ``deleted_at`` (an archived conversation keeps its ``archived_at``);
- ``active`` clears both (unarchive, restore).
"""

from __future__ import annotations

from datetime import datetime

from . import records
from .clock import utcnow
from .errors import Invalid
from .scope import Scope
from .store import Db

STATUSES = ("active", "archived", "deleted")
LIVE = ("active", "archived")  # what lists show unless asked for deleted ones
STAMPS = {"archived": "archived_at", "deleted": "deleted_at"}


def check_status(status: object) -> str:
    """``status`` if it is one of ``STATUSES``, else ``Invalid``."""
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}")
    return status


def transition(status: str, at: datetime) -> dict:
    """The fields that put a conversation in ``status`` at the moment ``at``."""
    if check_status(status) == "active":
        return {"status": "active", **dict.fromkeys(STAMPS.values())}
    return {"status": status, STAMPS[status]: at}


def set_status(db: Db, scope: Scope, conversation_id: object, status: str) -> dict:
    """Move to ``active`` (unarchive, or restore a deleted one), ``archived`` or ``deleted``.

    Archiving and deleting need a conversation that is not deleted already.
    """
    changes = transition(status, utcnow())
    return records.change(db, scope, conversation_id, changes, live=status != "active")


def set_archived(db: Db, scope: Scope, conversation_id: object, archived: bool) -> dict:
    """Archive, or bring back to active, a conversation that is not deleted."""
    changes = transition("archived" if archived else "active", utcnow())
    return records.change(db, scope, conversation_id, changes)


def archive_all(db: Db, scope: Scope) -> int:
    """Archive every active conversation in the scope; return how many changed."""
    now = utcnow()
    result = db.conversations.update_many(
        {**scope.query(), "status": "active"},
        {"$set": {**transition("archived", now), "updated_at": now}},
    )
    return result.modified_count
