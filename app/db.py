"""The store: a client from ``MONGO_URI`` (the indexes it needs are ``app.indexes``).

``mongodb://`` / ``mongodb+srv://`` opens a real server (short timeouts, so an
unreachable store fails fast); ``mongomock://`` opens the embedded in-process
store used for development and tests.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

import mongomock
from pymongo import MongoClient

from . import mongomock_index
from .core.store import Document

log = logging.getLogger(__name__)

EMBEDDED_SCHEME = "mongomock://"
SERVER_TIMEOUT_MS = 2000


def is_embedded(uri: str) -> bool:
    return uri.startswith(EMBEDDED_SCHEME)


# mongomock applies a write as read-then-modify without a lock, so two threads can both
# pass a find_one_and_update's condition or hand out the same counter value. MongoDB makes
# each single-document write atomic; one process-wide lock gives the embedded store that.
_EMBEDDED_WRITES = (
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
    "delete_one",
    "delete_many",
    "bulk_write",
)


class EmbeddedWrites:
    """The lock every mongomock write takes, and how many writes it has let through.

    A snapshot of the embedded store (``app.embedded``) holds the lock while it reads,
    so it sees no half-applied write, and compares counts to know whether to save.
    """

    lock = threading.RLock()
    count = 0


def _serialise_embedded_writes() -> None:
    """Make each mongomock write atomic with respect to the others (idempotent)."""
    for name in _EMBEDDED_WRITES:
        original = getattr(mongomock.Collection, name)
        if getattr(original, "serialised", False):
            continue

        @functools.wraps(original)
        def serialised(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with EmbeddedWrites.lock:
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    EmbeddedWrites.count += 1

        serialised.serialised = True  # type: ignore[attr-defined]  # the idempotence mark
        setattr(mongomock.Collection, name, serialised)


def connect(uri: str) -> MongoClient[Document]:
    """A client for ``uri``: mongomock for ``mongomock://``, pymongo otherwise."""
    if is_embedded(uri):
        _serialise_embedded_writes()
        mongomock_index.install()
        return mongomock.MongoClient(tz_aware=False)
    return MongoClient(
        uri,
        serverSelectionTimeoutMS=SERVER_TIMEOUT_MS,
        connectTimeoutMS=SERVER_TIMEOUT_MS,
        socketTimeoutMS=30_000,
        tz_aware=False,
        uuidRepresentation="standard",
        appname="colloquy",
    )
