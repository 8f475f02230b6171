"""Which messages a compaction keeps and which it compacts (pure functions).

Messages are grouped into units (one message, or a tool call with its results)
that are kept or compacted together; a strategy picks the recent units to
keep, protected units (pinned or system) are always kept, and a summarising
strategy gets a token budget for its summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .. import tokens
from ..errors import Invalid
from ..limits import MODEL_MAX
from ..summaries import Summariser

STRATEGIES = ("sliding_window", "summarization", "hybrid", "none")
SUMMARISING = ("summarization", "hybrid")
DEFAULT_WINDOW = 20
DEFAULT_KEEP_LAST = 10
COUNT_MAX = 100_000
TOKENS_MAX = 10_000_000
SUMMARY_SHARE = 0.25  # a summary costs at most this share of what it replaces…
SUMMARY_TOKENS_MIN = 48  # …but may always use this many tokens


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
            check_count(name, getattr(self, name), 0, highest)
        if self.model is not None and (
            not isinstance(self.model, str) or len(self.model) > MODEL_MAX
        ):
            raise Invalid(f"model must be a string of at most {MODEL_MAX} characters")


def check_count(name: str, value: object, lowest: int, highest: int) -> None:
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


def unprotected(units: list[Unit]) -> list[Unit]:
    """The units a strategy may compact (neither pinned nor system), in order."""
    return [u for u in units if not u.protected]


def messages_of(units: Iterable[Unit]) -> list[dict]:
    """The messages of ``units``, in order."""
    return [m for u in units for m in u.messages]


def recent_by_count(units: list[Unit], count: int) -> list[Unit]:
    """The newest unprotected units holding ``count`` messages (a straddling unit whole)."""
    kept, held = [], 0
    for unit in reversed(unprotected(units)):
        if held >= count:
            break
        kept.append(unit)
        held += len(unit.messages)
    return kept


def recent_by_tokens(units: list[Unit], budget: int) -> list[Unit]:
    """The newest unprotected units whose tokens fit ``budget``; stops at the first misfit."""
    kept, spent = [], 0
    for unit in reversed(unprotected(units)):
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
    ceiling = summary_ceiling(request, summariser)
    recent = RECENT[request.strategy](request, units, ceiling)
    kept_ids = {id(u) for u in units if u.protected} | {id(u) for u in recent}
    kept = [u for u in units if id(u) in kept_ids]
    dropped = [u for u in units if id(u) not in kept_ids]
    return Plan(messages_of(kept), messages_of(dropped), _summary_budget(ceiling, dropped))


def _summary_budget(ceiling: int | None, dropped: list[Unit]) -> int | None:
    """A share of what the dropped units cost, within ``ceiling`` (``None``: no summary)."""
    if ceiling is None or not dropped:
        return None
    share = max(SUMMARY_TOKENS_MIN, int(sum(u.tokens for u in dropped) * SUMMARY_SHARE))
    return min(ceiling, share)


def summary_ceiling(request: CompactionRequest, summariser: Summariser) -> int | None:
    """The most a summary may cost (``None``: the strategy writes none). A hybrid
    run within ``max_tokens`` reserves at most half of that budget for it."""
    if request.strategy not in SUMMARISING:
        return None
    if request.strategy == "hybrid" and request.max_tokens is not None:
        return min(summariser.max_tokens, request.max_tokens // 2)
    return summariser.max_tokens


def _keep_every(request: CompactionRequest, units: list[Unit], ceiling: int | None) -> list[Unit]:
    return unprotected(units)


def _keep_last(request: CompactionRequest, units: list[Unit], ceiling: int | None) -> list[Unit]:
    keep = DEFAULT_KEEP_LAST if request.keep_last is None else request.keep_last
    return recent_by_count(units, keep)


def _window(request: CompactionRequest, units: list[Unit], ceiling: int | None) -> list[Unit]:
    """The last ``window_size`` messages or, with ``max_tokens``, the newest that fit it
    once the always-kept units and the summary's share are paid for."""
    if request.max_tokens is None:
        window = DEFAULT_WINDOW if request.window_size is None else request.window_size
        return recent_by_count(units, window)
    protected = sum(u.tokens for u in units if u.protected)
    return recent_by_tokens(units, request.max_tokens - (ceiling or 0) - protected)


Recent = Callable[[CompactionRequest, list[Unit], int | None], list[Unit]]

RECENT: dict[str, Recent] = {  # strategy -> the recent, unprotected units it keeps
    "none": _keep_every,
    "summarization": _keep_last,
    "sliding_window": _window,
    "hybrid": _window,
}
