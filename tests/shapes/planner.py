"""Query shapes and whether a declared index serves them, by MongoDB's planning rules.

A shape is what a query asks, without its values: per field the kind of predicate
(``eq``, ``in``, ``range``, ``other``), ``$or`` branches, and the sort. An index
serves a shape when, walking its keys in order, the shape's equality (and small
``$in``) predicates come first, then its sort keys (all in the index's direction or all
reversed), then ranges (equality, sort, range). What the walk leaves unbound is
filtered on fetched documents: a *scan* of everything the bound prefix selects
(an unanchored or case-insensitive regex is never bound). A sort the walk cannot
provide is a *blocking sort* in memory. ``$or`` is served when every branch is,
with the other predicates pushed into each branch; ``_id`` equality or ``$in``
bounds a query to those documents whatever else it asks.

This is MongoDB's planner simplified to what this code base issues; it decides
whether an index *can* serve a shape, not which one MongoDB's trial run picks.
"""

from __future__ import annotations

from dataclasses import dataclass

EQ, IN, RANGE, TEXT, OTHER = "eq", "in", "range", "text", "other"
STRENGTH = {EQ: 4, IN: 3, RANGE: 2, TEXT: 1, OTHER: 0}
RANGE_OPERATORS = {"$gt", "$gte", "$lt", "$lte"}
SERVED, BLOCKING_SORT, SCAN = "served", "blocking sort", "scan"
CATEGORIES = (SERVED, BLOCKING_SORT, SCAN)


@dataclass(frozen=True)
class Conjunction:
    """Predicates that must all hold: ``(field, kind)`` pairs and groups of ``$or`` branches."""

    predicates: tuple[tuple[str, str], ...] = ()
    ors: tuple[tuple[Conjunction, ...], ...] = ()

    def __str__(self) -> str:
        parts = [f"{name}:{kind}" for name, kind in self.predicates]
        parts += ["$or[" + " | ".join(map(str, group)) + "]" for group in self.ors]
        return "{" + ", ".join(parts) + "}"

    @property
    def kinds(self) -> dict[str, str]:
        return dict(self.predicates)


def predicate_kind(value: object) -> str:
    """What kind of predicate a filter value is."""
    if not isinstance(value, dict) or not any(str(k).startswith("$") for k in value):
        return EQ
    operators = set(value)
    if "$eq" in operators or "$all" in operators:
        return EQ
    if "$in" in operators:
        return IN if all(not isinstance(v, dict) for v in value["$in"]) else OTHER
    if operators & RANGE_OPERATORS:
        return RANGE
    if "$regex" in operators:
        return RANGE if _anchored(value) else OTHER
    return OTHER


def _anchored(value: dict) -> bool:
    pattern, options = value["$regex"], value.get("$options", "")
    text = pattern if isinstance(pattern, str) else getattr(pattern, "pattern", "")
    return text.startswith("^") and "i" not in options and "|" not in text


def conjunction(query: dict | None) -> Conjunction:
    """The shape of a filter document."""
    kinds: dict[str, str] = {}
    ors: list[tuple[Conjunction, ...]] = []
    for key, value in (query or {}).items():
        if key == "$and":
            for clause in value:
                inner = conjunction(clause)
                for name, kind in inner.predicates:
                    kinds[name] = _stronger(kinds.get(name), kind)
                ors.extend(inner.ors)
        elif key == "$or":
            branches = tuple(sorted({conjunction(b) for b in value}, key=str))
            if len(branches) == 1:
                for name, kind in branches[0].predicates:
                    kinds[name] = _stronger(kinds.get(name), kind)
                ors.extend(branches[0].ors)
            else:
                ors.append(branches)
        elif key == "$text":
            kinds["$text"] = TEXT
        else:
            kind = OTHER if key.startswith("$") else predicate_kind(value)
            kinds[key] = _stronger(kinds.get(key), kind)
    return Conjunction(tuple(sorted(kinds.items())), tuple(sorted(ors, key=str)))


def _stronger(old: str | None, new: str) -> str:
    return new if old is None or STRENGTH[new] > STRENGTH[old] else old


@dataclass(frozen=True)
class Shape:
    """One kind of query on a collection: its predicates and its sort."""

    collection: str
    where: Conjunction
    sort: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        order = ", ".join(f"{name}:{direction}" for name, direction in self.sort)
        return f"{self.collection} {self.where}" + (f" sort({order})" if order else "")


@dataclass(frozen=True)
class Index:
    """A declared index as the planner sees it."""

    name: str
    keys: tuple[tuple[str, object], ...]

    @property
    def text(self) -> bool:
        return any(direction == "text" for _, direction in self.keys)


