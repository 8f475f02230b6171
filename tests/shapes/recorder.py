"""Record the shape of every query sent to the store while the tests run.

Wraps the read and write methods of mongomock's and pymongo's collections: each
call's filter and sort become a ``Shape``. A ``find`` is recorded when its cursor
first runs, so the sort set on the cursor afterwards counts. Calls a wrapped method
makes internally (mongomock's ``find_one`` calls ``find``) are not recorded twice.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections import defaultdict
from contextlib import contextmanager

import mongomock
import mongomock.collection
import pymongo.collection
import pymongo.cursor

from app import mongomock_index

from .planner import Shape, conjunction

# operation -> where its filter is: a positional index and a keyword name
FILTERED = {
    "find_one": (0, "filter"),
    "count_documents": (0, "filter"),
    "distinct": (1, "filter"),
    "update_one": (0, "filter"),
    "update_many": (0, "filter"),
    "replace_one": (0, "filter"),
    "delete_one": (0, "filter"),
    "delete_many": (0, "filter"),
    "find_one_and_update": (0, "filter"),
    "find_one_and_delete": (0, "filter"),
    "find_one_and_replace": (0, "filter"),
}

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_APP, _TESTS = os.path.join(_ROOT, "app", ""), os.path.join(_ROOT, "tests", "")
_SHAPES = os.path.join(_TESTS, "shapes", "")
_PLUMBING = {os.path.join(_APP, name) for name in ("db.py", "embedded.py")}
_PLUMBING_PACKAGE = os.path.join(_APP, "mongomock_index", "")

recorded: dict[Shape, set[str]] = defaultdict(set)  # shape -> operations that issued it


class _Depth(threading.local):
    value = 0


_depth = _Depth()


@contextmanager
def _call():
    """Whether this call is the outermost recorded one on this thread."""
    _depth.value += 1
    try:
        yield _depth.value == 1
    finally:
        _depth.value -= 1


def sort_keys(sort) -> tuple[tuple[str, int], ...]:
    """A sort argument (list of pairs, mapping, or one field name) as ``(field, direction)``."""
    if not sort:
        return ()
    if isinstance(sort, str):
        return ((sort, 1),)
    pairs = sort.items() if hasattr(sort, "items") else sort
    return tuple((str(name), direction) for name, direction in pairs)


def record(collection_name: str, operation: str, query, sort=None) -> None:
    """Record a query the application sent (tests arranging or checking data are not audited)."""
    if _issued_by_the_app():
        shape = Shape(collection_name, conjunction(query), sort_keys(sort))
        recorded[shape].add(operation)


def _issued_by_the_app() -> bool:
    """Whether the nearest caller outside the libraries and this package is in ``app/``
    (the store's own plumbing in ``app/`` wraps every caller's queries: it does not count)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if _APP in path and path not in _PLUMBING and _PLUMBING_PACKAGE not in path:
            return True
        if _TESTS in path and _SHAPES not in path:
            return False
        frame = frame.f_back
    return False


def _pipeline_shape(pipeline: list) -> tuple[dict, object]:
    """The filter and sort an aggregation starts with (what an index could serve)."""
    stages = list(pipeline or [])
    query, sort = {}, None
    if stages and "$match" in stages[0]:
        query = stages.pop(0)["$match"]
    if stages and "$sort" in stages[0]:
        sort = stages[0]["$sort"]
    return query, sort


def _wrap_filtered(cls, operation: str, position: int, keyword: str) -> None:
    original = getattr(cls, operation)

    @functools.wraps(original)
    def call(self, *args, **kwargs):
        with _call() as outermost:
            if outermost:
                query = args[position] if len(args) > position else kwargs.get(keyword)
                record(self.name, operation, query, kwargs.get("sort"))
            return original(self, *args, **kwargs)

    setattr(cls, operation, call)


def _wrap_aggregate(cls) -> None:
    original = cls.aggregate

    @functools.wraps(original)
    def call(self, pipeline, *args, **kwargs):
        with _call() as outermost:
            if outermost:
                record(self.name, "aggregate", *_pipeline_shape(pipeline))
            return original(self, pipeline, *args, **kwargs)

    cls.aggregate = call


def _wrap_find(cls) -> None:
    original = cls.find

    @functools.wraps(original)
    def call(self, *args, **kwargs):
        with _call() as outermost:
            cursor = original(self, *args, **kwargs)
            cursor._shape_to_record = outermost
            return cursor

    cls.find = call


def _wrap_cursor(cls, runs: str, query_of, sort_of) -> None:
    original = getattr(cls, runs)

    @functools.wraps(original)
    def run(self, *args, **kwargs):
        if getattr(self, "_shape_to_record", False):
            self._shape_to_record = False
            record(self.collection.name, "find", query_of(self), sort_of(self))
        with _call():
            return original(self, *args, **kwargs)

    setattr(cls, runs, run)


def install() -> None:
    """Start recording (once per process), around the embedded store's own patches."""
    if getattr(mongomock.Collection, "_shapes_recorded", False):
        return
    mongomock_index.install()
    for cls in (mongomock.Collection, pymongo.collection.Collection):
        for operation, (position, keyword) in FILTERED.items():
            _wrap_filtered(cls, operation, position, keyword)
        _wrap_aggregate(cls)
        _wrap_find(cls)
        cls._shapes_recorded = True
    _wrap_cursor(
        mongomock.collection.Cursor,
        "_compute_results",
        lambda c: c._spec,
        lambda c: c._sort,
    )
    _wrap_cursor(pymongo.cursor.Cursor, "_refresh", lambda c: c._spec, lambda c: c._ordering)
