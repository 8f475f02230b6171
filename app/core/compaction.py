"""Compaction: fit long conversations into a model's context without losing history.

What is compacted: the conversation's thread (the path from the root to its
latest message), minus messages already compacted. Compaction never deletes:
it marks messages ``compacted_by`` the id of a summary document (see
``app.core.summaries``), so history, listings and exports stay complete.

Strategies (``CompactionRequest.strategy``):

- ``sliding_window``: keep the most recent ``window_size`` messages (default
  20), or, with ``max_tokens``, the most recent messages whose tokens fit that
  budget together with the always-kept ones; the rest is compacted with no
  summary text.
- ``summarization``: keep the last ``keep_last`` messages (default 10) and
  summarise every older one into a stored summary. A summary may cost a
  quarter of the tokens it replaces (at least ``SUMMARY_TOKENS_MIN``), and at
  most the summariser's ``max_tokens``.
- ``hybrid``: a window as in ``sliding_window`` plus a summary of what falls
  outside it. With ``max_tokens`` the summary's share of the budget is
  reserved first (at most half of it), so the result fits the budget.
- ``none``: compacts nothing and switches automatic compaction off.

Always kept: pinned messages and system messages. A tool call and its results
are kept or compacted together. Representation: an assistant message whose
``metadata.tool_calls`` lists call ids (strings, or OpenAI-style objects with
an ``id``), and ``role: "tool"`` messages whose ``metadata.tool_call_id`` names
one of them; such messages form one unit. A window counted in messages keeps
a unit that straddles its edge whole (so it may keep a few more); a token
budget is never exceeded by the window (a budget smaller than the newest
message keeps none but the always-kept ones, which count against it first and
are kept even when they alone exceed it).

Figures: ``tokens_before`` is what the context costs now (live messages plus
the latest summary), ``tokens_after`` what it costs afterwards, both with the
per-message chat overhead of ``app.core.tokens``; ``compression_ratio`` is
``tokens_saved / tokens_before``. A preview runs exactly the same steps,
summariser included, and writes nothing.

Concurrency: a run holds an expiring lock field on the conversation, taken
with one conditional ``find_one_and_update``; a second run meanwhile gets
``Conflict`` (409). A crashed run's lock expires after ``LOCK_SECONDS``.

Automatic compaction: ``settings.compaction`` on the conversation
(``strategy`` and ``threshold_tokens`` plus the strategy's parameters). An
append after which the live thread costs more than the threshold starts a
compaction in the background (``app.core.background``), so appends stay fast.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from . import background, conversations, summaries, tokens
from .clock import new_id, utcnow
from .errors import Conflict, Invalid
from .limits import MODEL_MAX
from .messages import path_to
from .scope import Scope
from .summaries import Budget, Summariser, summary_tokens

log = logging.getLogger(__name__)

STRATEGIES = ("sliding_window", "summarization", "hybrid", "none")
SUMMARISING = ("summarization", "hybrid")
DEFAULT_WINDOW = 20
DEFAULT_KEEP_LAST = 10
COUNT_MAX = 100_000
TOKENS_MAX = 10_000_000
LOCK_SECONDS = 300
SUMMARY_SHARE = 0.25  # a summary costs at most this share of what it replaces…
SUMMARY_TOKENS_MIN = 48  # …but may always use this many tokens

_summariser = Summariser()


def configure(summariser: Summariser) -> None:
    """The summariser automatic compaction uses (set once by the app at start-up)."""
    global _summariser
    _summariser = summariser


@dataclass(frozen=True)
class CompactionRequest:
    strategy: str
    window_size: int | None = None
    max_tokens: int | None = None
    keep_last: int | None = None
    model: str | None = None

    def validate(self) -> None:
        if self.strategy not in STRATEGIES:
            raise Invalid(f"strategy must be one of {', '.join(STRATEGIES)}")
        for name, highest in (
            ("window_size", COUNT_MAX),
            ("keep_last", COUNT_MAX),
            ("max_tokens", TOKENS_MAX),
        ):
            _check_count(name, getattr(self, name), 0, highest)
        if self.model is not None and (
            not isinstance(self.model, str) or len(self.model) > MODEL_MAX
        ):
            raise Invalid(f"model must be a string of at most {MODEL_MAX} characters")


def _check_count(name: str, value: object, lowest: int, highest: int) -> None:
    """``value`` is ``None`` or an integer (not a bool) in ``[lowest, highest]``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise Invalid(f"{name} must be an integer between {lowest} and {highest}")


