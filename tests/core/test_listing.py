"""Conversation lists: offset pages, counted cursor pages, and selections that are values."""

import dataclasses

import pytest

from app.core import conversations, deletion, listing
from app.core.errors import Invalid
from app.core.pagination import Sort
from tests.builders import titled

# --- list_offset ------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (101, 0), (10, -1), (10, 100_001)])
def test_list_offset_bounds(db, alice, limit, offset):
    with pytest.raises(Invalid):
        listing.list_offset(db, alice, limit=limit, offset=offset)


def test_list_offset_pages_with_total_and_has_more(db, alice):
    ids = titled(db, alice, "a", "b", "c", "d", "e")
    oldest_first = Sort("created_at", "asc")
    first = listing.list_offset(db, alice, sort=oldest_first, limit=2)
    assert [c["_id"] for c in first.items] == ids[:2]
    assert (first.total, first.limit, first.offset, first.has_more) == (5, 2, 0, True)
    last = listing.list_offset(db, alice, sort=oldest_first, limit=2, offset=4)
    assert [c["_id"] for c in last.items] == ids[4:]
    assert last.has_more is False
    beyond = listing.list_offset(db, alice, sort=oldest_first, limit=2, offset=9)
    assert (beyond.items, beyond.total, beyond.has_more) == ([], 5, False)


def test_list_offset_defaults_to_newest_update_first_and_respects_filters(db, alice, bob):
    ids = titled(db, alice, "a", "b", "c")
    conversations.rename(db, alice, ids[0], "touched")  # now the most recently updated
    deletion.soft_delete(db, alice, ids[1])
    conversations.create(db, bob)
    page = listing.list_offset(db, alice)
    assert [c["_id"] for c in page.items] == [ids[0], ids[2]]
    assert page.total == 2
    deleted = listing.ListFilter(statuses=("deleted",))
    assert [c["_id"] for c in listing.list_offset(db, alice, deleted).items] == [ids[1]]


# --- list_counted -------------------------------------------------------------------------


def test_list_counted_reports_total_and_how_many_came_before(db, alice):
    ids = titled(db, alice, *"abcdefg")
    sort = Sort("created_at", "asc")
    first = listing.list_counted(db, alice, sort=sort, limit=3)
    assert [c["_id"] for c in first.page.items] == ids[:3]
    assert (first.total, first.before) == (7, 0)
    second = listing.list_counted(db, alice, sort=sort, limit=3, cursor=first.page.next_cursor)
    assert [c["_id"] for c in second.page.items] == ids[3:6]
    assert (second.total, second.before) == (7, 3)
    third = listing.list_counted(db, alice, sort=sort, limit=3, cursor=second.page.next_cursor)
    assert ([c["_id"] for c in third.page.items], third.before) == (ids[6:], 6)
    assert third.page.has_more is False


def test_list_counted_with_search_counts_only_matches(db, alice):
    titled(db, alice, "Kubernetes rollout", "Sourdough", "kubernetes costs", "Lisbon")
    counted = listing.list_counted(
        db, alice, search_text="kubernetes", sort=Sort("title", "asc"), limit=1
    )
    assert [c["title"] for c in counted.page.items] == ["Kubernetes rollout"]
    assert (counted.total, counted.before, counted.page.has_more) == (2, 0, True)
    rest = listing.list_counted(
        db,
        alice,
        search_text="kubernetes",
        sort=Sort("title", "asc"),
        limit=1,
        cursor=counted.page.next_cursor,
    )
    assert [c["title"] for c in rest.page.items] == ["kubernetes costs"]
    assert (rest.total, rest.before) == (2, 1)


def test_list_counted_rejects_a_cursor_of_another_sort(db, alice):
    titled(db, alice, "a", "b")
    page = listing.list_counted(db, alice, sort=Sort("title", "asc"), limit=1)
    with pytest.raises(Invalid):
        listing.list_counted(
            db, alice, sort=Sort("created_at", "asc"), cursor=page.page.next_cursor
        )


# --- selections ----------------------------------------------------------------------------


def test_list_counted_leaves_the_callers_selection_alone(db, alice):
    selection = listing.ListFilter(statuses=("active",))
    listing.list_counted(db, alice, selection, search_text="plan")
    assert selection.extra == {}


def test_a_selection_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        listing.ListFilter().pinned = True
    with pytest.raises(TypeError):
        listing.ListFilter(extra={"title": "a"}).extra["title"] = "b"
