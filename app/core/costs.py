"""Costs, kept exactly: integer micro-cents in the store, cents on the wire.

Callers give costs in cents (a number such as ``0.0375``); the store keeps
integer micro-cents (a millionth of a cent, ``37_500``), so totals add up
exactly however many costs they sum: ``$inc`` and ``$sum`` over integers never
drift, where floating-point cents show noise such as ``1.8649999999999998``.
Answers are cents again, rounded to the micro-cent.

Earlier versions stored floating-point cents (``cost_cents`` on a message,
``total_cost_cents`` on a conversation). Those values still count: a read adds
the legacy float (rounded to the micro-cent) to the integer field, and sums
(stats, recounts) add the two sums. The legacy field is never written again;
a recount folds it into the integer field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeGuard

MICRO = 1_000_000  # micro-cents per cent
COST = "cost_microcents"  # a message's cost
TOTAL = "total_cost_microcents"  # a conversation's total
LEGACY = {COST: "cost_cents", TOTAL: "total_cost_cents"}  # float cents, read only
STORED_MAX = 2**63 // MICRO  # the most micro-cents a 64-bit total holds, in cents


def to_micro(cents: float) -> int:
    """``cents`` in whole micro-cents (rounded to the nearest)."""
    return round(cents * MICRO)


def to_cents(micro: int) -> float:
    """Whole micro-cents as cents: the float nearest the exact decimal, no noise."""
    return micro / MICRO


def stored_micro(document: Mapping, field: str) -> int:
    """The micro-cents ``field`` (``COST`` or ``TOTAL``) of a stored document, its
    legacy float cents included; a value that is no finite number counts as none."""
    return round(_number(document.get(field))) + to_micro(_number(document.get(LEGACY[field])))


def _number(value: object) -> float:
    return value if _finite(value) else 0


def _finite(value: object) -> TypeGuard[float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def cost_cents(message: Mapping) -> float:
    """A stored message's cost in cents."""
    return to_cents(stored_micro(message, COST))


def total_cents(conversation: Mapping) -> float:
    """A stored conversation's total cost in cents."""
    return to_cents(stored_micro(conversation, TOTAL))


def sums(field: str) -> dict:
    """``$group`` accumulators summing ``field`` and its legacy float apart; the row's
    ``stored_micro(row, field)`` is then the exact total (the float sum rounded once)."""
    return {field: {"$sum": f"${field}"}, LEGACY[field]: {"$sum": f"${LEGACY[field]}"}}


def storable(value: object, field: str) -> bool:
    """Whether ``value`` may be stored as ``field`` (any of ``COST``, ``TOTAL`` and their
    legacy names) as it was read from a file: a finite number, not negative, within 64
    bits once in micro-cents; a whole one for the micro-cent fields."""
    if not _finite(value):
        return False
    whole = field not in LEGACY.values()
    cents = value / MICRO if whole else value
    return 0 <= cents < STORED_MAX and (not whole or float(value).is_integer())
