"""Conversation statistics, computed with counts and aggregation pipelines.

The selection is the caller's conversations (every status) narrowed by source,
assistant and a creation-date range. Totals sum the selected conversations'
counters (the cost exactly, in micro-cents: ``costs``); ``activity_by_day`` counts,
per UTC day, the selected conversations created that day and the messages appended to
them that day, so the days add up to ``total_conversations`` and ``total_messages``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from . import costs
from .errors import Invalid
from .lifecycle import STATUSES
from .listing import ListFilter
from .scope import Scope
from .store import Db, DocumentCollection

DAY_FORMAT = "%Y-%m-%d"
FILTERED_CONVERSATIONS_MAX = 100_000
TOTAL_FIELDS = ("total_input_tokens", "total_output_tokens")


def selection(
    source: str | None = None,
    assistant_id: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> ListFilter:
    """What the statistics cover: every status, optionally narrowed.

    The statuses are spelled out (rather than left unconstrained) so that the
    status-led indexes also bound a creation-date range.
    """
    return ListFilter(
        statuses=STATUSES,
        source=source,
        assistant_id=assistant_id,
        created_after=created_after,
        created_before=created_before,
    )


def compute(db: Db, scope: Scope, chosen: ListFilter | None = None) -> dict:
    """The statistics of ``chosen`` (default: everything in scope)."""
    chosen = chosen or selection()
    match = chosen.query(scope)
    totals = _totals(db, scope, chosen, match)
    return {
        **totals,
        "conversations_by_source": _by_source(db, match),
        "activity_by_day": _activity(db, scope, chosen, match),
    }


def _totals(db: Db, scope: Scope, chosen: ListFilter, match: dict) -> dict:
    """Counts per status (each a count over the scope and status index) and the sums of
    the selected conversations' counters (one ``$group``; the cost exactly: ``costs``)."""
    sums = {
        "total_conversations": {"$sum": 1},
        "total_messages": {"$sum": "$message_count"},
        **{name: {"$sum": f"${name}"} for name in TOTAL_FIELDS},
    }
    group = {"_id": None, **sums, **costs.sums(costs.TOTAL)}
    rows = list(db.conversations.aggregate([{"$match": match}, {"$group": group}]))
    row = rows[0] if rows else {}
    summed = {name: row.get(name, 0) for name in sums}
    counted = {f"{status}_conversations": _count(db, scope, chosen, status) for status in STATUSES}
    return {
        "total_conversations": summed.pop("total_conversations"),
        **counted,
        **summed,
        "total_cost_cents": costs.to_cents(costs.stored_micro(row, costs.TOTAL)),
    }


def _count(db: Db, scope: Scope, chosen: ListFilter, status: str) -> int:
    if chosen.statuses is not None and status not in chosen.statuses:
        return 0
    return db.conversations.count_documents(replace(chosen, statuses=(status,)).query(scope))


def _by_source(db: Db, match: dict) -> dict[str, int]:
    pipeline = [
        {"$match": match},
        {"$group": {"_id": "$source", "count": {"$sum": 1}}},
        {"$sort": {"count": -1, "_id": 1}},
    ]
    return {row["_id"]: row["count"] for row in db.conversations.aggregate(pipeline)}


def _per_day(collection: DocumentCollection, match: dict) -> dict[str, int]:
    pipeline = [
        {"$match": match},
        {
            "$group": {
                "_id": {"$dateToString": {"format": DAY_FORMAT, "date": "$created_at"}},
                "count": {"$sum": 1},
            }
        },
    ]
    return {row["_id"]: row["count"] for row in collection.aggregate(pipeline)}


def _activity(db: Db, scope: Scope, chosen: ListFilter, match: dict) -> list[dict]:
    conversations = _per_day(db.conversations, match)
    messages = _per_day(db.messages, _messages_match(db, scope, chosen, match))
    return [
        {"date": day, "conversations": conversations.get(day, 0), "messages": messages.get(day, 0)}
        for day in sorted(conversations.keys() | messages.keys())
    ]


def _messages_match(db: Db, scope: Scope, chosen: ListFilter, match: dict) -> dict:
    """Messages of the selected conversations (all of the scope's when nothing narrows)."""
    narrowed = any(
        getattr(chosen, name) is not None
        for name in ("source", "assistant_id", "created_after", "created_before")
    )
    if not narrowed:
        return scope.query()
    ids = db.conversations.distinct("_id", match)
    if len(ids) > FILTERED_CONVERSATIONS_MAX:
        raise Invalid("too many conversations match; narrow the date range or filters")
    return {**scope.query(), "conversation_id": {"$in": ids}}
