"""The embedded store's data on disk: restored at start, saved after writes and at exit.

mongomock keeps everything in the process's memory. Given a data directory,
``DataFile`` makes that memory outlive the process:

- one process owns the directory: an exclusive lock on ``<database>.lock`` (the kernel
  releases it when the process ends, even on a crash); another process gets
  ``StoreBusy`` and never works on a copy of its own;
- ``<database>.bson`` (a snapshot) is restored into the empty in-memory database first;
- a background thread saves a new snapshot when something was written, at most every
  ``interval`` seconds (longer when saving takes long), and ``close`` (at exit) saves
  the last writes. A save is atomic: a temporary file, fsync, rename; the file is
  always one whole snapshot, and a crash loses at most the last interval's writes.

The snapshot is BSON: a header naming each collection and how many documents
follow for it, then the documents, so types (dates, 64-bit integers) round-trip.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

import bson
from bson.codec_options import CodecOptions
from bson.errors import BSONError
from pymongo.errors import ConnectionFailure

from .core.store import Db
from .db import EmbeddedWrites

log = logging.getLogger(__name__)

MEMORY_ONLY = ":memory:"
SNAPSHOT_FORMAT = "colloquy.embedded-snapshot"
SNAPSHOT_VERSION = 1
SAVE_INTERVAL_SECONDS = 2.0
CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=False)


class StoreBusy(ConnectionFailure):
    """Another process owns the embedded store's data directory."""


class SnapshotDamaged(RuntimeError):
    """The snapshot file cannot be read back whole; nothing is started on top of it."""


class DataFile:
    """The snapshot file of one embedded database, and the process's claim on it."""

    def __init__(self, db: Db, directory: str | Path, interval: float = SAVE_INTERVAL_SECONDS):
        self.db = db
        self.directory = Path(directory).resolve()
        self.path = self.directory / f"{db.name}.bson"
        self.interval = interval
        self.restored: dict[str, int] = {}  # documents per collection read back at start
        self.existed = False  # whether there was a snapshot to restore
        self._saved_count = -1
        self._claim: IO[str] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def open(
        cls, db: Db, directory: str | Path, interval: float = SAVE_INTERVAL_SECONDS
    ) -> DataFile:
        """Claim ``directory``, restore its snapshot into ``db`` and start saving."""
        files = cls(db, directory, interval)
        files._take_claim()
        try:
            files.restored = files._restore()
        except BaseException:
            files._release_claim()
            raise
        files._saved_count = EmbeddedWrites.count
        files._thread = threading.Thread(target=files._run, name="embedded-saves", daemon=True)
        files._thread.start()
        atexit.register(files.close)
        return files

    # -- the claim ---------------------------------------------------------------------

    def _take_claim(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        claim = open(self.directory / f"{self.db.name}.lock", "a+")  # noqa: SIM115
        try:
            fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            claim.seek(0)
            owner = claim.read().strip() or "another process"
            claim.close()
            raise StoreBusy(
                f"the embedded store's data in {self.directory} is in use by process {owner} "
                "(a running server?). Stop it first, or send the data through its HTTP API "
                "(POST /v1/conversations/import, GET /v1/conversations/export/user/<id>)."
            ) from None
        claim.seek(0)
        claim.truncate()
        claim.write(str(os.getpid()))
        claim.flush()
        self._claim = claim

    def _release_claim(self) -> None:
        if self._claim is not None:
            self._claim.close()  # closing the descriptor drops the lock
            self._claim = None

    # -- restore -------------------------------------------------------------------------

    def _restore(self) -> dict[str, int]:
        self.existed = self.path.exists()
        if not self.existed:
            return {}
        try:
            with open(self.path, "rb") as source:
                return self._read(bson.decode_file_iter(source, CODEC))
        except (BSONError, KeyError, TypeError) as exc:
            raise self._damaged(exc) from exc

    def _read(self, records: Iterator[dict[str, Any]]) -> dict[str, int]:
        header = next(records, None)
        if not header or header.get("format") != SNAPSHOT_FORMAT:
            raise self._damaged("no snapshot header")
        if header.get("version") != SNAPSHOT_VERSION:
            raise self._damaged(f"snapshot version {header.get('version')} is not supported")
        counts = header["collections"]
        for name, count in counts.items():
            documents = list(islice(records, count))
            if len(documents) != count:
                raise self._damaged(f"{name}: {len(documents)} of {count} documents")
            if documents:
                self.db[name].insert_many(documents)
        return dict(counts)

    def _damaged(self, reason: object) -> SnapshotDamaged:
        return SnapshotDamaged(
            f"the embedded store's snapshot {self.path} cannot be read ({reason}); "
            "move it away to start with an empty store"
        )

    # -- save ----------------------------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        return EmbeddedWrites.count != self._saved_count

    def save(self) -> None:
        """Write a snapshot of the database now (atomically)."""
        with EmbeddedWrites.lock:  # no write lands half-way through the copy
            count = EmbeddedWrites.count
            counts, chunks = self._encode()
        header = {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "database": self.db.name,
            "collections": counts,
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(bson.encode(header))
            out.writelines(chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        _sync_directory(self.directory)
        self._saved_count = count

    def _encode(self) -> tuple[dict[str, int], list[bytes]]:
        counts, chunks = {}, []
        for name in sorted(self.db.list_collection_names()):
            encoded = [e for e in map(self._encoded, _stored_documents(self.db[name])) if e]
            counts[name] = len(encoded)
            chunks.extend(encoded)
        return counts, chunks

    @staticmethod
    def _encoded(document: dict) -> bytes | None:
        try:
            return bson.encode(document, codec_options=CODEC)
        except (BSONError, OverflowError, TypeError) as exc:  # MongoDB could not hold it either
            log.error("embedded store: document %r left out of the snapshot: %s", document, exc)
            return None

    def _run(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            if not self.unsaved:
                continue
            started = time.monotonic()
            try:
                self.save()
            except OSError as exc:
                log.error("embedded store: saving %s failed: %s", self.path, exc)
            pause = max(self.interval, 4 * (time.monotonic() - started))

    def close(self) -> None:
        """Stop saving in the background, save the last writes, release the directory."""
        if self._claim is None:
            return
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        try:
            if self.unsaved:
                self.save()
        finally:
            self._release_claim()
            atexit.unregister(self.close)


def _stored_documents(collection: Any) -> list[dict[str, Any]]:  # a mongomock Collection
    """The documents mongomock holds for ``collection``, without its per-document deep copy.

    ``find()`` copies every document; a snapshot of a large store under the write lock
    cannot afford that, and only encodes them (which copies nothing back).
    """
    return list(collection._store.documents)


def _sync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