@dataclass
class Unit:
    """Messages kept or compacted together: one message, or a tool call and its results."""

    messages: list[dict] = field(default_factory=list)
    tokens: int = 0

    @property
    def protected(self) -> bool:
        return any(m.get("is_pinned") or m["role"] == "system" for m in self.messages)

    @property
    def has_system(self) -> bool:
        return any(m["role"] == "system" for m in self.messages)

    @property
    def first_seq(self) -> int:
        return self.messages[0].get("seq") or 0


def message_cost(message: dict, encoding: str) -> int:
    """A message's tokens in ``encoding``: the stored count if it was made there."""
    stored = message.get("token_count")
    if message.get("token_encoding") == encoding and isinstance(stored, int):
        return stored
    return tokens.message_tokens(message["role"], message.get("text"), encoding)


def tool_call_ids(message: dict) -> list[str]:
    """The ids of the tool calls an assistant message makes."""
    calls = (message.get("metadata") or {}).get("tool_calls")
    if message["role"] != "assistant" or not isinstance(calls, list):
        return []
    ids = [c.get("id") if isinstance(c, dict) else c for c in calls]
    return [i for i in ids if isinstance(i, str)]


def units_of(messages: list[dict], encoding: str) -> list[Unit]:
    """Group messages (in order) into units: tool results join the call they answer."""
    units: list[Unit] = []
    calls: dict[str, Unit] = {}
    for message in messages:
        call_id = (message.get("metadata") or {}).get("tool_call_id")
        unit = calls.get(call_id) if message["role"] == "tool" and call_id else None
        if unit is None:
            unit = Unit()
            units.append(unit)
        unit.messages.append(message)
        unit.tokens += message_cost(message, encoding)
        for own_call in tool_call_ids(message):
            calls[own_call] = unit
    return units


def recent_by_count(units: list[Unit], count: int) -> list[Unit]:
    """The newest unprotected units holding ``count`` messages (a straddling unit whole)."""
    kept, held = [], 0
    for unit in reversed([u for u in units if not u.protected]):
        if held >= count:
            break
        kept.append(unit)
        held += len(unit.messages)
    return kept


def recent_by_tokens(units: list[Unit], budget: int) -> list[Unit]:
    """The newest unprotected units whose tokens fit ``budget``; stops at the first misfit."""
    kept, spent = [], 0
    for unit in reversed([u for u in units if not u.protected]):
        if spent + unit.tokens > budget:
            break
        kept.append(unit)
        spent += unit.tokens
    return kept


@dataclass
class Plan:
    kept: list[dict]
    compacted: list[dict]
    summary_budget: int | None  # tokens the new summary may cost; None: no summary


