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
(``strategy`` and ``threshold_tokens`` plus the strategy's parameters). The
append flow (``app.core.appending``) calls ``after_append``: when the live
context then costs more than the threshold, a compaction runs through the
background runner it is given, so appends stay fast.

Modules: ``plan`` (units, strategies, what is kept; pure), ``live`` (the live
context and what it costs, ``context`` for an LLM), ``run`` (runs, the lock,
automatic runs), ``auto`` (the automatic-compaction setting).
"""

from __future__ import annotations

from .auto import AUTO_FIELDS, AutoCompaction, get_auto, set_auto
from .live import Live, context
from .plan import COUNT_MAX, STRATEGIES, TOKENS_MAX, CompactionRequest
from .run import (
    LOCK_SECONDS,
    acquire_lock,
    after_append,
    compact,
    list_summaries,
    release_lock,
)

__all__ = [
    "AUTO_FIELDS",
    "COUNT_MAX",
    "LOCK_SECONDS",
    "STRATEGIES",
    "TOKENS_MAX",
    "AutoCompaction",
    "CompactionRequest",
    "Live",
    "acquire_lock",
    "after_append",
    "compact",
    "context",
    "get_auto",
    "list_summaries",
    "release_lock",
    "set_auto",
]
