"""Sorting stored documents in mongomock's order, with plain Python keys where possible.

mongomock sorts by one stable pass per sort key (last key first), comparing
``(prefix, BsonComparable(value))`` pairs: a Python-level BSON comparison per pair.
For values of the plain BSON types (strings, numbers, booleans, dates, ObjectIds, null,
missing, and arrays, which sort by their first element) the same order comes from
``(prefix, type bracket, value)`` tuples compared natively: values of different brackets
order by bracket as mongomock's ``bson_compare`` does, values of one bracket by Python's
own comparison, which is what ``bson_compare`` applies to them. When any value is of
another type (documents, nested arrays, binary, NaN, ...) the sort is mongomock's own.

Keys in one direction sort in one pass on the tuple of keys (stable, as mongomock's
passes are); mixed directions take one stable pass per key, as mongomock does.
"""

from __future__ import annotations

import functools
import heapq
from datetime import datetime

from bson import ObjectId
from mongomock import filtering
from mongomock.filtering import NOTHING

_BRACKETS = {
    type(None): 5,
    int: 10,
    float: 10,
    str: 15,
    ObjectId: 35,
    bool: 40,
    datetime: 45,
}
HEAP_FRACTION = 8  # a heap pays off for the first n of more than 8n documents
_MISSING = (1, 5, 0)  # missing and null sort alike
_EMPTY_ARRAY = (0, 5, 0)  # an empty array sorts before everything


def sort_pairs(sort) -> list[tuple[str, int]]:
    items = sort.items() if isinstance(sort, dict) else sort
    return [(key, direction) for key, direction in items]


def plain_key(value):
    """The native sort key of ``value``, or ``None`` when only mongomock can compare it."""
    if value is NOTHING:
        return _MISSING
    if isinstance(value, (list, tuple)):
        if not value:
            return _EMPTY_ARRAY
        value = value[0]
    bracket = _BRACKETS.get(type(value))
    if bracket is None or value != value:  # NaN orders unlike any number
        return None
    if bracket == 45 and value.tzinfo is not None:  # cannot be compared with naive dates
        return None
    return _MISSING if bracket == 5 else (1, bracket, value)


def _column(documents: list, key: str) -> list | None:
    if "." in key:
        values = [filtering.resolve_key(key, d) for d in documents]
    else:
        values = [d.get(key, NOTHING) for d in documents]
    if _one_bracket(values):  # natively comparable among themselves: no key needed
        return values
    column = [plain_key(value) for value in values]
    return None if None in column else column


def _one_bracket(values: list) -> bool:
    """Whether the values are all strings, all dates, all ObjectIds or all (non-NaN)
    numbers other than booleans: then they order among themselves as mongomock orders them."""
    types = set(map(type, values))
    if len(types) == 1 and types <= {str, datetime, ObjectId, int}:
        return True
    return types <= {int, float} and all(v == v for v in values)


def fast_sorted(documents: list, sort, wanted: int | None = None) -> list | None:
    """``documents`` in the sort's order, or ``None`` when a value needs mongomock's sort.

    With ``wanted``, only the first ``wanted`` of them when the keys share one direction
    (``heapq`` keeps the same order for ties as a stable sort).
    """
    pairs = sort_pairs(sort)
    if any(key.startswith("$") or type(direction) is not int for key, direction in pairs):
        return None
    columns = []
    for key, _ in pairs:
        column = _column(documents, key)
        if column is None:
            return None
        columns.append(column)
    order = list(range(len(documents)))
    directions = {direction < 0 for _, direction in pairs}
    if len(directions) == 1:
        keys = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
        descending = directions.pop()
        if wanted is not None and wanted * HEAP_FRACTION < len(documents):
            pick = heapq.nlargest if descending else heapq.nsmallest
            order = pick(wanted, order, key=keys.__getitem__)
        else:
            order.sort(key=keys.__getitem__, reverse=descending)
    else:
        for column, (_, direction) in reversed(list(zip(columns, pairs, strict=True))):
            order.sort(key=column.__getitem__, reverse=direction < 0)
    return [documents[i] for i in order]


def mongomock_sorted(documents, sort):
    """mongomock's own sort (``Collection._get_dataset``), for the values it alone compares."""
    dataset = iter(documents)
    for sort_key, sort_direction in reversed(sort_pairs(sort)):
        if sort_key == "$natural":
            if sort_direction < 0:
                dataset = iter(reversed(list(dataset)))
            continue
        if sort_key.startswith("$"):
            raise NotImplementedError(f"Sorting by {sort_key} is not implemented in mongomock yet")
        key = functools.partial(_resolve_sort_key, sort_key)
        dataset = iter(sorted(dataset, key=key, reverse=sort_direction < 0))
    return dataset


def _resolve_sort_key(key: str, document):
    return filtering.resolve_sort_key(key, document)