def plan(request: CompactionRequest, units: list[Unit], summariser: Summariser) -> Plan:
    """Which messages a request keeps and compacts, and what a summary may cost."""
    protected = [u for u in units if u.protected]
    summary_budget = summariser.max_tokens if request.strategy in SUMMARISING else None
    if request.strategy == "none":
        recent = [u for u in units if not u.protected]
    elif request.strategy == "summarization":
        keep = DEFAULT_KEEP_LAST if request.keep_last is None else request.keep_last
        recent = recent_by_count(units, keep)
    elif request.max_tokens is not None:
        if summary_budget is not None:
            summary_budget = min(summary_budget, request.max_tokens // 2)
        room = request.max_tokens - (summary_budget or 0) - sum(u.tokens for u in protected)
        recent = recent_by_tokens(units, room)
    else:
        window = DEFAULT_WINDOW if request.window_size is None else request.window_size
        recent = recent_by_count(units, window)
    kept_ids = {id(u) for u in [*protected, *recent]}
    kept = [m for u in units if id(u) in kept_ids for m in u.messages]
    compacted = [m for u in units if id(u) not in kept_ids for m in u.messages]
    if not compacted or summary_budget is None:
        return Plan(kept, compacted, None)
    dropped = sum(u.tokens for u in units if id(u) not in kept_ids)
    share = max(SUMMARY_TOKENS_MIN, int(dropped * SUMMARY_SHARE))
    return Plan(kept, compacted, min(summary_budget, share))


def live_thread(db, conversation: dict) -> list[dict]:
    """The thread's messages not yet compacted, root first."""
    return _live_thread(_all_messages(db, conversation), conversation)


def _all_messages(db, conversation: dict) -> list[dict]:
    return list(db.messages.find({"conversation_id": conversation["_id"]}).sort([("seq", 1)]))


def _live_thread(everything: list[dict], conversation: dict) -> list[dict]:
    by_id = {m["_id"]: m for m in everything}
    leaf = conversation.get("latest_message_id")
    thread = path_to(by_id, leaf) if leaf in by_id else []
    return [m for m in thread if m.get("compacted_by") is None]


def compact(
    db,
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
    lock = _acquire_lock(db, conversation)
    try:
        if request.strategy == "none":
            set_auto(db, scope, conversation["_id"], {"strategy": "none"})
        return _run(db, conversation, request, summariser, preview=False)
    finally:
        _release_lock(db, conversation, lock)


def _run(db, conversation, request, summariser, preview: bool) -> dict:
    encoding = tokens.encoding_for(request.model or conversation.get("model")).name
    everything = _all_messages(db, conversation)
    units = units_of(_live_thread(everything, conversation), encoding)
    previous = summaries.latest(db, conversation, with_text=True)
    previous_cost = summary_tokens(previous and previous["text"], encoding)
    chosen = plan(request, units, summariser)
    result = None
    if chosen.summary_budget is not None:
        prior_text = previous["text"] if previous else None
        budget = Budget(chosen.summary_budget, encoding)
        result = summariser.summarise(prior_text, chosen.compacted, budget)
    before = sum(u.tokens for u in units) + previous_cost
    after = sum(message_cost(m, encoding) for m in chosen.kept)
    after += summary_tokens(result.text, encoding) if result else previous_cost
    summary = None
    if chosen.compacted and not preview:
        summary = _record(db, conversation, request, chosen, result, previous, encoding)
        _mark(db, conversation, chosen.compacted, everything, summary["_id"])
    return _figures(conversation, request, chosen, before, after, preview, summary, result)


def _record(db, conversation, request, chosen: Plan, result, previous, encoding) -> dict:
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


def _mark(db, conversation, compacted: list[dict], everything: list[dict], summary_id) -> None:
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


def _figures(conversation, request, chosen, before, after, preview, summary, result) -> dict:
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


def _acquire_lock(db, conversation: dict) -> str:
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


def _release_lock(db, conversation: dict, token: str) -> None:
    db.conversations.update_one(
        {"_id": conversation["_id"], "compaction_lock.id": token},
        {"$set": {"compaction_lock": None}},
    )


# --- context for an LLM -------------------------------------------------------------


def context(
    db, scope: Scope, conversation_id: object, max_tokens: int | None = None, model=None
) -> dict:
    """The messages to send an LLM: system messages, the latest summary, pinned ones,
    then the most recent that fit ``max_tokens`` (never exceeded), in order."""
    CompactionRequest("none", max_tokens=max_tokens, model=model).validate()
    conversation = conversations.get_live(db, scope, conversation_id)
    encoding = tokens.encoding_for(model or conversation.get("model"))
    units = units_of(live_thread(db, conversation), encoding.name)
    summary = summaries.latest(db, conversation, with_text=True)
    picker = _Picker(max_tokens)
    for unit in sorted((u for u in units if u.has_system), key=lambda u: u.first_seq):
        picker.take(unit)
    summary_entry = _summary_entry(summary, encoding.name)
    if summary_entry is not None and not picker.fits(summary_entry["token_count"]):
        summary_entry = None
    picker.spent += summary_entry["token_count"] if summary_entry else 0
    for unit in reversed([u for u in units if u.protected and not u.has_system]):
        picker.take(unit)
    for unit in reversed([u for u in units if not u.protected]):
        if not picker.take(unit):
            break
    chosen = [m for u in units if id(u) in picker.taken for m in u.messages]
    system = [_entry(m, encoding.name) for m in chosen if m["role"] == "system"]
    rest = [_entry(m, encoding.name) for m in chosen if m["role"] != "system"]
    entries = [*system, *([summary_entry] if summary_entry else []), *rest]
    return {
        "conversation_id": conversation["_id"],
        "model": model or conversation.get("model"),
        "encoding": encoding.name,
        "exact": encoding.exact,
        "max_tokens": max_tokens,
        "token_count": picker.spent,
        "messages": entries,
        "omitted": sum(len(u.messages) for u in units) - len(chosen),
    }


class _Picker:
    """Takes units while they fit the budget (``None``: no budget)."""

    def __init__(self, budget: int | None):
        self.budget, self.spent, self.taken = budget, 0, set()

    def fits(self, cost: int) -> bool:
        return self.budget is None or self.spent + cost <= self.budget

    def take(self, unit: Unit) -> bool:
        if not self.fits(unit.tokens):
            return False
        self.spent += unit.tokens
        self.taken.add(id(unit))
        return True


def _entry(message: dict, encoding: str) -> dict:
    metadata = message.get("metadata") or {}
    entry = {
        "id": message["_id"],
        "kind": "message",
        "role": message["role"],
        "content": message.get("text") or "",
        "token_count": message_cost(message, encoding),
        "is_pinned": bool(message.get("is_pinned")),
        "created_at": message.get("created_at"),
    }
    for name in ("tool_calls", "tool_call_id"):
        if name in metadata:
            entry[name] = metadata[name]
    return entry


def _summary_entry(summary: dict | None, encoding: str) -> dict | None:
    if summary is None:
        return None
    return {
        "id": summary["_id"],
        "kind": "summary",
        "role": "system",
        "content": summary["text"],
        "token_count": summary_tokens(summary["text"], encoding),
        "is_pinned": False,
        "created_at": summary["created_at"],
    }


# --- summaries and settings ---------------------------------------------------------


def list_summaries(db, scope: Scope, conversation_id: object) -> list[dict]:
    """Every summary of a conversation the caller may read, oldest first."""
    conversation = conversations.get(db, scope, conversation_id)
    return summaries.list_for(db, conversation)


@dataclass(frozen=True)
class AutoCompaction(CompactionRequest):
    """``settings.compaction``: compact with these parameters above ``threshold_tokens``."""

    threshold_tokens: int | None = None

    def request(self) -> CompactionRequest:
        parameters = asdict(self)
        parameters.pop("threshold_tokens")
        return CompactionRequest(**parameters)

    def validate(self) -> None:
        self.request().validate()
        if self.strategy != "none" and self.threshold_tokens is None:
            raise Invalid("threshold_tokens is required unless the strategy is none")
        _check_count("threshold_tokens", self.threshold_tokens, 1, TOKENS_MAX)


AUTO_FIELDS = frozenset(AutoCompaction.__dataclass_fields__)


def get_auto(db, scope: Scope, conversation_id: object) -> dict:
    """A conversation's automatic-compaction setting (``strategy: none`` when unset)."""
    conversation = conversations.get(db, scope, conversation_id)
    return _auto_of(conversation)


def _auto_of(conversation: dict) -> dict:
    """The stored setting, or ``strategy: none`` when it is absent or not usable
    (settings may be written by other routes: an append must never fail on them)."""
    stored = (conversation.get("settings") or {}).get("compaction")
    known = (
        {k: v for k, v in stored.items() if k in AUTO_FIELDS} if isinstance(stored, dict) else {}
    )
    setting = AutoCompaction(**{"strategy": "none", **known})
    try:
        setting.validate()
    except Invalid:
        setting = AutoCompaction("none")
    return asdict(setting)


def set_auto(db, scope: Scope, conversation_id: object, setting: dict) -> dict:
    """Replace a conversation's automatic-compaction setting; returns it."""
    try:
        auto = AutoCompaction(**setting)
    except TypeError as exc:
        raise Invalid("unknown compaction setting") from exc
    auto.validate()
    stored = {k: v for k, v in asdict(auto).items() if v is not None}
    updated = conversations.update(db, scope, conversation_id, settings={"compaction": stored})
    return _auto_of(updated)


def after_append(db, scope: Scope, conversation: dict) -> None:
    """Called by ``messages.append``: start automatic compaction when it is due."""
    setting = _auto_of(conversation)
    if setting["strategy"] == "none" or not setting["threshold_tokens"]:
        return
    auto = AutoCompaction(**setting)
    background.run_in_background(
        lambda: _auto_compact(db, scope, conversation, auto), "auto-compaction"
    )


def _auto_compact(db, scope: Scope, conversation: dict, setting: AutoCompaction) -> None:
    request = setting.request()
    encoding = tokens.encoding_for(request.model or conversation.get("model")).name
    fresh = conversations.get_live(db, scope, conversation["_id"])
    live = live_thread(db, fresh)
    summary = summaries.latest(db, fresh, with_text=True)
    cost = sum(message_cost(m, encoding) for m in live)
    cost += summary_tokens(summary and summary["text"], encoding)
    if cost <= setting.threshold_tokens:
        return
    try:
        compact(db, scope, conversation["_id"], request, _summariser)
    except Conflict:
        log.info("auto-compaction of %s skipped: another run holds it", conversation["_id"])
    except Exception:  # a background job must log, never die silently
        log.exception("auto-compaction of %s failed", conversation["_id"])
