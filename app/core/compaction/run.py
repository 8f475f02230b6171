"""Compaction runs: on request (``compact``) or automatically after an append.

A run plans over the live context (``live.load``), summarises what it drops
when the strategy says so, stores the summary and marks the dropped messages
``compacted_by`` it. One run at a time per conversation: an expiring lock
field taken with one conditional ``find_one_and_update``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from .. import conversations, summaries, tokens
from ..background import Runner
from ..clock import new_id, utcnow
from ..errors import Conflict
from ..scope import Scope
from ..store import Db
from ..summaries import Budget, Summariser, SummaryResult, summary_tokens
from . import auto, live
from .plan import CompactionRequest, Plan, message_cost, plan

log = logging.getLogger(__name__)

LOCK_SECONDS = 300


def compact(
    db: Db,
    scope: Scope,
    conversation_id: object,
    request: CompactionRequest,
    summariser: Summariser,
    preview: bool = False,
) -> dict:
    """Compact a conversation (or, with ``preview``, say what compacting would do)."""
    request.validate()
    conversation = conversations.get_live(db, scope, conversation_id)
    if preview:
        return _run(db, conversation, request, summariser, preview=True)
    lock = acquire_lock(db, conversation)
    try:
        if request.strategy == "none":
            auto.set_auto(db, scope, conversation["_id"], {"strategy": "none"})
        return _run(db, conversation, request, summariser, preview=False)
    finally:
        release_lock(db, conversation, lock)


def _run(
    db: Db, conversation: dict, request: CompactionRequest, summariser: Summariser, preview: bool
) -> dict:
    encoding = tokens.encoding_for(request.model or conversation.get("model")).name
    now = live.load(db, conversation, encoding)
    chosen = plan(request, now.units, summariser)
    result = None
    if chosen.summary_budget is not None:
        prior_text = now.summary["text"] if now.summary else None
        budget = Budget(chosen.summary_budget, encoding)
        result = summariser.summarise(prior_text, chosen.compacted, budget)
    after = sum(message_cost(m, encoding) for m in chosen.kept)
    after += summary_tokens(result.text, encoding) if result else now.summary_tokens
    summary = None
    if chosen.compacted and not preview:
        summary = _record(db, conversation, request, chosen, result, now.summary, encoding)
        _mark(db, conversation, chosen.compacted, now.messages, summary["_id"])
    return _figures(conversation, request, chosen, now.tokens, after, preview, summary, result)


def _record(
    db: Db,
    conversation: dict,
    request: CompactionRequest,
    chosen: Plan,
    result: SummaryResult | None,
    previous: dict | None,
    encoding: str,
) -> dict:
    """Store the summary document of this compaction."""
    ids = [m["_id"] for m in chosen.compacted]
    return summaries.store(
        db,
        conversation,
        {
            "strategy": request.strategy,
            "message_ids": ids,
            "first_seq": chosen.compacted[0].get("seq"),
            "last_seq": chosen.compacted[-1].get("seq"),
            "text": result.text if result else None,
            "token_count": summary_tokens(result.text, encoding) if result else 0,
            "token_encoding": encoding,
            "provider": result.provider if result else None,
            "model": result.model if result else None,
            "warning": result.warning if result else None,
            "supersedes": previous["_id"] if (previous and result) else None,
        },
    )


def _mark(
    db: Db, conversation: dict, compacted: list[dict], everything: list[dict], summary_id: str
) -> None:
    """Set ``compacted_by`` on ``compacted``: one update over their ``seq`` range that
    excludes the other messages inside it (kept, on other branches), so the filter
    stays small (a long ``$in`` is slow on mongomock and large on the wire)."""
    ids = {m["_id"] for m in compacted}
    first, last = min(m["seq"] for m in compacted), max(m["seq"] for m in compacted)
    others = [m["_id"] for m in everything if first <= m["seq"] <= last and m["_id"] not in ids]
    db.messages.update_many(
        {
            "conversation_id": conversation["_id"],
            "seq": {"$gte": first, "$lte": last},
            "_id": {"$nin": others},
            "compacted_by": None,
        },
        {"$set": {"compacted_by": summary_id}},
    )


def _figures(
    conversation: dict,
    request: CompactionRequest,
    chosen: Plan,
    before: int,
    after: int,
    preview: bool,
    summary: dict | None,
    result: SummaryResult | None,
) -> dict:
    saved = before - after
    return {
        "conversation_id": conversation["_id"],
        "messages_compacted": len(chosen.compacted),
        "tokens_before": before,
        "tokens_after": after,
        "tokens_saved": saved,
        "compression_ratio": round(saved / before, 4) if before else 0.0,
        "preview_only": preview,
        "strategy": request.strategy,
        "summary_id": summary["_id"] if summary else None,
        "summarizer": result.provider if result else None,
        "warning": result.warning if result else None,
    }


def acquire_lock(db: Db, conversation: dict) -> str:
    """Take the conversation's compaction lock (``Conflict`` while another run holds it)."""
    token, now = new_id(), utcnow()
    taken = db.conversations.find_one_and_update(
        {
            "_id": conversation["_id"],
            "$or": [{"compaction_lock": None}, {"compaction_lock.expires_at": {"$lt": now}}],
        },
        {
            "$set": {
                "compaction_lock": {
                    "id": token,
                    "expires_at": now + timedelta(seconds=LOCK_SECONDS),
                }
            }
        },
    )
    if taken is None:
        raise Conflict("A compaction of this conversation is already running")
    return token


def release_lock(db: Db, conversation: dict, token: str) -> None:
    """Give the lock back, if ``token`` still holds it."""
    db.conversations.update_one(
        {"_id": conversation["_id"], "compaction_lock.id": token},
        {"$set": {"compaction_lock": None}},
    )


def list_summaries(db: Db, scope: Scope, conversation_id: object) -> list[dict]:
    """Every summary of a conversation the caller may read, oldest first."""
    conversation = conversations.get(db, scope, conversation_id)
    return summaries.list_for(db, conversation)


# --- automatic runs -------------------------------------------------------------------


def after_append(
    db: Db,
    scope: Scope,
    conversation: dict,
    summariser: Summariser,
    run_in_background: Runner,
) -> None:
    """Follow-up of an append to ``conversation``: when it has an automatic-compaction
    setting, check it (and compact when due) through ``run_in_background``."""
    setting = auto.auto_of(conversation)
    if setting["strategy"] == "none" or not setting["threshold_tokens"]:
        return
    due = auto.AutoCompaction(**setting)
    run_in_background(
        lambda: _compact_if_due(db, scope, conversation["_id"], due, summariser), "auto-compaction"
    )


def _compact_if_due(
    db: Db,
    scope: Scope,
    conversation_id: str,
    setting: auto.AutoCompaction,
    summariser: Summariser,
) -> None:
    """Compact when the live context costs more than the setting's threshold."""
    request = setting.request()
    fresh = conversations.get_live(db, scope, conversation_id)
    encoding = tokens.encoding_for(request.model or fresh.get("model")).name
    threshold = setting.threshold_tokens  # set: a setting without one is never due
    if threshold is None or live.load(db, fresh, encoding).tokens <= threshold:
        return
    try:
        compact(db, scope, conversation_id, request, summariser)
    except Conflict:
        log.info("auto-compaction of %s skipped: another run holds it", conversation_id)
    except Exception:  # a background job must log, never die silently
        log.exception("auto-compaction of %s failed", conversation_id)
