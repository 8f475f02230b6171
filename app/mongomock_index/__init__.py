"""An index layer under mongomock: the embedded store's answers, without reading everything.

mongomock has no indexes: it tests every document of a collection with its generic
``filter_applies``, deep-copies every match before sorting, and copies a whole
collection into an aggregation. Installed once per process (``install``), this package
keeps mongomock's answers exactly and makes them cost what an indexed store's do:

- ``postings``: per collection, string value -> document keys for each top-level field
  a query asks for by string equality, ``$in`` or ``$all`` (arrays are multikey);
  kept current by every write (``writes``), in-place updates included.
- ``plan``: which conditions of a filter the postings answer exactly; the rest is
  tested by mongomock on the candidates only.
- ``ordering``: sorts with native keys that order as mongomock's BSON comparison does.
- ``reads`` and ``patches``: candidates in natural order, sorted before they are tested
  or copied, and only a cursor's window copied.
- ``aggregation``: pipelines copy only what they read; ``$group`` sorts natively.
- ``membership``: long ``$in`` lists hashed once.

The equivalence with plain mongomock is checked by ``tests/core/test_mongomock_index.py``
(the same random writes and queries against both).
"""

from __future__ import annotations

from typing import Any

import mongomock
import mongomock.collection

from . import aggregation, membership, patches, writes


def install() -> None:
    """Patch mongomock once per process (idempotent)."""
    membership.install()
    aggregation.install()
    writes.install()
    # mongomock's private methods, which its type stubs do not declare
    collection: Any = mongomock.Collection
    cursor: Any = mongomock.collection.Cursor
    if getattr(cursor._compute_results, "windowed", False):
        return
    collection._iter_documents = patches.iter_documents
    collection._get_dataset = patches.get_dataset
    collection.find_one = patches.find_one
    collection.count_documents = patches.counting(collection.count_documents)
    collection.aggregate = aggregation.matched_first(collection.aggregate)
    collection._apply_update_document = writes.reposting(collection._apply_update_document)
    collection._apply_update_pipeline = writes.reposting(collection._apply_update_pipeline)
    cursor._compute_results = patches.windowed(cursor._compute_results)
    cursor.distinct = patches.reading_stored(cursor.distinct)
