"""The embedded store makes each write atomic, as MongoDB does (mongomock alone does not)."""

import threading

import mongomock
from pymongo import ReturnDocument

from app.db import _EMBEDDED_WRITES


def hammer(collection, threads=8, rounds=400) -> list[int]:
    """Counter values handed out by concurrent find_one_and_update calls."""
    seen: list[int] = []

    def worker():
        for _ in range(rounds):
            before = collection.find_one_and_update(
                {"_id": "counter"}, {"$inc": {"n": 1}}, return_document=ReturnDocument.BEFORE
            )
            seen.append(before["n"])

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for worker_thread in workers:
        worker_thread.start()
    for worker_thread in workers:
        worker_thread.join()
    return seen


def test_concurrent_counter_updates_never_hand_out_a_value_twice(db):
    db.counters.insert_one({"_id": "counter", "n": 0})
    seen = hammer(db.counters)
    assert sorted(seen) == list(range(len(seen)))
    assert db.counters.find_one({"_id": "counter"})["n"] == len(seen)


def test_a_conditional_claim_has_one_winner(db):
    db.jobs.insert_many([{"_id": i, "owner": None} for i in range(50)])
    winners: dict[int, list[str]] = {i: [] for i in range(50)}

    def claim(name):
        for job in range(50):
            if db.jobs.find_one_and_update({"_id": job, "owner": None}, {"$set": {"owner": name}}):
                winners[job].append(name)

    workers = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(len(names) == 1 for names in winners.values())


def test_every_write_method_is_serialised(db):
    for name in _EMBEDDED_WRITES:
        if isinstance(db, mongomock.Database):
            assert getattr(getattr(mongomock.Collection, name), "serialised", False), name
