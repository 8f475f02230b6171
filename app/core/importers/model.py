"""What every format reader produces, and how it becomes stored documents.

A reader turns one conversation of its format into an ``ImportedConversation``
(messages with their source ids and parent links). ``prepare`` gives the
messages fresh ids, orders them so every parent comes before its children and
the current thread ends last, dates them so that along every branch a child is
strictly later than its parent (a message without a time takes the
conversation's; a child not after its parent moves to the parent's time plus
one millisecond, as LibreChat does), and computes the conversation's counters,
so a conversation is written in one batch without any read-back.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from .. import conversations, costs, messages
from ..clock import ROOT_PARENT_ID, new_id, utcnow
from ..errors import Invalid
from ..scope import Scope
from ..tree import nearest_kept, path_by
from ..validation import fit_title
from .rejection import Rejected

TICK = timedelta(milliseconds=1)  # what a child must follow its parent by
DEFAULT_MODELS = {"openAI": "gpt-4o-mini", "anthropic": "claude-3-5-sonnet-latest"}


@dataclass
class ImportedMessage:
    source_id: str
    parent_source_id: str | None
    role: str
    text: str
    sender: str | None = None
    model: str | None = None
    created_at: datetime | None = None
    content: list = field(default_factory=list)
    token_count: int | None = None
    metadata: dict = field(default_factory=dict)


@dataclass
class ImportedConversation:
    format: str
    where: str  # names the conversation in error messages
    source_id: str | None
    title: str | None
    messages: list[ImportedMessage]
    created_at: datetime | None = None
    updated_at: datetime | None = None
    model: str | None = None
    endpoint: str | None = None
    current_leaf: str | None = None
    settings: dict = field(default_factory=dict)
    index: int = 0  # position in the file, from 1

    def prepare(self, owner: Scope, batch_id: str) -> Prepared:
        return prepare(self, owner, batch_id)

    def rejected(self, reason: str) -> Rejected:
        return Rejected(self.index, self.title, self.source_id, reason)


@dataclass
class Prepared:
    """One conversation's documents, ready to insert."""

    conversation: dict | None
    messages: list[dict]
    summaries: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    duplicate_query: dict | None = None  # finds an earlier import of the same conversation
    keeps_ids: bool = False  # ids come from the file (they may be taken)
    empty: bool = False  # a conversation without one visible message, left out
    origin: Rejected | None = None  # index, title and id, to report the conversation by

    def rejected(self, reason: str) -> Rejected:
        return replace(self.origin or Rejected(0, None, None, ""), reason=reason)

    @property
    def stored(self) -> dict:
        """The conversation document (a tag list has none, and is never written as one)."""
        if self.conversation is None:
            raise ValueError("a tag list holds no conversation")
        return self.conversation


class Importable(Protocol):
    """What a reader yields for a conversation (or a tag list) it could parse."""

    def prepare(self, owner: Scope, batch_id: str) -> Prepared: ...

    def rejected(self, reason: str) -> Rejected: ...


def prepare(imported: ImportedConversation, owner: Scope, batch_id: str) -> Prepared:
    """Documents for ``imported``, owned by ``owner``; ``Invalid`` names what is wrong."""
    try:
        return _prepare(imported, owner, batch_id)
    except Invalid as exc:
        if exc.message.startswith(imported.where):
            raise
        raise Invalid(f"{imported.where}: {exc.message}") from exc


def _prepare(imported: ImportedConversation, owner: Scope, batch_id: str) -> Prepared:
    imported.messages = _without_empty(imported)
    if not imported.messages:
        return Prepared(None, [], empty=True)  # nothing visible: nothing to import
    ordered = _tree_order(imported)
    first_time = imported.created_at or _earliest(imported.messages) or utcnow()
    conversation = conversations.new_document(
        owner,
        title=fit_title(imported.title),
        title_source="imported",
        endpoint=imported.endpoint,
        model=imported.model,
        source="import",
        settings=imported.settings,
        created_at=first_time,
    )
    if not imported.title or not imported.title.strip():
        conversation["title_source"] = "default"
    ids = {m.source_id: new_id() for m in ordered}
    times = branch_times(ordered, conversation["created_at"])
    documents = [
        _message_document(conversation, message, ids, seq, times[message.source_id])
        for seq, message in enumerate(ordered, start=1)
    ]
    _count(conversation, documents, imported.updated_at)
    source_id = imported.source_id or content_fingerprint(imported)
    conversation["import_source"] = {"format": imported.format, "id": source_id}
    duplicate_query = {"import_source.format": imported.format, "import_source.id": source_id}
    conversation["import_batch"] = batch_id
    for document in documents:
        document["import_batch"] = batch_id
    origin = Rejected(imported.index, imported.title, imported.source_id, "")
    return Prepared(conversation, documents, duplicate_query=duplicate_query, origin=origin)


