"""NeoSQLite's own API on the shapes the service needs most, at 1k and 20k conversations.

    .venv/bin/pip install "neosqlite==1.17.2"
    .venv/bin/python scripts/bench/neosqlite_bench.py [--sizes 1000,20000]

An evaluation aid (docs/performance.md): one user, 10 messages per conversation,
the indexes a keyset list and a conversation's messages need; median of 20 calls.
Prints "skipped" when NeoSQLite is not installed (it is not a dependency).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta

try:
    import neosqlite
except ImportError:  # not a dependency: the service does not use it
    neosqlite = None

SCOPE = {"workspace_id": "default", "user_id": "u"}
LISTED = {**SCOPE, "status": {"$in": ["active", "archived"]}}


def fill(connection, size: int) -> None:
    start = datetime(2024, 1, 1)
    connection.conversations.create_index(
        [("workspace_id", 1), ("user_id", 1), ("status", 1), ("updated_at", -1)]
    )
    connection.messages.create_index([("conversation_id", 1), ("seq", 1)])
    connection.conversations.insert_many(
        [
            {
                "_id": f"c{i:06d}",
                **SCOPE,
                "status": "active",
                "title": f"conversation {i}",
                "created_at": start + timedelta(minutes=i),
                "updated_at": start + timedelta(minutes=i),
            }
            for i in range(size)
        ]
    )
    connection.messages.insert_many(
        [
            {"_id": f"m{i}-{j}", "conversation_id": f"c{i:06d}", **SCOPE, "seq": j, "text": "hi"}
            for i in range(size)
            for j in range(10)
        ]
    )


def operations(conversations, messages) -> dict:
    return {
        "list page (keyset first page)": lambda _: list(
            conversations.find(LISTED).sort([("updated_at", -1), ("_id", -1)]).limit(26)
        ),
        "conversation by _id": lambda i: conversations.find_one({"_id": f"c{i:06d}", **SCOPE}),
        "one conversation's messages": lambda i: list(
            messages.find({"conversation_id": f"c{i:06d}"}).sort([("seq", 1)])
        ),
        "count a user's conversations": lambda _: conversations.count_documents(LISTED),
    }


def median_ms(operation, calls: int = 20) -> float:
    spent = []
    for call in range(calls):
        started = time.perf_counter()
        operation(call)
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,20000")
    args = parser.parse_args()
    if neosqlite is None:
        print("neosqlite_bench: skipped (pip install neosqlite to run it)")
        return
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as directory:
            connection = neosqlite.Connection(os.path.join(directory, "bench.db"))
            fill(connection, size)
            figures = operations(connection.conversations, connection.messages)
            for name, operation in figures.items():
                print(f"{size:6} {name:32} {median_ms(operation):9.2f} ms", flush=True)
            connection.close()


if __name__ == "__main__":
    main()
