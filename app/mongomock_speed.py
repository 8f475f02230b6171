"""Shortcuts that keep mongomock's answers and drop its superlinear costs (embedded store).

mongomock has no indexes: every query tests every document of the collection.

- Reading a cursor no longer copies the rest of its results at every document
  (mongomock slices its result list in each ``next``), which made reading n
  documents cost n² — every aggregation reads its whole collection that way.

- A filter with ``_id`` equal to a string, or ``$in`` a list of strings, looks those
  documents up by key and tests only them (what MongoDB's ``_id`` index does), so
  fetching or updating one conversation no longer reads them all.
- ``$in`` / ``$nin`` against a long list of plain values test membership in a set
  instead of scanning the list for every document, so a query with thousands of ids
  stays linear. Lists holding regexes, documents or arrays keep mongomock's own test.

Documents found through ``_id`` come back in the order of the ids asked for (MongoDB
gives no order without a sort either).
"""

from __future__ import annotations

import functools
import re

import mongomock
import mongomock.collection
from bson.regex import Regex
from mongomock import filtering
from mongomock.filtering import NOTHING

SHORT_LIST = 16  # up to this many values, scanning the list is as cheap as hashing
_CACHED_SETS = 64
_NOT_PLAIN = (dict, list, tuple, re.Pattern, Regex)


def install() -> None:
    """Patch mongomock once per process (idempotent)."""
    collection = mongomock.Collection
    # mongomock's private methods, which its type stubs do not declare
    if getattr(collection._iter_documents, "by_id", False):  # type: ignore[attr-defined]
        return
    collection._iter_documents = _by_id(collection._iter_documents)  # type: ignore[attr-defined]
    cursor = mongomock.collection.Cursor
    cursor._compute_results = _sliced_once(cursor._compute_results)  # type: ignore[method-assign]
    operators = filtering._filterer_inst._operator_map
    membership = _set_membership(operators["$in"])
    operators["$in"] = membership
    operators["$nin"] = lambda value, values: not membership(value, values)


def _sliced_once(compute):
    """Slice a cursor's results for its skip and limit once, not at every ``next``."""

    @functools.wraps(compute)
    def compute_results(self, with_limit_and_skip=False):
        results = compute(self)
        if not with_limit_and_skip:
            return results
        key = (results, self._skip, self._limit)
        kept = getattr(self, "_sliced", None)
        if kept is None or kept[0][0] is not results or kept[0][1:] != key[1:]:
            window = results[self._skip :]
            if self._limit:
                window = window[: abs(self._limit)]
            kept = self._sliced = (key, window)
        return kept[1]

    return compute_results


def _wanted_ids(query) -> list[str] | None:
    """The string ids a filter is confined to, if it says so at its top level."""
    if not isinstance(query, dict) or "_id" not in query:
        return None
    wanted = query["_id"]
    if isinstance(wanted, str):
        return [wanted]
    listed = wanted.get("$in") if isinstance(wanted, dict) and set(wanted) == {"$in"} else None
    if isinstance(listed, list) and all(isinstance(i, str) for i in listed):
        return list(dict.fromkeys(listed))
    return None


def _by_id(scan_all):
    @functools.wraps(scan_all)
    def iter_documents(self, query):
        wanted = _wanted_ids(query)
        store = self._store
        if wanted is None or store.is_empty:  # is_empty also drops expired documents
            return scan_all(self, query)
        with store._rwlock.reader():
            found = [store._documents.get(i) for i in wanted]
        applies = filtering.filter_applies
        return (d for d in found if d is not None and applies(query, d))

    iter_documents.by_id = True  # type: ignore[attr-defined]  # the idempotence mark
    return iter_documents


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
            return any(v in plain for v in (value if isinstance(value, list) else [value]))
        except TypeError:  # a document or array inside the value: mongomock compares it
            return scan_list(value, values)

    return membership
