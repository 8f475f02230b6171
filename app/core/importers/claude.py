"""Claude's export: a list of conversations with ``chat_messages`` (human / assistant).

Messages carry ``uuid``, ``sender``, ``text`` and/or ``content`` parts
(``text``, ``thinking``, ``tool_use``, ``tool_result``), ``created_at``,
attachments with their extracted text, and in newer exports
``parent_message_uuid`` (branches); without it the messages form one chain.
Thinking becomes a ``think`` part before the answer's text, as LibreChat
stores it; a conversation without a name is "Imported Claude Chat" and one
without a model gets Claude's default.
"""

from __future__ import annotations

from collections.abc import Iterator

from .fields import Record, item_prefix, records
from .model import DEFAULT_MODELS, ImportedConversation, ImportedMessage
from .rejection import Rejected
from .stream import Stream

FORMAT = "claude"
ROLES = {"human": "user", "user": "user", "assistant": "assistant"}
UNNAMED = "Imported Claude Chat"


def read(stream: Stream, shape: str) -> Iterator[ImportedConversation | Rejected]:
    yield from records(stream, item_prefix(shape), conversation_from, "uuid", "name")


def conversation_from(record: Record) -> ImportedConversation:
    model = record.string("model") or DEFAULT_MODELS["anthropic"]
    found: list[ImportedMessage] = []
    for position, item in enumerate(record.items("chat_messages", required=True), start=1):
        message = record.child(item, f"message {position}")
        previous = found[-1].source_id if found else None
        found.append(_message(message, previous, model))
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("uuid"),
        title=(record.text("name") or "").strip() or UNNAMED,
        messages=found,
        created_at=record.time("created_at"),
        updated_at=record.time("updated_at"),
        endpoint="anthropic",
        model=model,
        index=record.index,
    )


def _message(message: Record, previous: str | None, model: str) -> ImportedMessage:
    sender = message.text("sender", required=True)
    role = ROLES.get(sender)
    if role is None:
        raise message.fail("sender", "'human' or 'assistant'")
    parent = message.identifier("parent_message_uuid")
    parts = [
        message.child(p, f"content part {n}") for n, p in enumerate(message.items("content"), 1)
    ]
    text = _text(message, parts)
    thinking = "\n\n".join(
        filter(None, (p.string("thinking") for p in parts if _kind(p) == "thinking"))
    )
    content = []
    if thinking and role == "assistant":
        content = [{"type": "think", "think": thinking}, {"type": "text", "text": text}]
    return ImportedMessage(
        source_id=message.identifier("uuid", required=True),
        parent_source_id=parent if parent is not None else previous,
        role=role,
        text=text,
        sender="user" if role == "user" else "Claude",
        model=model if role == "assistant" else None,
        created_at=message.time("created_at"),
        content=content,
    )


def _kind(part: Record) -> str | None:
    return part.string("type")


def _text(message: Record, parts: list[Record]) -> str:
    text = message.string("text") or "\n\n".join(filter(None, map(_part, parts)))
    for attachment in message.items("attachments"):
        if isinstance(attachment, dict):
            name = attachment.get("file_name") or "attachment"
            extracted = attachment.get("extracted_content") or ""
            text += f"\n\n[Attachment: {name}]\n{extracted}".rstrip()
    for item in message.items("files"):
        if isinstance(item, dict) and item.get("file_name"):
            text += f"\n\n[File: {item['file_name']}]"
    return text


def _part(part: Record) -> str:
    """Readable text for one content part: text, tool use and results (thinking aside)."""
    kind = _kind(part)
    if kind == "text":
        return part.string("text", default="")
    if kind == "tool_use":
        return f"[Tool call: {part.string('name') or 'tool'}]"
    if kind == "tool_result":
        inner = part.raw.get("content")
        if isinstance(inner, str):
            return inner
        inner = inner if isinstance(inner, list) else []
        return "\n".join(str(i.get("text") or "") for i in inner if isinstance(i, dict))
    return ""
