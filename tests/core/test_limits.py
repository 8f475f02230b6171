"""Input limits: nesting is measured without parsing, so without recursion."""

import pytest

from app.core.limits import BODY_DEPTH_MAX, deeper_than
from app.core.validation import JSON_DEPTH_MAX


@pytest.mark.parametrize(
    "raw,depth",
    [
        (b"", 0),
        (b"42", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[{{{{"}', 1),
        (b'{"a": "\\"[[[["}', 1),
        (b'["\\\\", [[]]]', 3),
        (b"[" * 100_000, 100_000),
    ],
)
def test_depth_is_measured_outside_strings(raw, depth):
    assert not deeper_than(raw, depth)
    if depth:
        assert deeper_than(raw, depth - 1)


def test_a_body_can_carry_the_deepest_storable_value():
    assert BODY_DEPTH_MAX > JSON_DEPTH_MAX + 8
