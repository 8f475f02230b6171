"""LibreChat's conversation export: flat ``messages`` or the recursive ``messagesTree``.

One conversation per file (or a list of them): ``conversationId``, ``title``,
``endpoint``, ``options`` (the model settings) and messages with ``messageId``,
``parentMessageId``, ``isCreatedByUser``, ``sender``, ``text`` / ``content``,
``model``, ``tokenCount`` and ``createdAt``. Nested ``children`` are followed.
Content parts (``think``, ``text``, tool calls …) are kept as they are; a file
without ``endpoint`` is an ``openAI`` conversation, as LibreChat reads it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..clock import ROOT_PARENT_ID
from ..messages import text_of
from .fields import Record, item_prefix, records
from .model import ImportedConversation, ImportedMessage
from .rejection import Rejected
from .stream import Stream

FORMAT = "librechat"
DEFAULT_ENDPOINT = "openAI"
SETTINGS_SKIPPED = ("conversationId", "title", "endpoint", "createdAt", "updatedAt", "messages")


def read(stream: Stream, shape: str) -> Iterator[ImportedConversation | Rejected]:
    yield from records(stream, item_prefix(shape), conversation_from, "conversationId")


def conversation_from(record: Record) -> ImportedConversation:
    options = record.mapping("options")
    tree = record.items("messagesTree") or record.items("messages")
    found: list[ImportedMessage] = []
    _collect(record, tree, None, found)
    model = options.get("model") if isinstance(options.get("model"), str) else None
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("conversationId", required=True),
        title=record.text("title"),
        messages=found,
        created_at=record.time("createdAt"),
        updated_at=record.time("updatedAt"),
        model=model,
        endpoint=record.text("endpoint")
        or record.child(options, "options").text("endpoint")
        or DEFAULT_ENDPOINT,
        settings=record.stored_as_is(
            "options", {k: v for k, v in options.items() if k not in SETTINGS_SKIPPED}
        ),
        index=record.index,
    )


def _collect(record: Record, items: list, parent: str | None, found: list) -> None:
    """Walk ``items`` and their ``children`` depth first (a stack, not recursion)."""
    stack = [(raw, parent) for raw in reversed(items)]
    while stack:
        raw, parent_id = stack.pop()
        message = record.child(raw, f"message {len(found) + 1}")
        found.append(_message(message, parent_id))
        own_id = found[-1].source_id
        stack.extend((child, own_id) for child in reversed(message.items("children")))


def _message(message: Record, tree_parent: str | None) -> ImportedMessage:
    parent = message.identifier("parentMessageId") or tree_parent
    content = message.stored_as_is("content", message.items("content"))
    text = message.string("text") or text_of(content)
    by_user = message.boolean("isCreatedByUser") is True
    model = message.text("model")
    return ImportedMessage(
        source_id=message.identifier("messageId", required=True),
        parent_source_id=None if parent == ROOT_PARENT_ID else parent,
        role="user" if by_user else "assistant",
        text=text,
        sender=message.text("sender") or ("User" if by_user else model),
        model=None if by_user else model,
        created_at=message.time("createdAt"),
        content=content,
        token_count=message.integer("tokenCount"),
    )
