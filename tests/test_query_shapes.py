"""The query-shape audit's rules (MongoDB's, simplified), and docs/indexes.md kept current.

The audit itself runs over the whole suite (tests/shapes/plugin.py): every query's
shape is checked against app/indexes.py's indexes and the run fails on one no index serves
that tests/shapes/allowed.py does not explain.
"""

from pathlib import Path

import pytest

from tests.shapes import docs
from tests.shapes.allowed import ALLOWED, reason_for
from tests.shapes.planner import (
    BLOCKING_SORT,
    SCAN,
    SERVED,
    Index,
    Shape,
    classify,
    conjunction,
)

ROOT = Path(__file__).resolve().parents[1]
SCOPED = Index("scoped", (("w", 1), ("u", 1), ("status", 1), ("updated_at", -1), ("_id", -1)))
TEXT = Index("text", (("w", 1), ("title", "text")))


def judge(query, sort=(), indexes=(SCOPED,)):
    return classify(Shape("c", conjunction(query), tuple(sort)), list(indexes)).category


@pytest.mark.parametrize(
    ("query", "sort", "expected"),
    [
        ({"w": 1, "u": 1}, [], SERVED),
        ({"w": 1, "u": 1, "status": "a"}, [("updated_at", -1), ("_id", -1)], SERVED),
        # reversed walk, and $in exploded for the sort
        ({"w": 1, "u": 1, "status": {"$in": ["a", "b"]}}, [("updated_at", 1), ("_id", 1)], SERVED),
        # mixed directions cannot come from one walk
        ({"w": 1, "u": 1, "status": "a"}, [("updated_at", -1), ("_id", 1)], BLOCKING_SORT),
        # equality, then sort, then range
        ({"w": 1, "u": 1, "status": "a", "_id": {"$lt": "x"}}, [("updated_at", -1)], SERVED),
        ({"w": 1, "u": 1, "status": "a", "updated_at": {"$gte": 1}}, [], SERVED),
        # a field the index lacks: everything the prefix selects is filtered
        ({"w": 1, "u": 1, "source": "api"}, [], SCAN),
        # a gap before a key leaves it unbound
        ({"w": 1, "u": 1, "updated_at": {"$gte": 1}}, [], SCAN),
        ({"w": 1, "u": 1}, [("title", 1)], BLOCKING_SORT),
        ({"u": 1}, [], SCAN),
        # an unanchored or case-insensitive regex is never bound; an anchored one is a range
        ({"w": 1, "u": 1, "status": {"$regex": "ab", "$options": "i"}}, [], SCAN),
        ({"w": 1, "u": 1, "status": {"$regex": "^ab"}}, [], SERVED),
        ({"w": 1, "u": 1, "status": {"$ne": "deleted"}}, [], SCAN),
        # _id bounds the query to those documents
        ({"_id": "x", "w": 1, "anything": 2}, [], SERVED),
        ({"_id": {"$in": ["x", "y"]}, "w": 1}, [("_id", 1)], SERVED),
        ({"_id": {"$in": ["x", "y"]}, "w": 1}, [("title", 1)], BLOCKING_SORT),
    ],
)
def test_index_rules(query, sort, expected):
    assert judge(query, sort) == expected


def test_or_is_served_when_every_branch_is():
    keyset = {
        "$and": [
            {"w": 1, "u": 1, "status": {"$in": ["a"]}},
            {"$or": [{"updated_at": {"$lt": 5}}, {"updated_at": 5, "_id": {"$lt": "x"}}]},
        ]
    }
    assert judge(keyset, [("updated_at", -1), ("_id", -1)]) == SERVED
    mixed = {"w": 1, "u": 1, "$or": [{"status": "a"}, {"title": {"$regex": "x"}}]}
    assert judge(mixed) == SCAN


def test_text_search_needs_its_prefix():
    assert judge({"w": 1, "$text": {"$search": "x"}}, indexes=[TEXT]) == SERVED
    assert judge({"$text": {"$search": "x"}}, indexes=[TEXT]) == SCAN


def test_shapes_print_without_values():
    shape = Shape("c", conjunction({"w": "secret", "n": {"$gte": 3}}), (("n", -1),))
    assert str(shape) == "c {n:range, w:eq} sort(n:-1)"


def test_every_allowed_rule_has_a_reason():
    assert all(rule.reason.strip() for rule in ALLOWED)


def test_rules_name_what_may_stay_unbound():
    assert reason_for("conversations", ("workspace_id", "user_id", "status"), ("tags",))
    assert not reason_for("conversations", ("workspace_id",), ("title",))
    assert not reason_for("conversations", (), ("pinned",))


def test_indexes_doc_is_generated_from_the_table():
    """Regenerate with: .venv/bin/python -m tests.shapes.docs > docs/indexes.md"""
    assert (ROOT / "docs" / "indexes.md").read_text() == docs.render()
