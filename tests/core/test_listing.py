"""Selections are values: a list never changes the filter it was given."""

import dataclasses

import pytest

from app.core import listing


def test_list_counted_leaves_the_callers_selection_alone(db, alice):
    selection = listing.ListFilter(statuses=("active",))
    listing.list_counted(db, alice, selection, search_text="plan")
    assert selection.extra == {}


def test_a_selection_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        listing.ListFilter().pinned = True
    with pytest.raises(TypeError):
        listing.ListFilter(extra={"title": "a"}).extra["title"] = "b"
