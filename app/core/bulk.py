"""Bulk actions over many conversations, with a reason for every id that failed.

Ids are checked up front (format, existence in the caller's scope, state), the
eligible ones change in one ``update_many`` per action, and the answer says how
many were updated and why each of the others was not. A conversation already in
the requested state counts as updated (the action is idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import lifecycle
from .clock import require_id, utcnow
from .errors import DomainError, Invalid
from .scope import Scope
from .store import Db
from .validation import TAGS_PER_CONVERSATION, clean_tags

IDS_MAX = 1000
ACTIONS = ("archive", "unarchive", "delete", "restore", "tag", "untag")


@dataclass(frozen=True)
class Rule:
    """Which statuses an action applies to, which already satisfy it, and what it sets."""

    applies_to: tuple[str, ...]
    already: tuple[str, ...] = ()
    status: str | None = None


RULES = {
    "archive": Rule(("active",), ("archived",), "archived"),
    "unarchive": Rule(("archived",), ("active",), "active"),
    "delete": Rule(("active", "archived"), ("deleted",), "deleted"),
    "restore": Rule(("archived", "deleted"), ("active",), "active"),
    "tag": Rule(("active", "archived")),
    "untag": Rule(("active", "archived")),
}


@dataclass
class Outcome:
    """What a bulk action did."""

    action: str
    updated: int = 0
    failures: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def fail(self, conversation_id: object, reason: str, message: str) -> None:
        self.failures.append({"id": conversation_id, "reason": reason, "message": message})


def run(
    db: Db, scope: Scope, action: str, conversation_ids: list, tags: list | None = None
) -> Outcome:
    """Apply ``action`` to each id in scope; never raises for a single bad id."""
    if action not in RULES:
        raise Invalid(f"action must be one of {', '.join(ACTIONS)}")
    if not conversation_ids or len(conversation_ids) > IDS_MAX:
        raise Invalid(f"conversation_ids must hold 1-{IDS_MAX} ids")
    names = _tags_for(action, tags)
    outcome = Outcome(action)
    ids = _valid_ids(conversation_ids, outcome)
    found = {
        doc["_id"]: doc
        for doc in db.conversations.find(
            {"_id": {"$in": ids}, **scope.query()}, {"status": 1, "tags": 1}
        )
    }
    eligible = []
    for conversation_id in ids:
        reason = _refusal(RULES[action], action, found.get(conversation_id), names)
        if reason is not None:
            outcome.fail(conversation_id, *reason)
        elif found[conversation_id]["status"] in RULES[action].applies_to:
            eligible.append(conversation_id)
        else:
            outcome.updated += 1
    outcome.updated += _apply(db, scope, action, eligible, names, outcome)
    return outcome


def _tags_for(action: str, tags: list | None) -> list[str]:
    if action not in ("tag", "untag"):
        return []
    cleaned = clean_tags(tags or [])
    if not cleaned:
        raise Invalid(f"'{action}' needs a non-empty list of tags")
    return cleaned


def _valid_ids(conversation_ids: list, outcome: Outcome) -> list[str]:
    """Well-formed ids without repeats; the others are recorded as failures."""
    valid: list[str] = []
    for raw in conversation_ids:
        try:
            conversation_id = require_id(raw, "conversation id")
        except DomainError as error:
            outcome.fail(raw if isinstance(raw, str) else None, "invalid_id", error.message)
            continue
        if conversation_id not in valid:
            valid.append(conversation_id)
    return valid


def _refusal(
    rule: Rule, action: str, document: dict | None, tags: list[str]
) -> tuple[str, str] | None:
    """(reason, message) when this conversation cannot take the action, else ``None``."""
    if document is None:
        return "not_found", "Conversation not found"
    status = document["status"]
    if status not in rule.applies_to and status not in rule.already:
        return "invalid_state", f"cannot {action} a conversation that is {status}"
    if action == "tag" and len(set(document.get("tags") or []) | set(tags)) > TAGS_PER_CONVERSATION:
        return "too_many_tags", f"a conversation has at most {TAGS_PER_CONVERSATION} tags"
    return None


def _apply(
    db: Db, scope: Scope, action: str, ids: list[str], tags: list[str], outcome: Outcome
) -> int:
    """Change the eligible conversations; ids whose state moved meanwhile become failures."""
    if not ids:
        return 0
    rule = RULES[action]
    query = {"_id": {"$in": ids}, **scope.query(), "status": {"$in": list(rule.applies_to)}}
    result = db.conversations.update_many(query, _update_for(action, rule, tags))
    if result.matched_count == len(ids):
        return len(ids)
    return _settle_raced(db, scope, ids, rule, outcome)


def _update_for(action: str, rule: Rule, tags: list[str]) -> dict:
    now = utcnow()
    if rule.status is not None:
        return {"$set": {**lifecycle.transition(rule.status, now), "updated_at": now}}
    if action == "tag":
        return {"$addToSet": {"tags": {"$each": tags}}, "$set": {"updated_at": now}}
    return {"$pull": {"tags": {"$in": tags}}, "$set": {"updated_at": now}}


def _settle_raced(db: Db, scope: Scope, ids: list[str], rule: Rule, outcome: Outcome) -> int:
    """Another request changed some ids between check and update: count what holds now."""
    wanted = (rule.status,) if rule.status else rule.applies_to
    current = db.conversations.find({"_id": {"$in": ids}, **scope.query()}, {"status": 1})
    settled = {doc["_id"] for doc in current if doc["status"] in wanted}
    for conversation_id in ids:
        if conversation_id not in settled:
            outcome.fail(conversation_id, "conflict", "the conversation changed meanwhile")
    return len(settled)
