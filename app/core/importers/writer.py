"""Batched writes of prepared conversations, each conversation all or nothing.

Every document of one import carries the batch id ``import_batch``; if the
import fails part-way, ``rollback`` deletes what the batch wrote (MongoDB
transactions are not available on mongomock). A batch the store refuses
(an id taken, a document too large) is undone and written again one
conversation at a time, so only the conversations at fault are left out and
reported; a ``strict`` import fails instead. Conversations imported before
(same source format and id, or same id for Colloquy's own format) are
skipped unless duplicates are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bson.errors import InvalidDocument
from pymongo.errors import BulkWriteError, DocumentTooLarge, DuplicateKeyError

from ..clock import new_id
from ..errors import Conflict, DomainError, Invalid, PayloadTooLarge
from ..scope import Scope
from ..store import Db
from .colloquy import with_fresh_ids
from .model import Prepared
from .rejection import Rejected

COLLECTIONS = ("conversations", "messages", "summaries", "tags")
WRITE_ERRORS = (BulkWriteError, DuplicateKeyError, DocumentTooLarge, InvalidDocument)
DUPLICATE_KEY = 11000


@dataclass
class Counts:
    conversations: int = 0
    messages: int = 0
    skipped: int = 0
    empty: int = 0
    tags: int = 0
    formats: set[str] = field(default_factory=set)
    rejected: list[Rejected] = field(default_factory=list)


class BatchWriter:
    def __init__(
        self,
        db: Db,
        owner: Scope,
        batch_id: str,
        *,
        duplicates: bool,
        batch_size: int,
        strict: bool = False,
    ):
        self.db, self.owner, self.batch_id = db, owner, batch_id
        self.duplicates, self.batch_size, self.strict = duplicates, batch_size, strict
        self.counts = Counts()
        self.pending: list[Prepared] = []
        self.pending_messages = 0
        self.pending_tags: list[dict] = []
        self.sources_seen: set[str] = set()  # duplicate queries met earlier in this file
        self.ids_seen: set[str] = set()  # conversation ids written by this import

    def reject(self, rejected: Rejected) -> None:
        """Leave a conversation out (or, for a strict import, fail the file with its reason)."""
        if self.strict:
            raise Invalid(rejected.reason)
        self.counts.rejected.append(rejected)

    def add(self, prepared: Prepared) -> None:
        if prepared.empty:
            self.counts.empty += 1
            return
        if prepared.conversation is None:
            self._add_tags(prepared.tags)
            return
        if not self.duplicates and self._imported_before(prepared.duplicate_query):
            self.counts.skipped += 1
            return
        if prepared.keeps_ids and self._taken(prepared.stored["_id"]):
            prepared = with_fresh_ids(prepared)
        self.ids_seen.add(prepared.stored["_id"])
        self.pending.append(prepared)
        self.pending_messages += len(prepared.messages)
        self.counts.conversations += 1
        self.counts.messages += len(prepared.messages)
        if self.pending_messages >= self.batch_size:
            self.flush()

    def _imported_before(self, query: dict | None) -> bool:
        if query is None:
            return False
        key = repr(sorted(query.items()))
        if key in self.sources_seen:
            return True
        self.sources_seen.add(key)
        found = self.db.conversations.find_one({**self.owner.query(), **query}, {"_id": 1})
        return found is not None

    def _taken(self, conversation_id: str) -> bool:
        if conversation_id in self.ids_seen:
            return True
        return self.db.conversations.find_one({"_id": conversation_id}, {"_id": 1}) is not None

    def _add_tags(self, tags: list[dict]) -> None:
        """Tags the user does not have yet, after theirs; ids kept unless taken."""
        mine = list(self.db.tags.find(self.owner.query(), {"tag": 1, "position": 1}))
        names = {t.get("tag") for t in mine}
        offset = max((t.get("position") or 0 for t in mine), default=-1) + 1 if mine else 0
        for tag in tags:
            if tag.get("tag") in names:
                continue
            names.add(tag.get("tag"))
            taken = "_id" not in tag or self.db.tags.find_one({"_id": tag["_id"]}) is not None
            tag["_id"] = new_id() if taken else tag["_id"]
            if isinstance(tag.get("position"), int | float):
                tag["position"] += offset
            self.pending_tags.append(tag)
            self.counts.tags += 1

    def flush(self) -> None:
        """Write what is pending: conversations first, so no message is ever orphaned.

        If the store refuses the batch, it is undone and written one conversation
        at a time; a conversation it refuses then is left out and reported.
        """
        batch, self.pending, self.pending_messages = self.pending, [], 0
        try:
            self._insert(batch)
        except Refused as refused:
            self._remove(batch)
            if self.strict:
                raise refused.error() from refused.cause
            for prepared in batch:
                self._write_alone(prepared)
        if self.pending_tags:
            tags, self.pending_tags = self.pending_tags, []
            try:
                self.db.tags.insert_many(tags, ordered=True)
            except WRITE_ERRORS as exc:
                raise Refused("tags", exc).error() from exc

    def _write_alone(self, prepared: Prepared) -> None:
        """Write one conversation; if the store refuses it, leave it out and report it."""
        try:
            self._insert([prepared])
        except Refused as refused:
            self._remove([prepared])
            self.counts.conversations -= 1
            self.counts.messages -= len(prepared.messages)
            self.counts.rejected.append(prepared.rejected(refused.error().message))

    def _insert(self, batch: list[Prepared]) -> None:
        for name, documents in _documents(batch).items():
            if documents:
                try:
                    self.db[name].insert_many(documents, ordered=True)
                except WRITE_ERRORS as exc:
                    raise Refused(name, exc) from exc

    def _remove(self, batch: list[Prepared]) -> None:
        """Delete whatever of ``batch`` reached the store (this import's documents only)."""
        ids = [prepared.stored["_id"] for prepared in batch]
        mine = {**self.owner.query(), "import_batch": self.batch_id}
        self.db.conversations.delete_many({"_id": {"$in": ids}, **mine})
        for name in ("messages", "summaries"):
            self.db[name].delete_many({"conversation_id": {"$in": ids}, **mine})

    def rollback(self) -> None:
        """Remove everything this batch wrote."""
        for name in COLLECTIONS:
            self.db[name].delete_many({"import_batch": self.batch_id, **self.owner.query()})


def _documents(batch: list[Prepared]) -> dict[str, list[dict]]:
    return {
        "conversations": [p.stored for p in batch],
        "messages": [m for p in batch for m in p.messages],
        "summaries": [s for p in batch for s in p.summaries],
    }


class Refused(Exception):
    """The store refused documents of ``collection``."""

    def __init__(self, collection: str, cause: Exception):
        super().__init__(collection)
        self.collection, self.cause = collection, cause

    def error(self) -> DomainError:
        """The domain error to answer with."""
        name, cause = self.collection, self.cause
        if isinstance(cause, DuplicateKeyError) or _duplicate(cause):
            return Conflict(f"the file holds {name} whose ids already exist")
        if isinstance(cause, DocumentTooLarge):
            return PayloadTooLarge(f"one of the {name} is above 16 MB once stored")
        return Invalid(f"the file holds {name} that cannot be stored: {cause}")


def _duplicate(error: Exception) -> bool:
    """A bulk insert that failed on a taken id."""
    if not isinstance(error, BulkWriteError):
        return False
    return any(e.get("code") == DUPLICATE_KEY for e in error.details.get("writeErrors", []))
