"""Core tag lists: order and counts, and sorted pages."""

import pytest

from app.core import conversations, tags
from app.core.errors import Invalid

# --- list_tags / counts -------------------------------------------------------------------------


def test_list_tags_orders_by_position_then_name_and_counts(db, alice):
    for name in ("b", "a"):
        tags.create(db, alice, name)
    db.tags.update_many({}, {"$set": {"position": 1}})
    conversations.create(db, alice, tags=["b"])
    assert [(t["tag"], t["count"]) for t in tags.list_tags(db, alice)] == [("a", 0), ("b", 1)]


def test_counts_of_a_user_without_conversations_are_empty(db, alice):
    tags.create(db, alice, "lonely")
    assert tags.counts(db, alice) == {}
    assert tags.list_tags(db, alice)[0]["count"] == 0


def test_admin_counts_cover_the_workspace(db, alice, bob):
    from app.core.scope import Scope

    conversations.create(db, alice, tags=["a"])
    conversations.create(db, bob, tags=["a", "b"])
    assert tags.counts(db, Scope.for_admin("root")) == {"a": 2, "b": 1}


# --- page -------------------------------------------------------------------------------------


@pytest.fixture
def counted(db, alice):
    """Tags a (1 conversation), b (3), c (2), then an orphan z (1)."""
    for name in "abc":
        tags.create(db, alice, name)
    for carried in (["a", "b", "c"], ["b", "c"], ["b", "z"]):
        conversations.create(db, alice, tags=carried)


@pytest.mark.parametrize(
    ("sort", "order_", "expected"),
    [
        ("position", "asc", ["a", "b", "c", "z"]),
        ("position", "desc", ["z", "c", "b", "a"]),
        ("name", "asc", ["a", "b", "c", "z"]),
        ("count", "desc", ["b", "c", "z", "a"]),
        ("count", "asc", ["a", "z", "c", "b"]),
        ("createdAt", "desc", ["c", "b", "a", "z"]),
    ],
)
def test_page_sorts(db, alice, counted, sort, order_, expected):
    found = tags.page(db, alice, sort=sort, order=order_)
    assert [t["tag"] for t in found.tags] == expected
    assert (found.total, found.pages, found.page_number) == (4, 1, 1)


def test_page_numbers(db, alice, counted):
    second = tags.page(db, alice, page_number=2, page_size=3)
    assert [t["tag"] for t in second.tags] == ["z"]
    assert (second.pages, second.total, second.page_size) == (2, 4, 3)
    beyond = tags.page(db, alice, page_number=5, page_size=3)
    assert (beyond.tags, beyond.pages) == ([], 2)


def test_page_of_nothing(db, alice):
    empty = tags.page(db, alice)
    assert (empty.tags, empty.pages, empty.total) == ([], 0, 0)


@pytest.mark.parametrize(
    "arguments",
    [{"order": "up"}, {"page_number": 0}, {"page_size": 0}, {"sort": "created_at"}],
)
def test_page_rejects_bad_arguments(db, alice, arguments):
    with pytest.raises(Invalid):
        tags.page(db, alice, **arguments)
