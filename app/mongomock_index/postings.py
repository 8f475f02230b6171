"""Postings: for each indexed top-level field of a collection, string value -> document keys.

A document posts under a field the field's value when it is a string, and each string
element when it is an array (multikey), so ``{field: "x"}``, ``{field: {"$in": [...]}}``
and ``{field: {"$all": [...]}}`` name exactly the documents whose keys are posted under
"x" (or any, or all, of the strings). Two kinds of documents are remembered per field:
those holding a tuple (which mongomock may hold, BSON cannot; posted like an array, but
mongomock's ``$all`` does not look inside a tuple, so there ``$all`` is only a superset),
and those holding a value that is not all strings (``distinct`` must read those).

A field is indexed the first time a query asks for it, by one pass over the documents;
from then on every write keeps it current. ``order`` numbers each key in insertion
order: the collection's natural order, which candidates are returned in.

Everything is guarded by ``lock`` (re-entrant), always taken inside the store's own lock.
"""

from __future__ import annotations

import threading

from mongomock.filtering import NOTHING

from .ordered import OrderedIndex


def posted(document: dict, field: str) -> tuple[frozenset[str], bool, bool]:
    """The strings ``document`` posts under ``field``, whether its value is a tuple, and
    whether it holds something other than strings."""
    value = document.get(field, NOTHING)
    if isinstance(value, str):
        return frozenset((value,)), False, False
    if isinstance(value, (list, tuple)):
        strings = frozenset(element for element in value if isinstance(element, str))
        others = any(not isinstance(element, str) for element in value)
        return strings, isinstance(value, tuple), others
    return frozenset(), False, value is not NOTHING


class Postings:
    """The secondary indexes of one collection store."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.fields: dict[str, dict[str, set]] = {}
        self.tupled: dict[str, set] = {}  # field -> keys whose value is a tuple
        self.unposted: dict[str, set] = {}  # field -> keys holding more than strings
        self.order: dict = {}  # key -> its place in insertion order
        self.ordered: dict[tuple[str, ...], OrderedIndex] = {}  # sort fields -> index
        self._next = 0

    # -- writes ------------------------------------------------------------------------

    def clear(self) -> None:
        with self.lock:
            for field in self.fields:
                self._reset(field)
            self.order, self.ordered = {}, {}

    def add(self, key, document: dict) -> None:
        with self.lock:
            if key not in self.order:
                self.order[key] = self._next
                self._next += 1
            for field in self.fields:
                self._post(field, key, document)
            for index in self.ordered.values():
                index.add(key, self.order[key], document)

    def remove(self, key, document: dict, forget: bool = True) -> None:
        with self.lock:
            for field in self.fields:
                self._unpost(field, key, document)
            for index in self.ordered.values():
                index.remove(key)
            if forget:
                self.order.pop(key, None)

    def snapshot(self, document: dict) -> dict[str, tuple]:
        """What ``document`` posts now, per indexed field (before an in-place change)."""
        return {field: posted(document, field) for field in self.fields}

    def repost(self, key, before: dict[str, tuple], document: dict) -> None:
        """Move ``key`` from what it posted (``before``) to what ``document`` posts now."""
        for field in self.fields:
            old = before.get(field)
            if old is None:  # indexed while the update ran: from the old or the new document
                self._purge(field, key)
                self._post(field, key, document)
                continue
            new = posted(document, field)
            if new != old:
                self._unpost_values(field, key, old)
                self._post_values(field, key, new)
        for index in self.ordered.values():
            index.remove(key)
            index.add(key, self.order[key], document)

    # -- reads -------------------------------------------------------------------------

    def postings_of(self, field: str, values, documents: dict) -> list[set]:
        """The posting of each of ``values`` (the field indexed first if it is not)."""
        postings = self._field(field, documents)
        empty: set = set()
        return [postings.get(value, empty) for value in dict.fromkeys(values)]

    def ordered_by(self, fields: tuple[str, ...], documents: dict) -> OrderedIndex:
        """The ordered index on ``fields`` (built first if there is none)."""
        index = self.ordered.get(fields)
        if index is None:
            index = self.ordered[fields] = OrderedIndex(fields)
            index.fill(documents, self.order)
        return index

    def has_tuples(self, field: str) -> bool:
        return bool(self.tupled.get(field))

    def values_among(self, field: str, keys: set, documents: dict) -> tuple[list[str], set]:
        """The strings posted under ``field`` by any of ``keys``, and which of ``keys``
        hold more than strings there (to be read)."""
        postings = self._field(field, documents)
        strings = [value for value, posted in postings.items() if not posted.isdisjoint(keys)]
        return strings, self.unposted[field] & keys

    def in_order(self, keys) -> list:
        return sorted(keys, key=self.order.__getitem__)

    # -- internals -----------------------------------------------------------------------

    def _field(self, field: str, documents: dict) -> dict[str, set]:
        if field not in self.fields:
            self._reset(field)
            for key, document in documents.items():
                self._post(field, key, document)
        return self.fields[field]

    def _reset(self, field: str) -> None:
        self.fields[field], self.tupled[field], self.unposted[field] = {}, set(), set()

    def _purge(self, field: str, key) -> None:
        postings = self.fields[field]
        for value in [v for v, keys in postings.items() if key in keys]:
            self._unpost_values(field, key, ((value,), False, False))

    def _post(self, field: str, key, document: dict) -> None:
        self._post_values(field, key, posted(document, field))

    def _unpost(self, field: str, key, document: dict) -> None:
        self._unpost_values(field, key, posted(document, field))

    def _post_values(self, field: str, key, posted: tuple) -> None:
        values, is_tuple, others = posted
        postings = self.fields[field]
        for value in values:
            postings.setdefault(value, set()).add(key)
        if is_tuple:
            self.tupled[field].add(key)
        if others:
            self.unposted[field].add(key)

    def _unpost_values(self, field: str, key, posted: tuple) -> None:
        values = posted[0]
        postings = self.fields[field]
        for value in values:
            keys = postings.get(value)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del postings[value]
        self.tupled[field].discard(key)
        self.unposted[field].discard(key)
