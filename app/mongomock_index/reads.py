"""Finding documents through the postings: candidates, matches in cursor order, windows.

``candidates`` gives the stored documents a filter can match, in natural order, and the
part of the filter still to test on them (``plan``): through the postings when the
filter has an indexable condition, else every document and the whole filter (what
mongomock does). ``matching`` orders them for a sort and tests them lazily, so a cursor
that wants its first n results sorts first and stops testing after n matches.
"""

from __future__ import annotations

import functools
from itertools import islice

from mongomock import filtering

from . import copying, ordering
from .plan import Condition, Plan, plan

NATURAL_SCAN = 4  # candidates above 1/NATURAL_SCAN of the collection: walk it in order
WALK_SHARE = 16  # an ordered index is walked for candidates above 1/16 of the collection


def candidates(collection, query) -> tuple[list, dict | None]:
    """Documents ``query`` may match (natural order) and the filter left to test on them."""
    store = collection._store
    if store.is_empty:  # also drops expired documents; validates the filter as mongomock does
        filtering.filter_applies(query, {})
        return [], None
    selected = _read_indexed(collection, query, _natural)
    return (list(store.documents), query) if selected is None else selected


def count(collection, query) -> int | None:
    """How many documents ``query`` matches, when the postings answer it alone."""
    return _read_indexed(collection, query, _counted)


def stored_values(collection, query, field: str) -> tuple[list, list] | None:
    """For ``distinct``: the strings posted under ``field`` by the documents ``query``
    matches, and those documents that hold more than strings there (to be read); ``None``
    when the postings cannot answer ``query`` alone."""
    if "." in field or field == "_id":
        return None
    return _read_indexed(collection, query, functools.partial(_values, field))


def _read_indexed(collection, query, read, planned: bool = True):
    """``read(postings, documents, keys, residual)`` under the store's read lock and the
    postings lock: ``keys`` those the indexable conditions admit (``None``: every one),
    ``residual`` the filter left to test. ``None`` when the store has no postings or no
    documents, or (``planned``) the query has no indexable condition."""
    store, found = collection._store, plan(query)
    postings = getattr(store, "postings", None)
    if postings is None or store.is_empty or (planned and found is None):
        return None
    with store._rwlock.reader():
        documents = store._documents
        with postings.lock:
            keys, residual = None, query
            if found is not None:
                keys = _keys(postings, found.conditions, documents)
                residual = found.residual(_inexact(postings, found))
            return read(postings, documents, keys, residual)


def _natural(postings, documents: dict, keys, residual) -> tuple[list, dict | None]:
    return _in_natural_order(postings, keys, documents), residual


def _counted(postings, documents: dict, keys, residual) -> int | None:
    if residual is not None:
        return None
    return len(documents) if keys is None else len(keys)


def _values(field: str, postings, documents: dict, keys, residual) -> tuple | None:
    if residual is not None:
        return None
    strings, unposted = postings.values_among(
        field, set(documents) if keys is None else keys, documents
    )
    return strings, [documents[key] for key in postings.in_order(unposted)]


def _inexact(postings, found: Plan) -> set[str]:
    return {c.key for c in found.conditions if c.every and postings.has_tuples(c.field)}


def _keys(postings, conditions: tuple[Condition, ...], documents: dict) -> set | None:
    """The keys every condition admits, or ``None`` when they admit every document.

    Each condition is clauses of postings (a document is admitted by a clause when one
    of its postings holds it); a clause holding a posting of every document narrows
    nothing. The smallest clause gives the keys; the others only test them.
    """
    clauses = [c for condition in conditions for c in _clauses(postings, condition, documents)]
    clauses = [c for c in clauses if all(len(posting) < len(documents) for posting in c)]
    if not clauses:
        return None
    clauses.sort(key=lambda clause: sum(map(len, clause)))
    keys = set().union(*clauses[0])
    for clause in clauses[1:]:
        if not keys:
            break
        if len(clause) == 1:
            keys.intersection_update(clause[0])
        else:
            keys = {key for key in keys if any(key in posting for posting in clause)}
    return keys


def _clauses(postings, condition: Condition, documents: dict) -> list[list[set]]:
    if condition.field == "_id":  # the store's own keys
        present = {value for value in condition.values if value in documents}
        single = not condition.every or len(set(condition.values)) == 1
        return [[present if single else set()]]
    lists = postings.postings_of(condition.field, condition.values, documents)
    return [[posting] for posting in lists] if condition.every else [lists]


def _in_natural_order(postings, keys: set | None, documents: dict) -> list:
    if keys is None:
        return list(documents.values())
    if len(keys) * NATURAL_SCAN >= len(documents):
        return [document for key, document in documents.items() if key in keys]
    return [documents[key] for key in postings.in_order(keys)]


def _tested(documents, residual: dict | None):
    if residual is None:
        return iter(documents)
    applies = filtering.filter_applies
    return (d for d in documents if applies(residual, d))


def matching(collection, query, sort, wanted: int | None = None):
    """The stored documents matching ``query``, in the order of ``sort``.

    With ``wanted`` (the caller reads at most that many), documents are sorted before
    they are tested, so testing stops once enough matched.
    """
    if sort and wanted is not None:
        walked = _walked(collection, query, sort, wanted)
        if walked is not None:
            return iter(walked)
    documents, residual = candidates(collection, query)
    if not sort:
        return _tested(documents, residual)
    if residual is None:
        ordered = ordering.fast_sorted(documents, sort, wanted)
        if ordered is not None:
            return iter(ordered)
    elif wanted is not None:
        ordered = ordering.fast_sorted(documents, sort)
        if ordered is not None:
            return _tested(ordered, residual)
    return ordering.mongomock_sorted(list(_tested(documents, residual)), sort)


def _walked(collection, query, sort, wanted: int) -> list | None:
    """The first ``wanted`` matches in the sort's order, read from an ordered index
    (``None`` when none can serve: mixed directions, nested fields, odd values)."""
    fields, descending = _one_direction(sort)
    if fields is None:
        return None
    walk = functools.partial(_walk, fields, descending, wanted)
    return _read_indexed(collection, query, walk, planned=False)


def _walk(fields, descending: bool, wanted: int, postings, documents, keys, residual):
    if keys is not None and len(keys) * WALK_SHARE < len(documents):
        return None  # few candidates: sorting them beats walking past everything else
    walk = postings.ordered_by(fields, documents).walk(descending)
    if walk is None:
        return None
    return _first_matches(walk, keys, residual, documents, wanted)


def _one_direction(sort) -> tuple[tuple[str, ...] | None, bool]:
    pairs = ordering.sort_pairs(sort)
    plain = all(
        type(direction) is int and not key.startswith("$") and "." not in key
        for key, direction in pairs
    )
    directions = {direction < 0 for _, direction in pairs}
    if not plain or len(directions) != 1:
        return None, False
    return tuple(key for key, _ in pairs), directions.pop()


def _first_matches(walk, keys, residual, documents: dict, wanted: int) -> list:
    applies = filtering.filter_applies
    found = []
    for key in walk:
        if keys is not None and key not in keys:
            continue
        document = documents[key]
        if residual is None or applies(residual, document):
            found.append(document)
            if len(found) == wanted:
                break
    return found


def window(cursor, skip: int, limit: int) -> list:
    """Copies of the cursor's results ``skip`` to ``skip + limit`` (only those are copied)."""
    collection = cursor.collection
    wanted = skip + limit
    found = islice(matching(collection, cursor._spec, cursor._sort, wanted), skip, wanted)
    copy_of = copying.copier(collection, cursor._projection, dict)
    return [copy_of(d) for d in found]
