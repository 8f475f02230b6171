"""The indexed embedded store answers exactly what plain mongomock answers.

The same random writes and queries run against a fresh, unpatched copy of mongomock
and against the store ``app.db.connect`` opens (postings, native sorts, windows);
every answer is compared, order included.
"""

from __future__ import annotations

import importlib
import random
import sys
from datetime import datetime, timedelta

import pytest

from app.db import connect

SEEDS = range(8)
OWNERS = ("alice", "bob", "carol")
STATUSES = ("active", "archived", "deleted")
WORDS = ("red", "green", "blue", "tea", "x")
NUMBERS = (1, 2, 2.0, 3.5, True, False, None, -1, 10)
START = datetime(2024, 1, 1)


def _plain_mongomock():
    """A second, unpatched import of mongomock (its own classes and operator table)."""
    patched = {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if name == "mongomock" or name.startswith("mongomock.")
    }
    try:
        return importlib.import_module("mongomock")
    finally:
        for name in [n for n in sys.modules if n == "mongomock" or n.startswith("mongomock.")]:
            del sys.modules[name]
        sys.modules.update(patched)


@pytest.fixture(scope="module")
def plain():
    return _plain_mongomock()


class Twin:
    """One collection in plain mongomock and one in the indexed store, written alike."""

    def __init__(self, plain, name: str):
        self.plain = plain.MongoClient(tz_aware=False)[name].things
        self.indexed = connect("mongomock://localhost")[name].things

    def both(self, operation):
        """Run ``operation`` on each collection; the outcomes (or error types) must agree."""
        outcomes = []
        for collection in (self.plain, self.indexed):
            try:
                outcomes.append(("ok", _comparable(operation(collection))))
            except Exception as exc:  # the error's type is what is compared
                outcomes.append(("error", type(exc).__name__))
        assert outcomes[0] == outcomes[1]
        return outcomes[0]


def _comparable(result):
    for attribute in ("matched_count", "deleted_count", "inserted_ids", "inserted_id"):
        if hasattr(result, attribute):
            return {
                a: getattr(result, a, None)
                for a in ("matched_count", "modified_count", "deleted_count", "upserted_id")
            }
    if hasattr(result, "__iter__") and not isinstance(result, (dict, str)):
        return list(result)
    return result


def _document(rng: random.Random, number: int) -> dict:
    document = {"_id": f"d{number:03d}", "owner": rng.choice(OWNERS), "n": rng.choice(NUMBERS)}
    if rng.random() < 0.8:
        document["status"] = rng.choice(STATUSES)
    shape = rng.random()
    if shape < 0.5:
        document["tags"] = rng.sample(WORDS, rng.randint(0, 3))
    elif shape < 0.6:
        document["tags"] = rng.choice(WORDS)
    elif shape < 0.7:
        document["tags"] = [rng.choice(WORDS), [rng.choice(WORDS)], {"k": "red"}]
    document["words"] = rng.sample(WORDS, rng.randint(0, 4))
    document["when"] = START + timedelta(minutes=rng.randint(0, 50))
    document["nested"] = {"k": rng.choice(WORDS), "list": [{"v": rng.choice(WORDS)}]}
    if rng.random() < 0.3:
        document["title"] = rng.choice([*WORDS, None, 5])
    return document


def _filter(rng: random.Random) -> dict:
    parts = [rng.choice(_CONDITIONS)(rng) for _ in range(rng.randint(0, 3))]
    query: dict = {}
    for part in parts:
        query.update(part)
    if rng.random() < 0.15:
        query = {"$and": [query, rng.choice(_CONDITIONS)(rng)]}
    if rng.random() < 0.1:
        query["$or"] = [rng.choice(_CONDITIONS)(rng), rng.choice(_CONDITIONS)(rng)]
    return query


def _some(rng, values, low=0, high=3):
    return rng.sample(values, rng.randint(low, min(high, len(values))))


_CONDITIONS = (
    lambda rng: {"owner": rng.choice(OWNERS)},
    lambda rng: {"owner": {"$in": _some(rng, OWNERS)}},
    lambda rng: {"status": rng.choice(STATUSES)},
    lambda rng: {"status": {"$in": _some(rng, STATUSES, 1)}},
    lambda rng: {"status": {"$eq": rng.choice(STATUSES)}},
    lambda rng: {"status": {"$ne": rng.choice(STATUSES)}},
    lambda rng: {"status": {"$exists": rng.random() < 0.5}},
    lambda rng: {"tags": rng.choice(WORDS)},
    lambda rng: {"tags": {"$in": _some(rng, WORDS)}},
    lambda rng: {"tags": {"$all": _some(rng, WORDS)}},
    lambda rng: {"tags": {"$nin": _some(rng, WORDS)}},
    lambda rng: {"words": {"$all": _some(rng, WORDS, 1)}},
    lambda rng: {"words": rng.choice(WORDS)},
    lambda rng: {"_id": f"d{rng.randint(0, 40):03d}"},
    lambda rng: {"_id": {"$in": [f"d{rng.randint(0, 40):03d}" for _ in range(rng.randint(0, 20))]}},
    lambda rng: {"n": rng.choice(NUMBERS)},
    lambda rng: {"n": {"$gt": rng.choice((0, 1, 2))}},
    lambda rng: {"nested.k": rng.choice(WORDS)},
    lambda rng: {"nested.list.v": rng.choice(WORDS)},
    lambda rng: {"title": rng.choice([*WORDS, None])},
    lambda rng: {"when": {"$lt": START + timedelta(minutes=rng.randint(0, 50))}},
)

_SORT_KEYS = ("n", "when", "title", "_id", "tags", "status", "nested.k", "missing")


