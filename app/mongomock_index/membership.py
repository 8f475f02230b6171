"""``$in`` / ``$nin`` against a long list of plain values: one set, then lookups.

mongomock tests a value against an ``$in`` list by scanning the list, for every
document; with thousands of ids that is quadratic. A list of plain values (no regexes,
documents or arrays) longer than ``SHORT_LIST`` is hashed once (kept while the same
list object is asked again unchanged) and values are looked up in it; other lists keep
mongomock's own test.
"""

from __future__ import annotations

import re

from bson.regex import Regex
from mongomock import filtering
from mongomock.filtering import NOTHING

SHORT_LIST = 16  # up to this many values, scanning the list is as cheap as hashing
_CACHED_SETS = 64
_NOT_PLAIN = (dict, list, tuple, re.Pattern, Regex)


def install() -> None:
    """Replace mongomock's ``$in`` and ``$nin`` operators (idempotent)."""
    operators = filtering._filterer_inst._operator_map
    if getattr(operators["$in"], "hashed", False):
        return
    membership = _set_membership(operators["$in"])
    membership.hashed = True
    operators["$in"] = membership
    operators["$nin"] = lambda value, values: not membership(value, values)


def _frozen(values: list) -> frozenset | None:
    """The values as a set, or ``None`` when one of them needs mongomock's own comparison."""
    if any(isinstance(v, _NOT_PLAIN) for v in values):
        return None
    try:
        return frozenset(values)
    except TypeError:
        return None


def _set_membership(scan_list):
    """``$in`` that hashes long lists of plain values once and looks values up."""
    sets: dict[int, tuple[list, int, frozenset | None]] = {}

    def plain_set(values) -> frozenset | None:
        entry = sets.get(id(values))
        if entry is None or entry[0] is not values or entry[1] != len(values):
            if len(sets) >= _CACHED_SETS:
                sets.clear()
            entry = sets[id(values)] = (values, len(values), _frozen(values))
        return entry[2]

    def membership(value, values):
        if not isinstance(values, list) or len(values) <= SHORT_LIST:
            return scan_list(value, values)
        plain = plain_set(values)
        if plain is None:
            return scan_list(value, values)
        if value is NOTHING:
            return None in plain
        try:
            return any(v in plain for v in (value if isinstance(value, (list, tuple)) else [value]))
        except TypeError:  # a document or array inside the value: mongomock compares it
            return scan_list(value, values)

    return membership
