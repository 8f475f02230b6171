"""Ordered indexes: a collection's documents kept sorted by some top-level fields.

An entry is ``(key of field 1, ..., key of field n, insertion number, document key)``
with the native keys of ``ordering.plain_key``, so walking the entries forward gives
mongomock's order for an ascending sort on those fields, ties in natural order.
Walking backward gives the descending order; ties (equal keys) are given back in
natural order, as mongomock's stable descending sort leaves them. A document holding a
value only mongomock can compare makes the index unusable until it changes.

A cursor that wants its first n documents walks the entries and stops after n
matches instead of sorting every candidate. Entries move with every write (``Postings``).
"""

from __future__ import annotations

import bisect

from mongomock.filtering import NOTHING

from .ordering import plain_key


class OrderedIndex:
    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.entries: list[tuple] = []
        self.entry_of: dict = {}  # document key -> its entry
        self.unplain: set = set()  # keys of documents only mongomock can order

    def fill(self, documents: dict, order: dict) -> None:
        for key, document in documents.items():
            entry = self._place(key, order[key], document)
            if entry is not None:
                self.entries.append(entry)
        self.entries.sort()

    def add(self, key, number: int, document: dict) -> None:
        entry = self._place(key, number, document)
        if entry is not None:
            bisect.insort(self.entries, entry)

    def remove(self, key) -> None:
        self.unplain.discard(key)
        entry = self.entry_of.pop(key, None)
        if entry is not None:
            del self.entries[bisect.bisect_left(self.entries, entry)]

    def walk(self, descending: bool):
        """Document keys in the sort's order (``None`` when the index is unusable)."""
        if self.unplain:
            return None
        if not descending:
            return (entry[-1] for entry in self.entries)
        return _backward(self.entries, len(self.fields))

    def _place(self, key, number: int, document: dict) -> tuple | None:
        parts = [plain_key(document.get(field, NOTHING)) for field in self.fields]
        if None in parts:
            self.unplain.add(key)
            return None
        entry = self.entry_of[key] = (*parts, number, key)
        return entry


def _backward(entries: list[tuple], width: int):
    """Keys from the last entry to the first, each run of equal keys in forward order."""
    end = len(entries)
    while end > 0:
        start = end - 1
        head = entries[start][:width]
        while start > 0 and entries[start - 1][:width] == head:
            start -= 1
        for entry in entries[start:end]:
            yield entry[-1]
        end = start
