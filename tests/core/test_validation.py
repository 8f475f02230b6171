"""Stored values: valid Unicode, finite numbers, titles within the cap, in one module."""

import json

import pytest

from app.core import importers, validation
from app.core.errors import Invalid, InvalidField
from tests import samples

LONE = "a\ud800b"


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), float("-inf"), [1, {"deep": [float("nan")]}], json.loads("1e999")],
)
def test_numbers_that_are_not_finite_are_refused(value):
    with pytest.raises(Invalid, match="metadata holds a number that is not finite"):
        validation.check_storable({"k": value}, "metadata")


@pytest.mark.parametrize("value", [LONE, {"k": [LONE]}, {LONE: 1}, {"k": {"\udfff": "x"}}])
def test_a_lone_surrogate_anywhere_names_the_field(value):
    with pytest.raises(InvalidField) as refused:
        validation.check_storable(value, "content")
    assert refused.value.field == "content"
    assert refused.value.details == {"content": [refused.value.message]}


def test_characters_beyond_the_basic_plane_are_fine():
    emoji = json.loads('"\\ud83d\\ude00"')  # a surrogate pair is one character
    validation.check_storable({"k": [emoji, 1.5, 2**62, True, None]}, "metadata")
    assert validation.clean_title(f" {emoji} ") == emoji
    assert validation.clean_tags([emoji]) == [emoji]


def test_a_chosen_title_is_trimmed_and_refused_over_the_cap_or_with_a_lone_surrogate():
    assert validation.clean_title("  " + "t" * 1024 + "\n") == "t" * 1024
    for bad in ("t" * 1025, LONE):
        with pytest.raises(InvalidField) as refused:
            validation.clean_title(bad)
        assert refused.value.field == "title"


def test_a_title_from_elsewhere_is_fitted_not_refused():
    assert validation.fit_title("  " + "t" * 2000) == "t" * 1024
    assert validation.fit_title(LONE) == "a\ufffdb"
    assert validation.fit_title("   ") is None
    assert validation.fit_title(None) is None


def test_tags_name_the_field_they_came_from():
    with pytest.raises(InvalidField) as refused:
        validation.clean_tags(["ok", LONE], field="tag")
    assert refused.value.field == "tag"


def test_an_imported_title_over_the_cap_is_cut_not_refused(db, alice):
    conversation = {**samples.chatgpt_coding(), "title": "  " + "t" * 2000}
    report = importers.import_file(db, alice, samples.as_file([conversation]))
    assert report.conversations == 1
    assert db.conversations.find_one()["title"] == "t" * 1024
