"""Which parts of a filter the postings answer, and what is left for mongomock to test.

A top-level condition is *indexable* when it names a top-level field (``_id`` included)
and asks for a string: ``{f: "x"}``, ``{f: {"$eq": "x"}}``, ``{f: {"$in": [strings]}}``
or ``{f: {"$all": [strings, at least one]}}``. For those, mongomock's own test matches a
document exactly when the postings hold its key (a string, or a string element of an
array), so they need no test per document; every other condition is the *residual*,
which mongomock's ``filter_applies`` still decides. The conditions inside a top-level
``$and`` narrow the candidates too, and the ``$and`` itself stays in the residual.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    """Documents whose ``field`` holds any (or, with ``every``, all) of ``values``."""

    key: str  # the filter's top-level key this condition comes from ("" inside $and)
    field: str
    values: tuple[str, ...]
    every: bool = False


@dataclass(frozen=True)
class Plan:
    conditions: tuple[Condition, ...]
    query: dict

    def residual(self, inexact: set[str]) -> dict | None:
        """The filter left once the exact conditions are answered (None: nothing left)."""
        answered = {c.key for c in self.conditions if c.key and c.key not in inexact}
        left = {key: search for key, search in self.query.items() if key not in answered}
        return left or None


def plan(query) -> Plan | None:
    """The postings that can answer ``query``, or ``None`` when none can."""
    if not isinstance(query, dict):
        return None
    conditions = []
    for key, search in query.items():
        if key == "$and" and isinstance(search, list):
            conditions.extend(_within_and(search))
            continue
        condition = condition_of(key, search)
        if condition is not None:
            conditions.append(condition)
    return Plan(tuple(conditions), query) if conditions else None


def _within_and(branches: list) -> list[Condition]:
    found = []
    for branch in branches:
        if isinstance(branch, dict):
            for key, search in branch.items():
                condition = condition_of(key, search)
                if condition is not None:
                    found.append(Condition("", condition.field, condition.values, condition.every))
    return found


def condition_of(key: str, search) -> Condition | None:
    """The indexable condition ``{key: search}`` states, if it is one."""
    if not isinstance(key, str) or key.startswith("$") or "." in key:
        return None
    if isinstance(search, str):
        return Condition(key, key, (search,))
    if not isinstance(search, dict) or len(search) != 1:
        return None
    ((operator, operand),) = search.items()
    if operator == "$eq" and isinstance(operand, str):
        return Condition(key, key, (operand,))
    if operator == "$in" and _strings(operand):
        return Condition(key, key, tuple(operand))
    if operator == "$all" and operand and _strings(operand):
        return Condition(key, key, tuple(operand), every=True)
    return None


def _strings(operand) -> bool:
    return isinstance(operand, (list, tuple)) and all(isinstance(v, str) for v in operand)
