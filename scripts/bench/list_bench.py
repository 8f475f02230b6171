"""List and append through the full HTTP stack, against raw pymongo on the same data.

    .venv/bin/python scripts/bench/list_bench.py [--conversations 3000] [--pages 300]

Baselines (same run, same embedded store): the raw ``find().sort().limit()`` a page
costs, and a raw ``insert_one`` for an append. Ratios show what the service adds
(validation, scoping, serialisation, HTTP) on top of the store.
"""

from __future__ import annotations

import argparse

from harness import measure, report

from app import create_app
from app.api.auth import mint_token
from app.core import conversations, listing
from app.core.clock import new_id, utcnow
from app.core.pagination import Sort
from app.core.scope import Scope
from app.extensions import mongo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()

    app = create_app({"TESTING": True, "SEED_DEMO_DATA": False, "MONGO_DB": "bench"})
    client = app.test_client()
    with app.app_context():
        db = mongo.db
        headers = {"Authorization": f"Bearer {mint_token('bench')}"}
    scope = Scope.for_user("bench")
    for i in range(args.conversations):
        conversations.create(db, scope, title=f"conversation {i}")
    target = conversations.create(db, scope, title="append target")["_id"]

    cursors = [None]
    sort = Sort()
    query = listing.ListFilter().query(scope)
    while len(cursors) < args.pages:
        page = listing.list_page(db, scope, sort=sort, limit=25, cursor=cursors[-1])
        cursors.append(page.next_cursor if page.has_more else None)

    def raw_page(i):
        after = sort.after(cursors[i % len(cursors)])
        full = {"$and": [query, after]} if after else query
        list(db.conversations.find(full).sort(sort.pymongo).limit(26))

    def http_page(i):
        cursor = cursors[i % len(cursors)]
        url = "/v1/conversations?limit=25" + (f"&cursor={cursor}" if cursor else "")
        assert client.get(url, headers=headers).status_code == 200

    def raw_insert(i):
        db.bench_raw.insert_one({"_id": new_id(), "text": "hello", "created_at": utcnow()})

    def http_append(i):
        url = f"/v1/conversations/{target}/messages"
        response = client.post(url, json={"role": "user", "text": "hello"}, headers=headers)
        assert response.status_code in (200, 201, 404, 405), response.status_code

    calls = args.pages
    report(
        f"List one page of 25 from {args.conversations} conversations (keyset cursors)",
        measure("raw pymongo find+sort+limit", raw_page, calls),
        measure("GET /v1/conversations (full stack)", http_page, calls),
    )
    appended = client.post(
        f"/v1/conversations/{target}/messages", json={"role": "user", "text": "x"}, headers=headers
    ).status_code in (200, 201)
    if appended:
        report(
            "Append one message",
            measure("raw pymongo insert_one", raw_insert, calls),
            measure("POST /v1/conversations/:id/messages", http_append, calls),
        )


if __name__ == "__main__":
    main()
