"""Compaction time for a 5,000-message conversation on the embedded (mongomock) store.

Baseline, measured in the same run: listing the same messages
(``messages.list_all``). Each strategy runs on a fresh copy of the
conversation; the extractive summariser is used (no LLM).

    .venv/bin/python scripts/bench/compaction_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core import compaction, conversations, messages, tokens
from app.core.clock import ROOT_PARENT_ID, new_id, utcnow
from app.core.compaction import CompactionRequest
from app.core.scope import Scope
from app.core.summaries import Summariser
from app.db import connect
from app.indexes import ensure_indexes

MESSAGES = 5_000
SCOPE = Scope.for_user("bench")
RUNS = [
    CompactionRequest("sliding_window", window_size=50),
    CompactionRequest("sliding_window", max_tokens=8_000),
    CompactionRequest("summarization", keep_last=20),
    CompactionRequest("hybrid", max_tokens=8_000),
]


def build(db) -> dict:
    conversation = conversations.create(db, SCOPE, model="gpt-4o")
    documents, parent, now = [], ROOT_PARENT_ID, utcnow()
    for seq in range(1, MESSAGES + 1):
        role = "user" if seq % 2 else "assistant"
        text = (
            f"Message {seq} reviews step {seq % 97} of the rollout. "
            f"The team agreed on item {seq % 13}. Open question {seq % 7} remains."
        )
        document = {
            "_id": new_id(),
            "conversation_id": conversation["_id"],
            "workspace_id": SCOPE.workspace_id,
            "user_id": SCOPE.actor_id,
            "parent_message_id": parent,
            "seq": seq,
            "role": role,
            "text": text,
            "token_count": tokens.message_tokens(role, text, "o200k_base"),
            "token_encoding": "o200k_base",
            "is_pinned": seq % 1000 == 0,
            "compacted_by": None,
            "metadata": {},
            "created_at": now,
        }
        documents.append(document)
        parent = document["_id"]
    messages.insert_many(db, conversation, documents)
    return conversations.get(db, SCOPE, conversation["_id"])


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    client = connect("mongomock://bench")
    summariser = Summariser()
    for request in RUNS:
        db = client[f"bench_{new_id()[:8]}"]
        ensure_indexes(db)
        conversation = build(db)
        listing, _ = timed(lambda: messages.list_all(db, SCOPE, conversation["_id"]))  # noqa: B023
        preview, _ = timed(
            lambda: compaction.compact(db, SCOPE, conversation["_id"], request, summariser, True)  # noqa: B023
        )
        run, result = timed(
            lambda: compaction.compact(db, SCOPE, conversation["_id"], request, summariser)  # noqa: B023
        )
        context, _ = timed(lambda: compaction.context(db, SCOPE, conversation["_id"], 8_000))  # noqa: B023
        label = request.strategy + (
            f" max_tokens={request.max_tokens}" if request.max_tokens else ""
        )
        print(
            f"{label:32} compact {run * 1000:7.0f} ms ({run / listing:5.1f}x listing "
            f"{listing * 1000:.0f} ms), preview {preview * 1000:6.0f} ms, "
            f"context {context * 1000:5.0f} ms; {result['messages_compacted']} compacted, "
            f"{result['tokens_before']:,} -> {result['tokens_after']:,} tokens"
        )
        client.drop_database(db.name)


if __name__ == "__main__":
    main()
