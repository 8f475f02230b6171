"""How each read route scales on the embedded store: 1k / 5k / 20k conversations of one user.

    .venv/bin/python scripts/bench/scale_bench.py [--sizes 1000,5000,20000] [--calls 20]

One user, ~10 messages per conversation, every route through the full Flask stack
(test client, no network), median of ``--calls`` calls (stats: of ``--stats-calls``).
Each route is printed against the raw store operation it rests on, timed on the
same data in the same run, and each size against the first size (the growth: 20x
the conversations should cost about 20x at most). Bounded: one process, one size
at a time; the largest size holds ~220k documents (~2 GB of memory at peak).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta

from app import create_app
from app.api.auth import mint_token
from app.core.pagination import Sort
from app.core.scope import Scope
from app.core.searchable import words_field
from app.extensions import mongo

WORDS = ("python", "kubernetes", "sourdough", "lisbon", "postgres")
WORDS += ("budget", "travel", "report", "async", "index")
USER = Scope.for_user("bench")
MESSAGES_PER_CONVERSATION = 10


def build(db, conversations: int, rng: random.Random) -> list[str]:
    """``conversations`` conversations with their messages, written in bulk."""
    start = datetime(2024, 1, 1)
    ids, batch, texts = [], [], []
    for index in range(conversations):
        cid = f"c{index:07d}"
        created = start + timedelta(minutes=37 * index)
        ids.append(cid)
        batch.append(_conversation(cid, index, created, rng))
        texts.extend(_messages(cid, created, rng))
        if len(texts) >= 20_000:
            db.conversations.insert_many(batch)
            db.messages.insert_many(texts)
            batch, texts = [], []
    if batch:
        db.conversations.insert_many(batch)
        db.messages.insert_many(texts)
    return ids


def _conversation(cid: str, index: int, created: datetime, rng: random.Random) -> dict:
    last = created + timedelta(minutes=MESSAGES_PER_CONVERSATION)
    title = f"{rng.choice(WORDS)} notes {index}"
    return {
        "_id": cid,
        **USER.query(),
        "title": title,
        **words_field(title),
        "title_source": "user",
        "endpoint": "openAI",
        "model": "gpt-4o",
        "model_label": None,
        "assistant_id": None,
        "source": rng.choice(["api", "widget", "playground"]),
        "status": "archived" if index % 9 == 0 else "active",
        "archived_at": None,
        "deleted_at": None,
        "pinned": index % 50 == 0,
        "tags": rng.sample(WORDS, 2),
        "metadata": {},
        "settings": {},
        "message_count": MESSAGES_PER_CONVERSATION,
        "message_seq": MESSAGES_PER_CONVERSATION,
        "latest_message_id": f"{cid}-{MESSAGES_PER_CONVERSATION}",
        "total_input_tokens": 50,
        "total_output_tokens": 80,
        "total_cost_microcents": 1_500_000,
        "last_message_at": last,
        "created_at": created,
        "updated_at": last,
        "forked_from": None,
    }


def _messages(cid: str, created: datetime, rng: random.Random) -> list[dict]:
    out, parent = [], "00000000-0000-0000-0000-000000000000"
    for seq in range(1, MESSAGES_PER_CONVERSATION + 1):
        mid = f"{cid}-{seq}"
        text = " ".join(rng.choices(WORDS, k=12))
        out.append(
            {
                "_id": mid,
                "conversation_id": cid,
                **USER.query(),
                "parent_message_id": parent,
                "seq": seq,
                "role": "user" if seq % 2 else "assistant",
                "sender": "User" if seq % 2 else "GPT-4o",
                "text": text,
                **words_field(text),
                "content": [],
                "model": "gpt-4o",
                "token_count": 20,
                "input_tokens": 10,
                "output_tokens": 16,
                "cost_microcents": 150_000,
                "is_pinned": False,
                "compacted_by": None,
                "created_at": created + timedelta(minutes=seq),
                "metadata": {},
            }
        )
        parent = mid
    return out


def median_ms(operation, calls: int) -> float:
    operation()  # warm
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def routes(client, headers, db, ids: list[str]) -> dict[str, tuple]:
    """route name -> (HTTP call, the raw store operation it rests on)."""
    target = ids[len(ids) // 2]
    scope = USER.query()
    listed = {**scope, "status": {"$in": ["active", "archived"]}}

    def get(url):
        return lambda: _ok(client.get(url, headers=headers))

    return {
        "GET /v1/conversations?limit=25": (
            get("/v1/conversations?limit=25"),
            lambda: list(db.conversations.find(listed).sort(Sort().pymongo).limit(26)),
        ),
        "GET /v1/conversations/{id}": (
            get(f"/v1/conversations/{target}"),
            lambda: (
                db.conversations.find_one({"_id": target, **scope}),
                list(db.messages.find({"conversation_id": target}).sort("seq", 1).limit(51)),
            ),
        ),
        "GET /v1/conversations/{id}/messages": (
            get(f"/v1/conversations/{target}/messages?limit=50"),
            lambda: list(db.messages.find({"conversation_id": target}).sort("seq", 1).limit(51)),
        ),
        "GET /api/tags": (
            get("/api/tags"),
            lambda: list(
                db.conversations.aggregate(
                    [{"$match": listed}, {"$unwind": "$tags"}, {"$group": {"_id": "$tags"}}]
                )
            ),
        ),
        "GET /v1/conversations/search?q=word": (
            get("/v1/conversations/search?q=sourdough"),
            lambda: db.messages.distinct(
                "conversation_id", {**scope, "words": {"$all": ["sourdough"]}}
            ),
        ),
        "GET /v1/conversations/stats": (
            get("/v1/conversations/stats"),
            lambda: list(
                db.conversations.aggregate(
                    [{"$match": scope}, {"$group": {"_id": None, "n": {"$sum": 1}}}]
                )
            ),
        ),
    }


def _ok(response):
    assert response.status_code == 200, response.get_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--stats-calls", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    first: dict[str, float] = {}
    print(f"{'route':40} {'size':>6} {'route ms':>9} {'raw ms':>8} {'x raw':>6} {'x first':>8}")
    for size in sizes:
        app = create_app({"TESTING": True, "SEED_DEMO_DATA": False, "MONGO_DB": f"scale{size}"})
        with app.app_context():
            db, headers = mongo.db, {"Authorization": f"Bearer {mint_token('bench')}"}
            ids = build(db, size, random.Random(size))
            client = app.test_client()
            for name, (route, raw) in routes(client, headers, db, ids).items():
                calls = args.stats_calls if "stats" in name else args.calls
                route_ms, raw_ms = median_ms(route, calls), median_ms(raw, calls)
                growth = route_ms / first.setdefault(name, route_ms)
                print(
                    f"{name:40} {size:6} {route_ms:9.1f} {raw_ms:8.1f} "
                    f"{route_ms / raw_ms:6.1f} {growth:8.1f}",
                    flush=True,
                )
        app.extensions["mongo"].client.close()


if __name__ == "__main__":
    main()
