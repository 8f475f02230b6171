"""mongomock's read paths rerouted through the postings, each answering what mongomock does.

- ``Collection._iter_documents`` (every find, count, update, delete, uniqueness check):
  the candidates of ``reads.candidates``, tested against what is left of the filter.
- ``Collection._get_dataset``: sorted before anything is copied (``copying``).
- ``Cursor._compute_results`` for a cursor with a limit: only its window is sorted out,
  tested and copied (mongomock copied every match first); the window is kept, so
  reading n documents costs n, not n² (mongomock re-sliced its results at each one).
- ``Collection.find_one`` reads a window of one; ``count_documents`` counts postings.
- ``Cursor.distinct`` reads the stored documents instead of copies of them.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping

from mongomock import filtering, helpers
from mongomock.filtering import NOTHING

from . import copying, reads


def iter_documents(self, filter):
    documents, residual = reads.candidates(self, filter)
    if residual is None:
        return iter(documents)
    applies = filtering.filter_applies
    return (d for d in documents if applies(residual, d))


def get_dataset(self, spec, sort, fields, as_class):
    copy_of = copying.copier(self, fields, as_class)
    for document in reads.matching(self, spec, sort):
        yield copy_of(document)


def windowed(compute):
    """``Cursor._compute_results`` that computes a limited cursor's window alone, once."""

    @functools.wraps(compute)
    def compute_results(self, with_limit_and_skip=False):
        if not with_limit_and_skip:
            return compute(self)
        key = (self._factory, self._skip, self._limit)
        kept = getattr(self, "_window", None)
        if kept is None or kept[0][0] is not key[0] or kept[0][1:] != key[1:]:
            kept = self._window = (key, _window(self, compute))
        return kept[1]

    compute_results.windowed = True  # type: ignore[attr-defined]  # the idempotence mark
    return compute_results


def _window(cursor, compute) -> list:
    skip, limit = cursor._skip or 0, abs(cursor._limit or 0)
    full = cursor._results and cursor._factory_last_generated_results is cursor._factory
    if not limit or full:
        results = compute(cursor)[skip:]
        return results[:limit] if limit else results
    rows = reads.window(cursor, skip, limit)
    if cursor.collection.codec_options.tz_aware:
        rows = [helpers.make_datetime_timezone_aware_in_document(r) for r in rows]
    return rows


def counting(count_documents):
    """``Collection.count_documents`` answered by the postings when they can."""

    @functools.wraps(count_documents)
    def count(self, filter, **kwargs):
        counted = None if kwargs else reads.count(self, filter)
        return count_documents(self, filter, **kwargs) if counted is None else counted

    return count


def find_one(self, filter=None, *args, **kwargs):
    if filter is None:
        filter = {}
    if not isinstance(filter, Mapping):
        filter = {"_id": filter}
    cursor = self.find(filter, *args, **kwargs)
    return next(cursor.limit(1), None)


def reading_stored(distinct):
    """``Cursor.distinct`` over the stored documents (the values found are copied)."""

    @functools.wraps(distinct)
    def stored_distinct(self, key, session=None):
        plain = not session and isinstance(key, str) and self._projection is None
        if not plain or self.collection.codec_options.tz_aware:
            return distinct(self, key, session)
        posted = reads.stored_values(self.collection, self._spec, key)
        if posted is None:
            return _distinct(reads.matching(self.collection, self._spec, None), key)
        strings, others = posted
        return list(dict.fromkeys([*strings, *_distinct(others, key)]))

    return stored_distinct


def _distinct(documents, key: str) -> list:
    """mongomock's ``Cursor.distinct`` over ``documents`` (what it finds is copied)."""
    unique = set()
    for document in documents:
        for values in filtering.iter_key_candidates(key, document):
            if values is NOTHING:
                continue
            for value in values if isinstance(values, (tuple, list)) else [values]:
                unique.add(helpers.hashdict(value) if isinstance(value, dict) else value)
    found = [dict(v) if isinstance(v, helpers.hashdict) else v for v in unique]
    return copy.deepcopy(found)
