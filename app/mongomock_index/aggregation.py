"""Aggregations on the embedded store: copy what the pipeline reads, group without BSON
comparisons, with mongomock's answers.

- A pipeline that starts with ``$match`` gets only the matching documents (mongomock
  copied the whole collection into every pipeline); when a ``$group`` follows, only the
  fields it refers to are copied (a ``$group`` reads nothing else).
- ``$group`` computes each document's key once and sorts by native keys that order as
  mongomock's ``BsonComparable`` does, falling back to mongomock's own stage for keys of
  other types (documents, arrays, ...).
"""

from __future__ import annotations

import functools
import itertools
import re
from datetime import datetime

from bson import ObjectId
from mongomock import aggregate, helpers

from . import copying, reads

_WHOLE_DOCUMENT = ("$$ROOT", "$$CURRENT")
_BRACKETS = {int: 10, float: 10, str: 15, ObjectId: 35, bool: 40, datetime: 45}


def install() -> None:
    handlers = aggregate._PIPELINE_HANDLERS
    if not getattr(handlers["$group"], "native", False):
        handlers["$group"] = _grouped(handlers["$group"])


def matched_first(original):
    """``Collection.aggregate`` that copies only what a leading ``$match`` lets through."""

    @functools.wraps(original)
    def aggregate_matched(self, pipeline, session=None, **kwargs):
        first = pipeline[0] if isinstance(pipeline, list) and pipeline else None
        if session or not isinstance(first, dict) or list(first) != ["$match"]:
            return original(self, pipeline, session, **kwargs)
        if not isinstance(first["$match"], dict):
            return original(self, pipeline, session, **kwargs)
        rest = pipeline[1:]
        roots = _grouped_roots(rest)
        if roots is None or self.codec_options.tz_aware:
            matched = list(self.find(first["$match"]))
        else:  # a $group reads these fields alone, in any key order
            match = helpers.patch_datetime_awareness_in_document(first["$match"])
            found = reads.matching(self, match, None)
            matched = [copying.fields_of(document, roots | {"_id"}) for document in found]
        return aggregate.process_pipeline(matched, self.database, rest, session)

    return aggregate_matched


def _grouped_roots(stages: list) -> set[str] | None:
    """The fields a leading ``$group`` reads (``None``: every field may be read)."""
    if not stages or not isinstance(stages[0], dict) or list(stages[0]) != ["$group"]:
        return None
    return _roots(stages[0]["$group"])


def _roots(spec) -> set[str] | None:
    """Top-level fields the expression refers to; ``None`` if it reads whole documents."""
    if isinstance(spec, str):
        if spec.startswith(_WHOLE_DOCUMENT):
            return None
        if spec.startswith("$") and not spec.startswith("$$"):
            return {spec[1:].split(".")[0]}
        return set()
    parts = spec.items() if isinstance(spec, dict) else spec if isinstance(spec, list) else ()
    found: set[str] = set()
    for part in parts:
        if isinstance(part, tuple) and part[0] in ("$getField", "$$ROOT", "$$CURRENT"):
            return None
        inner = _roots(part[1] if isinstance(part, tuple) else part)
        if inner is None:
            return None
        found |= inner
    return found


def _native(key):
    """A key that orders natively as ``BsonComparable(key)`` does, or ``None``."""
    if key is None:
        return (5, 0)
    bracket = _BRACKETS.get(type(key))
    if bracket is None or key != key:
        return None
    return (bracket, key)


def _grouped(original):
    @functools.wraps(original)
    def handle_group(in_collection, database, options):
        group_id = options["_id"]
        documents = list(in_collection)
        if not group_id:
            return [{**_accumulated(options, documents), "_id": None}]
        key_of = _key_function(group_id)
        keys = [key_of(d) for d in documents]
        native = [_native(k) for k in keys]
        if None in native:
            return original(documents, database, options)
        order = sorted(range(len(documents)), key=native.__getitem__)
        grouped = []
        for key, members in itertools.groupby(order, keys.__getitem__):
            row = _accumulated(options, [documents[i] for i in members])
            row["_id"] = key
            grouped.append(row)
        return grouped

    handle_group.native = True  # type: ignore[attr-defined]  # the idempotence mark
    return handle_group


def _accumulated(options: dict, members: list) -> dict:
    """mongomock's ``_accumulate_group``, reading numbers and top-level fields directly
    for the operators that only fold values (``$sum``, ``$min``, ``$max``, ...)."""
    folds = aggregate._GROUPING_OPERATOR_MAP
    specs = [(field, spec) for field, spec in options.items() if field != "_id"]
    if not all(isinstance(spec, dict) and set(spec) <= set(folds) for _, spec in specs):
        return aggregate._accumulate_group(options, members)
    row = {}
    for field, spec in specs:
        for operator, expression in spec.items():
            values = _values(expression, members)
            plain_sum = operator == "$sum" and set(map(type, values)) <= {int, float, bool}
            row[field] = sum(values) if plain_sum else folds[operator](values)
    return row


def _values(expression, members: list) -> list:
    """The expression's value in each member that has one (as ``_accumulate_group``)."""
    if type(expression) in (int, float):
        return [expression] * len(members)
    field = _top_level_field(expression)
    if field is not None:
        return [member[field] for member in members if field in member]
    values = []
    for member in members:
        try:
            values.append(aggregate._parse_expression(expression, member))
        except KeyError:
            continue
    return values


def _group_key(group_id, document):
    """mongomock's ``$group`` key of ``document``."""
    try:
        return aggregate._parse_expression(group_id, document, ignore_missing_keys=True)
    except KeyError:
        return None


def _key_function(group_id):
    """The group key as a function of the document: direct for a top-level field and for
    ``$dateToString`` of one (a date formatted as mongomock formats it), else mongomock's
    expression evaluation."""
    field = _top_level_field(group_id)
    if field is not None:
        return lambda document: document.get(field)
    if isinstance(group_id, dict) and list(group_id) == ["$dateToString"]:
        options = group_id["$dateToString"]
        plain = isinstance(options, dict) and set(options) == {"format", "date"}
        date = _top_level_field(options["date"]) if plain else None
        layout = options["format"] if plain else None
        if date is not None and isinstance(layout, str) and _literal_layout(layout):
            by_day = set(re.findall("%.", layout)) <= {"%Y", "%m", "%d"}
            days: dict | None = {} if by_day else None
            return functools.partial(_day_key, group_id, date, layout, days)
    return functools.partial(_group_key, group_id)


def _day_key(group_id, field: str, layout: str, days: dict | None, document):
    """The formatted date (once per day when the layout names only the day)."""
    value = document.get(field)
    if type(value) is not datetime:
        return _group_key(group_id, document)
    if days is None:
        return value.strftime(layout)
    day = value.date()
    text = days.get(day)
    if text is None:
        text = days[day] = value.strftime(layout)
    return text


def _literal_layout(layout) -> bool:
    return isinstance(layout, str) and not layout.startswith("$") and "%L" not in layout


def _top_level_field(expression) -> str | None:
    if isinstance(expression, str) and expression.startswith("$"):
        name = expression[1:]
        if name and not name.startswith("$") and "." not in name:
            return name
    return None
