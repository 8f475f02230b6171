"""Copies of stored documents as mongomock returns them, built with less work.

mongomock copies each returned document (``Collection._copy_only_fields``), rebuilding
its projection spec for every document and copying every value with ``copy.copy``.
``copier`` decides once per cursor: a projection that only includes top-level fields
(``_id`` in or out) is copied directly, with the same keys in the same order, and
values of immutable types are shared instead of copied; any other projection is
mongomock's own.
"""

from __future__ import annotations

import functools
from datetime import datetime

from mongomock.collection import _copy_field

_IMMUTABLE = (str, int, float, bool, type(None), datetime)


def copier(collection, fields, container):
    """A function returning the copy of a stored document that ``fields`` asks for."""
    wanted = _included(fields)
    if fields is None or (not fields and isinstance(fields, dict)):
        return functools.partial(_copy_value, container=container)
    if wanted is None:
        return lambda document: collection._copy_only_fields(document, fields, container)
    keep_id = fields.get("_id", 1) != 0
    return functools.partial(_projected, wanted=wanted, keep_id=keep_id, container=container)


def _copy_value(value, container):
    if type(value) in _IMMUTABLE:
        return value
    if isinstance(value, dict):
        copied = container()
        for key, item in value.items():
            copied[key] = item if type(item) in _IMMUTABLE else _copy_value(item, container)
        return copied
    if isinstance(value, list):
        return [
            item if type(item) in _IMMUTABLE else _copy_value(item, container) for item in value
        ]
    return _copy_field(value, container)


def fields_of(document: dict, wanted: set) -> dict:
    """A copy of ``document``'s ``wanted`` fields (key order not kept: for ``$group``)."""
    return {key: _copy_value(document[key], dict) for key in wanted if key in document}


def _projected(document, wanted: set, keep_id: bool, container):
    copied = container()
    for key, value in document.items():
        if key in wanted:
            copied[key] = _copy_value(value, container)
    if not keep_id:
        copied.pop("_id", None)
    elif "_id" in document:
        copied["_id"] = document["_id"]
    return copied


def _included(fields) -> set | None:
    """The top-level fields an inclusion projection names (``None``: another projection)."""
    if not isinstance(fields, dict) or type(fields.get("_id", 1)) not in (int, bool):
        return None
    wanted = {key for key in fields if key != "_id"}
    plain = all(
        type(fields[key]) in (int, bool) and "." not in key and not key.startswith("$")
        for key in wanted
    )
    if not wanted or not plain or len({fields[key] for key in wanted}) != 1:
        return None
    return wanted if fields[next(iter(wanted))] else None