def _sort(rng: random.Random) -> list | None:
    if rng.random() < 0.3:
        return None
    keys = rng.sample(_SORT_KEYS, rng.randint(1, 3))
    return [(key, rng.choice((1, -1))) for key in keys]


def _update(rng: random.Random) -> dict:
    return rng.choice(
        (
            lambda: {"$set": {"status": rng.choice(STATUSES)}},
            lambda: {"$set": {"tags": _some(rng, WORDS)}},
            lambda: {"$addToSet": {"tags": rng.choice(WORDS)}},
            lambda: {"$pull": {"words": rng.choice(WORDS)}},
            lambda: {"$push": {"words": rng.choice(WORDS)}},
            lambda: {"$unset": {"owner": ""}},
            lambda: {"$set": {"owner": rng.choice(OWNERS), "n": rng.choice(NUMBERS)}},
            lambda: {"$inc": {"counter": 1}},
        )
    )()


def _write(twin: Twin, rng: random.Random, serial: list[int]) -> None:
    kind = rng.random()
    query = _filter(rng)
    if kind < 0.3:
        serial[0] += 1
        document = _document(rng, serial[0])
        twin.both(lambda c: c.insert_one(dict(document)))
    elif kind < 0.55:
        update = _update(rng)
        many = rng.random() < 0.5
        twin.both(lambda c: (c.update_many if many else c.update_one)(query, update))
    elif kind < 0.65:
        replacement = _document(rng, 0)
        replacement.pop("_id")
        twin.both(lambda c: c.replace_one(query, replacement))
    elif kind < 0.75:
        update, sort = _update(rng), _sort(rng)
        twin.both(lambda c: c.find_one_and_update(query, update, sort=sort))
    elif kind < 0.85:
        twin.both(lambda c: c.delete_one(query))
    else:
        serial[0] += 1
        upserted = {**query, "_id": f"d{serial[0]:03d}"}
        twin.both(lambda c: c.update_one(upserted, {"$set": {"status": "archived"}}, upsert=True))


def _read(twin: Twin, rng: random.Random) -> None:
    query, sort = _filter(rng), _sort(rng)
    skip, limit = rng.choice((0, 0, 1, 3)), rng.choice((0, 0, 1, 2, 5, -3))
    projection = rng.choice((None, {"owner": 1, "tags": 1}, {"nested": 0}, {"n": True, "_id": 0}))

    def found(collection):
        cursor = collection.find(query, projection, skip=skip, limit=limit)
        return cursor.sort(sort) if sort else cursor

    twin.both(found)
    twin.both(lambda c: c.find_one(query, sort=sort))
    twin.both(lambda c: c.count_documents(query))
    field = rng.choice(("tags", "owner", "words"))
    twin.both(lambda c: sorted(map(repr, c.distinct(field, query))))
    group = [
        {"$match": query},
        {"$unwind": "$words"},
        {"$group": {"_id": "$words", "n": {"$sum": 1}}},
    ]
    twin.both(lambda c: sorted(map(repr, c.aggregate(group))))
    key = rng.choice(("$owner", "$tags", "$n", "$nested.k", None, {"o": "$owner"}))
    totals = {"_id": key, "n": {"$sum": "$n"}, "seen": {"$sum": 1}, "last": {"$max": "$when"}}
    twin.both(lambda c: list(c.aggregate([{"$match": query}, {"$group": totals}])))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_writes_and_reads_answer_alike(plain, seed):
    rng = random.Random(seed)
    twin = Twin(plain, f"equivalence{seed}")
    serial = [0]
    documents = [_document(rng, serial[0] + i) for i in range(1, 31)]
    serial[0] += 30
    twin.both(lambda c: c.insert_many([dict(d) for d in documents]))
    for _ in range(150):
        _write(twin, rng, serial)
        _read(twin, rng)
    twin.both(lambda c: list(c.find()))


def test_a_dropped_collection_answers_nothing_then_what_is_inserted_again(plain):
    twin = Twin(plain, "dropped")
    twin.both(
        lambda c: c.insert_many([{"_id": "a", "owner": "alice"}, {"_id": "b", "owner": "bob"}])
    )
    twin.both(lambda c: list(c.find({"owner": "alice"})))
    twin.both(lambda c: c.drop())
    twin.both(lambda c: list(c.find({"owner": "alice"})))
    twin.both(lambda c: c.insert_one({"_id": "a", "owner": "alice"}))
    twin.both(lambda c: list(c.find({"owner": {"$in": ["alice", "bob"]}})))


def test_a_refused_update_leaves_the_postings_as_they_were(plain):
    twin = Twin(plain, "refused")
    for collection in (twin.plain, twin.indexed):
        collection.create_index("tag", unique=True)
    twin.both(lambda c: c.insert_many([{"_id": "a", "tag": "x"}, {"_id": "b", "tag": "y"}]))
    twin.both(lambda c: c.update_one({"_id": "b"}, {"$set": {"tag": "x"}}))
    twin.both(lambda c: list(c.find({"tag": "y"})))
    twin.both(lambda c: list(c.find({"tag": "x"})))
    twin.both(lambda c: c.update_one({"_id": "a"}, {"$set": {"_id": "z"}}))
    twin.both(lambda c: list(c.find({"tag": {"$in": ["x", "y"]}})))


def test_tuples_are_matched_as_mongomock_matches_them(plain):
    twin = Twin(plain, "tuples")
    twin.both(
        lambda c: c.insert_many(
            [{"_id": "a", "tags": ("x", "y")}, {"_id": "b", "tags": ["x", "y"]}]
        )
    )
    for query in ({"tags": "x"}, {"tags": {"$in": ["y"]}}, {"tags": {"$all": ["x", "y"]}}):
        twin.both(lambda c, q=query: list(c.find(q)))
