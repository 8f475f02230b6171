"""A conversation's live context: what it costs now, and what to send an LLM.

The live context is the thread (the path from the root to the latest message)
minus compacted messages, plus the latest summary. ``load`` reads it once and
prices it; compaction runs, the automatic-compaction check and ``context``
all start from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import conversations, summaries, tokens, tree
from ..scope import Scope
from ..store import Db
from ..summaries import summary_tokens
from .plan import CompactionRequest, Unit, message_cost, messages_of, units_of, unprotected


@dataclass(frozen=True)
class Live:
    """The live context in one encoding (see the module docstring)."""

    messages: list[dict]  # every message of the conversation, in append order
    units: list[Unit]  # the live thread, grouped into units and priced
    summary: dict | None  # the latest summary with text
    summary_tokens: int  # what that summary costs as a system message

    @property
    def tokens(self) -> int:
        """What the live context costs: its messages plus the latest summary."""
        return sum(u.tokens for u in self.units) + self.summary_tokens


def load(db: Db, conversation: dict, encoding: str) -> Live:
    """Read ``conversation``'s live context and price it in ``encoding``."""
    everything = list(db.messages.find({"conversation_id": conversation["_id"]}).sort([("seq", 1)]))
    thread = tree.thread(everything, conversation.get("latest_message_id"))
    live = [m for m in thread if m.get("compacted_by") is None]
    summary = summaries.latest(db, conversation, with_text=True)
    cost = summary_tokens(summary["text"] if summary else None, encoding)
    return Live(everything, units_of(live, encoding), summary, cost)


def context(
    db: Db,
    scope: Scope,
    conversation_id: object,
    max_tokens: int | None = None,
    model: str | None = None,
) -> dict:
    """The messages to send an LLM: system messages, the latest summary, pinned ones,
    then the most recent that fit ``max_tokens`` (never exceeded), in order."""
    CompactionRequest("none", max_tokens=max_tokens, model=model).validate()
    conversation = conversations.get_live(db, scope, conversation_id)
    model = model or conversation.get("model")
    encoding = tokens.encoding_for(model)
    live = load(db, conversation, encoding.name)
    picker = _Picker(max_tokens)
    summary = live.summary if picker.pick(live) else None
    chosen = messages_of(u for u in live.units if id(u) in picker.taken)
    return {
        "conversation_id": conversation["_id"],
        "model": model,
        "encoding": encoding.name,
        "exact": encoding.exact,
        "max_tokens": max_tokens,
        "token_count": picker.spent,
        "messages": _entries(chosen, summary, live.summary_tokens, encoding.name),
        "omitted": len(messages_of(live.units)) - len(chosen),
    }


class _Picker:
    """Takes units while they fit the budget (``None``: no budget)."""

    def __init__(self, budget: int | None):
        self.budget, self.spent = budget, 0
        self.taken: set[int] = set()  # ids of the units taken

    def pick(self, live: Live) -> bool:
        """Take what fits, in order: system units (oldest first), the summary, pinned
        units, then the newest others until one does not fit. True if the summary fits."""
        system = sorted((u for u in live.units if u.has_system), key=lambda u: u.first_seq)
        pinned = [u for u in live.units if u.protected and not u.has_system]
        for unit in system:
            self.take(unit)
        with_summary = live.summary is not None and self.spend(live.summary_tokens)
        for unit in reversed(pinned):
            self.take(unit)
        self.take_while(reversed(unprotected(live.units)))
        return with_summary

    def take_while(self, units: Iterable[Unit]) -> None:
        """Take ``units`` in order until the first that does not fit."""
        for unit in units:
            if not self.take(unit):
                return

    def spend(self, cost: int) -> bool:
        if self.budget is not None and self.spent + cost > self.budget:
            return False
        self.spent += cost
        return True

    def take(self, unit: Unit) -> bool:
        if not self.spend(unit.tokens):
            return False
        self.taken.add(id(unit))
        return True


def _entries(chosen: list[dict], summary: dict | None, summary_cost: int, encoding: str) -> list:
    """System messages, then the summary (if taken), then the rest, in order."""
    system = [_entry(m, encoding) for m in chosen if m["role"] == "system"]
    rest = [_entry(m, encoding) for m in chosen if m["role"] != "system"]
    summaries = [_summary_entry(summary, summary_cost)] if summary else []
    return [*system, *summaries, *rest]


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


def _summary_entry(summary: dict, cost: int) -> dict:
    return {
        "id": summary["_id"],
        "kind": "summary",
        "role": "system",
        "content": summary["text"],
        "token_count": cost,
        "is_pinned": False,
        "created_at": summary["created_at"],
    }