@dataclass(frozen=True)
class Verdict:
    category: str
    index: str | None
    detail: str = ""
    bound: int = 0  # how many predicates the index bounds
    prefix: tuple[str, ...] = ()  # the index keys that bound it, in order
    residual: tuple[str, ...] = ()  # what is filtered on the documents the prefix selects

    @property
    def rank(self) -> tuple[int, int]:
        return CATEGORIES.index(self.category), -self.bound


ID_INDEX = Index("_id_", (("_id", 1),))


def classify(shape: Shape, indexes: list[Index]) -> Verdict:
    """The best an index can do for ``shape``: served, blocking sort, or scan."""
    candidates = [ID_INDEX, *indexes]
    kinds = shape.where.kinds
    if shape.where.ors:
        kinds["$or"] = OTHER  # filtered on fetched documents, unless exploded below
    best = _best(kinds, shape.sort, candidates)
    if shape.where.ors:
        best = min(best, _exploded(shape, candidates), key=lambda v: v.rank)
    return best


def _exploded(shape: Shape, candidates: list[Index]) -> Verdict:
    """Push the other predicates into each branch of the first ``$or``; the worst branch."""
    first, *rest = shape.where.ors
    verdicts = []
    for branch in first:
        kinds = dict(shape.where.predicates)
        for name, kind in branch.predicates:
            kinds[name] = _stronger(kinds.get(name), kind)
        if rest or branch.ors:
            kinds["$or"] = OTHER
        verdicts.append(_best(kinds, shape.sort, candidates))
    worst = max(verdicts, key=lambda v: v.rank)
    used = sorted({v.index or "none" for v in verdicts})
    return Verdict(
        worst.category, "+".join(used), worst.detail, worst.bound, worst.prefix, worst.residual
    )


def _best(kinds: dict[str, str], sort, candidates: list[Index]) -> Verdict:
    return min((_plan(kinds, sort, index) for index in candidates), key=lambda v: v.rank)


def _plan(kinds: dict[str, str], sort, index: Index) -> Verdict:
    if index.text:
        return _text_plan(kinds, sort, index)
    if kinds.get("_id") in (EQ, IN) and index is ID_INDEX:
        ordered = not sort or kinds["_id"] == EQ or [f for f, _ in sort] == ["_id"]
        category = SERVED if ordered else BLOCKING_SORT
        return Verdict(category, index.name, "by _id", 1, ("_id",))
    bound, sort_left = _walk(kinds, sort, index)
    residual = sorted(name for name in kinds if name not in bound)
    prefix = ",".join(name for name, _ in index.keys if name in bound)
    keys = tuple(name for name, _ in index.keys if name in bound)
    if residual:
        within = f"within {prefix}" if prefix else "whole collection"
        detail = f"filters {residual} {within}"
        name = index.name if prefix else None
        return Verdict(SCAN, name, detail, len(bound), keys, tuple(residual))
    if sort_left:
        detail = f"sorts {[f for f, _ in sort_left]}"
        return Verdict(BLOCKING_SORT, index.name, detail, len(bound), keys)
    return Verdict(SERVED, index.name, "", len(bound), keys)


def _walk(kinds: dict[str, str], sort, index: Index) -> tuple[set[str], list]:
    """Which predicates the index bounds, and which sort keys it leaves to a blocking sort."""
    pending = [(f, d) for f, d in sort if kinds.get(f) != EQ]  # equal values need no order
    bound: set[str] = set()
    flip = None  # whether the index is walked backwards for the sort
    sort_ended = False
    for name, direction in index.keys:
        kind = kinds.get(name)
        if pending and not sort_ended and pending[0][0] == name:
            same = direction == pending[0][1]
            if flip is None or flip == same:
                flip = same
                pending.pop(0)
                if kind in (EQ, IN, RANGE):
                    bound.add(name)
                continue
            sort_ended = True
        if kind not in (EQ, IN, RANGE):
            break  # a gap: later keys only filter what the prefix selects
        bound.add(name)
        if kind == RANGE or (flip is not None and pending):
            sort_ended = True  # a range, or a key between sort keys, ends the index order
    return bound, pending


def _text_plan(kinds: dict[str, str], sort, index: Index) -> Verdict:
    if "$text" not in kinds:
        return Verdict(SCAN, None, "text index unused")
    prefix = [name for name, direction in index.keys if direction != "text"]
    if any(kinds.get(name) != EQ for name in prefix):
        return Verdict(SCAN, None, "text index prefix not bound")
    return Verdict(BLOCKING_SORT if sort else SERVED, index.name, "text search")