def content_fingerprint(imported: ImportedConversation) -> str:
    """A stable id for a conversation its file gives none: a hash of title and turns."""
    digest = hashlib.sha256((imported.title or "").encode())
    for message in imported.messages:
        digest.update(f"\x00{message.role}\x00{message.text}".encode())
    return "sha256:" + digest.hexdigest()


def _without_empty(imported: ImportedConversation) -> list[ImportedMessage]:
    """Drop messages with neither text nor content; their children move up."""
    seen: set[str] = set()
    for message in imported.messages:
        if message.source_id in seen:
            raise Invalid(f"{imported.where}: message id {message.source_id} appears twice")
        seen.add(message.source_id)
    kept = {m.source_id for m in imported.messages if m.text.strip() or m.content}
    if len(kept) == len(imported.messages):
        return imported.messages
    parents = {m.source_id: m.parent_source_id for m in imported.messages}
    relinked = nearest_kept(parents, kept, imported.where)
    return [
        replace(m, parent_source_id=relinked[m.source_id])
        for m in imported.messages
        if m.source_id in kept
    ]


def _earliest(items: list[ImportedMessage]) -> datetime | None:
    times = [m.created_at for m in items if m.created_at is not None]
    return min(times) if times else None


def _tree_order(imported: ImportedConversation) -> list[ImportedMessage]:
    """Parents before children; siblings by time; the current thread's branch last."""
    by_id = {m.source_id: m for m in imported.messages}
    children: dict[str | None, list[ImportedMessage]] = defaultdict(list)
    for message in imported.messages:
        parent = message.parent_source_id if message.parent_source_id in by_id else None
        children[parent].append(message)
    on_thread = _current_thread(by_id, imported.current_leaf)
    position = {m.source_id: i for i, m in enumerate(imported.messages)}

    def sibling_key(message: ImportedMessage) -> tuple[bool, datetime, int]:
        moment = message.created_at or datetime.min
        return (message.source_id in on_thread, moment, position[message.source_id])

    ordered: list[ImportedMessage] = []
    stack = sorted(children[None], key=sibling_key, reverse=True)
    while stack:
        message = stack.pop()
        ordered.append(message)
        stack.extend(sorted(children[message.source_id], key=sibling_key, reverse=True))
    if len(ordered) != len(by_id):
        placed = {m.source_id for m in ordered}
        stuck = next(m.source_id for m in imported.messages if m.source_id not in placed)
        raise Invalid(f"{imported.where}: the message tree has a cycle at message {stuck}")
    return ordered


def _current_thread(by_id: dict[str, ImportedMessage], leaf: str | None) -> set[str]:
    return {m.source_id for m in path_by(by_id, leaf, lambda m: m.parent_source_id)}


def branch_times(ordered: list[ImportedMessage], start: datetime) -> dict[str, datetime]:
    """Each message's stored time: its own, else ``start``; never before its parent's + 1 ms.

    ``ordered`` puts every parent before its children, so one pass settles them.
    """
    times: dict[str, datetime] = {}
    for message in ordered:
        moment = message.created_at or start  # readers give stored-form times
        parent = times.get(message.parent_source_id or "")
        times[message.source_id] = parent + TICK if parent and moment <= parent else moment
    return times


def _message_document(
    conversation: dict, message: ImportedMessage, ids: dict[str, str], seq: int, moment: datetime
) -> dict:
    parent = ids.get(message.parent_source_id or "", ROOT_PARENT_ID)
    new = messages.NewMessage(
        role=message.role,
        text=message.text,
        content=message.content or None,
        model=message.model,
        sender=message.sender,
        token_count=message.token_count,
        metadata=message.metadata,
    )
    try:
        new.validate()
    except Invalid as exc:
        raise Invalid(f"message {message.source_id}: {exc.message}") from exc
    return messages.new_document(conversation, new, ids[message.source_id], parent, seq, moment)


def _count(conversation: dict, documents: list[dict], updated_at: datetime | None) -> None:
    """Fill the counters ``messages.recount`` would compute, without reading back."""
    last = max(d["created_at"] for d in documents)
    conversation.update(
        message_count=len(documents),
        message_seq=len(documents),
        latest_message_id=documents[-1]["_id"],
        total_input_tokens=sum(d["input_tokens"] for d in documents),
        total_output_tokens=sum(d["output_tokens"] for d in documents),
        **{costs.TOTAL: sum(d[costs.COST] for d in documents)},
        last_message_at=last,
        updated_at=max(updated_at or last, last, conversation["created_at"]),
    )
