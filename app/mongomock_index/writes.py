"""Keeping the postings current: every write of mongomock passes through here.

mongomock writes a collection's documents in three places: ``CollectionStore``'s
``__setitem__`` (insert, and the rollback of a refused update), ``__delitem__`` (delete,
expiry, the rollback of a refused insert) and ``drop``, and it applies updates **in
place** on the stored document (``Collection._apply_update_document`` and
``_apply_update_pipeline``). The first three are wrapped to post and unpost under the
store's write lock; an in-place update records what the document posted before it runs
and moves the document's key afterwards.
"""

from __future__ import annotations

import functools
from typing import Any

from mongomock import helpers
from mongomock.store import CollectionStore

from .postings import Postings


def install() -> None:
    """Wrap mongomock's writes (idempotent)."""
    store: Any = CollectionStore  # its methods are replaced, which typing forbids
    if getattr(store.__init__, "posting", False):
        return
    store.__init__ = _with_postings(store.__init__)
    store.__setitem__ = _setitem
    store.__delitem__ = _delitem
    store.drop = _dropping(store.drop)


def _with_postings(init):
    @functools.wraps(init)
    def init_with_postings(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.postings = Postings()

    init_with_postings.posting = True  # type: ignore[attr-defined]  # the idempotence mark
    return init_with_postings


def _setitem(self, key, document) -> None:
    postings = getattr(self, "postings", None)
    with self._rwlock.writer():
        replaced = self._documents.get(key)
        self._documents[key] = document
        if postings is not None:
            if replaced is not None:
                postings.remove(key, replaced, forget=False)
            postings.add(key, document)


def _delitem(self, key) -> None:
    postings = getattr(self, "postings", None)
    with self._rwlock.writer():
        document = self._documents[key]
        del self._documents[key]
        if postings is not None:
            postings.remove(key, document)


def _dropping(drop):
    @functools.wraps(drop)
    def dropped(self):
        with self._rwlock.writer():
            drop(self)
            postings = getattr(self, "postings", None)
            if postings is not None:
                postings.clear()

    return dropped


def reposting(apply):
    """Wrap an in-place update of a stored document so its postings follow it."""

    @functools.wraps(apply)
    def apply_update(self, document, *args, **kwargs):
        postings = getattr(self._store, "postings", None)
        if postings is None:
            return apply(self, document, *args, **kwargs)
        key = _stored_key(self._store, document)
        if key is None:  # an upsert's new document: posted when it is inserted
            return apply(self, document, *args, **kwargs)
        with postings.lock:
            before = postings.snapshot(document)
        try:
            return apply(self, document, *args, **kwargs)
        finally:
            with postings.lock:
                postings.repost(key, before, document)

    return apply_update


def _stored_key(store, document: dict):
    """The key ``document`` is stored under, or ``None`` when it is not stored."""
    key = document.get("_id")
    if isinstance(key, dict):
        key = helpers.hashdict(key)
    try:
        return key if store._documents.get(key) is document else None
    except TypeError:  # an unhashable _id: never stored
        return None
