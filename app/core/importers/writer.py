"""Batched, all-or-nothing writes of prepared conversations.

Every document of one import carries the batch id ``import_batch``; if the
import fails part-way, ``rollback`` deletes what the batch wrote (MongoDB
transactions are not available on mongomock). Conversations imported before
(same source format and id, or same id for Colloquy's own format) are
skipped unless duplicates are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bson.errors import InvalidDocument
from pymongo.errors import DocumentTooLarge, DuplicateKeyError

from ..clock import new_id
from ..errors import Conflict, Invalid, PayloadTooLarge
from ..scope import Scope
from .colloquy import with_fresh_ids
from .model import Prepared

COLLECTIONS = ("conversations", "messages", "summaries", "tags")


@dataclass
class Counts:
    conversations: int = 0
    messages: int = 0
    skipped: int = 0
    empty: int = 0
    tags: int = 0
    formats: set[str] = field(default_factory=set)


class BatchWriter:
    def __init__(self, db, owner: Scope, batch_id: str, *, duplicates: bool, batch_size: int):
        self.db, self.owner, self.batch_id = db, owner, batch_id
        self.duplicates, self.batch_size = duplicates, batch_size
        self.counts = Counts()
        self.pending: dict[str, list[dict]] = {name: [] for name in COLLECTIONS}
        self.sources_seen: set[str] = set()  # duplicate queries met earlier in this file
        self.ids_seen: set[str] = set()  # conversation ids written by this import

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
        if prepared.keeps_ids and self._taken(prepared.conversation["_id"]):
            prepared = with_fresh_ids(prepared)
        self.ids_seen.add(prepared.conversation["_id"])
        self.pending["conversations"].append(prepared.conversation)
        self.pending["messages"].extend(prepared.messages)
        self.pending["summaries"].extend(prepared.summaries)
        self.counts.conversations += 1
        self.counts.messages += len(prepared.messages)
        if len(self.pending["messages"]) >= self.batch_size:
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
            self.pending["tags"].append(tag)
            self.counts.tags += 1

    def flush(self) -> None:
        """Write what is pending: conversations first, so no message is ever orphaned."""
        for name in COLLECTIONS:
            documents = self.pending[name]
            if documents:
                try:
                    self.db[name].insert_many(documents, ordered=True)
                except DuplicateKeyError as exc:
                    raise Conflict(f"the file holds {name} whose ids already exist") from exc
                except DocumentTooLarge as exc:
                    raise PayloadTooLarge(f"one of the {name} is above 16 MB once stored") from exc
                except InvalidDocument as exc:
                    raise Invalid(f"the file holds {name} that cannot be stored: {exc}") from exc
                documents.clear()

    def rollback(self) -> None:
        """Remove everything this batch wrote."""
        for name in COLLECTIONS:
            self.db[name].delete_many({"import_batch": self.batch_id, **self.owner.query()})
