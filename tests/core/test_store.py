"""The store keeps MongoDB's guarantees that the domain relies on, embedded mode included."""

import sys

import pytest
from pymongo import ReturnDocument

from tests.threads import run_in_threads


@pytest.fixture
def eager_thread_switches():
    """Switch threads very often, so races show up in a short run."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def test_find_one_and_update_hands_out_each_value_once(db, eager_thread_switches):
    """Counters taken with find_one_and_update never repeat under threads (append's seq)."""
    db.counters.insert_one({"_id": "c", "n": 0})
    taken: list[int] = []

    def take(_index):
        for _ in range(100):
            before = db.counters.find_one_and_update(
                {"_id": "c"}, {"$inc": {"n": 1}}, return_document=ReturnDocument.BEFORE
            )
            taken.append(before["n"])

    assert run_in_threads(take, 8) == []
    assert sorted(taken) == list(range(800))
    assert db.counters.find_one({"_id": "c"})["n"] == 800
