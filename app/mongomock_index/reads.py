"""Finding documents through the postings: candidates, matches in cursor order, windows.

``candidates`` gives the stored documents a filter can match, in natural order, and the
part of the filter still to test on them (``plan``): through the postings when the
filter has an indexable condition, else every document and the whole filter (what
mongomock does). ``matching`` orders them for a sort and tests them lazily, so a cursor
that wants its first n results sorts first and stops testing after n matches.
"""

from __future__ import annotations

from itertools import islice

from mongomock import filtering

from . import copying, ordering
from .plan import Condition, Plan, plan

NATURAL_SCAN = 4  # candidates above 1/NATURAL_SCAN of the collection: walk it in order


def candidates(collection, query) -> tuple[list, dict | None]:
    """Documents ``query`` may match (natural order) and the filter left to test on them."""
    store = collection._store
    if store.is_empty:  # also drops expired documents; validates the filter as mongomock does
        filtering.filter_applies(query, {})
        return [], None
    found = plan(query)
    postings = getattr(store, "postings", None)
    if found is None or postings is None:
        return list(store.documents), query
    with store._rwlock.reader():
        documents = store._documents
        with postings.lock:
            keys = _keys(postings, found.conditions, documents)
            selected = _in_natural_order(postings, keys, documents)
            inexact = _inexact(postings, found)
    return selected, found.residual(inexact)


def stored_values(collection, query, field: str) -> tuple[list, list] | None:
    """For ``distinct``: the strings posted under ``field`` by the documents ``query``
    matches, and those documents that hold more than strings there (to be read); ``None``
    when the postings cannot answer ``query`` alone."""
    store, found = collection._store, plan(query)
    postings = getattr(store, "postings", None)
    if found is None or postings is None or "." in field or field == "_id" or store.is_empty:
        return None
    with store._rwlock.reader():
        documents = store._documents
        with postings.lock:
            if found.residual(_inexact(postings, found)) is not None:
                return None
            keys = _keys(postings, found.conditions, documents)
            strings, unposted = postings.values_among(field, keys, documents)
            return strings, [documents[key] for key in postings.in_order(unposted)]


def _inexact(postings, found: Plan) -> set[str]:
    return {c.key for c in found.conditions if c.every and postings.has_tuples(c.field)}


def _keys(postings, conditions: tuple[Condition, ...], documents: dict) -> set:
    """The keys every condition admits (smallest posting first; a posting of every
    document narrows nothing and is skipped)."""
    sets = sorted((_admitted(postings, c, documents) for c in conditions), key=len)
    keys = set(sets[0])
    for admitted in sets[1:]:
        if not keys:
            break
        if len(admitted) < len(documents):
            keys.intersection_update(admitted)
    return keys


def _admitted(postings, condition: Condition, documents: dict) -> set:
    if condition.field == "_id":  # the store's own keys
        present = {value for value in condition.values if value in documents}
        return present if not condition.every or len(set(condition.values)) == 1 else set()
    if condition.every:
        return postings.all_keys(condition.field, list(condition.values), documents)
    return postings.keys(condition.field, condition.values, documents)


def _in_natural_order(postings, keys: set, documents: dict) -> list:
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


def window(cursor, skip: int, limit: int) -> list:
    """Copies of the cursor's results ``skip`` to ``skip + limit`` (only those are copied)."""
    collection = cursor.collection
    wanted = skip + limit
    found = islice(matching(collection, cursor._spec, cursor._sort, wanted), skip, wanted)
    copy_of = copying.copier(collection, cursor._projection, dict)
    return [copy_of(d) for d in found]
