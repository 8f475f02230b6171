"""Claude's export: a list of conversations with ``chat_messages`` (human / assistant).

Messages carry ``uuid``, ``sender``, ``text`` and/or ``content`` parts,
``created_at``, attachments with their extracted text, and in newer exports
``parent_message_uuid`` (branches); without it the messages form one chain.
"""

from __future__ import annotations

from collections.abc import Iterator

from .fields import Record, item_prefix, records
from .model import ImportedConversation, ImportedMessage

FORMAT = "claude"
ROLES = {"human": "user", "user": "user", "assistant": "assistant"}


def read(stream, shape: str) -> Iterator[ImportedConversation]:
    for record in records(stream, item_prefix(shape), "name"):
        yield conversation_from(record)


def conversation_from(record: Record) -> ImportedConversation:
    found: list[ImportedMessage] = []
    for position, item in enumerate(record.items("chat_messages", required=True), start=1):
        message = record.child(item, f"message {position}")
        previous = found[-1].source_id if found else None
        found.append(_message(message, previous))
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("uuid"),
        title=record.text("name"),
        messages=found,
        created_at=record.time("created_at"),
        updated_at=record.time("updated_at"),
        endpoint="anthropic",
        model=record.text("model"),
    )


def _message(message: Record, previous: str | None) -> ImportedMessage:
    sender = message.text("sender", required=True)
    role = ROLES.get(sender)
    if role is None:
        raise message.fail("sender", "'human' or 'assistant'")
    parent = message.identifier("parent_message_uuid")
    return ImportedMessage(
        source_id=message.identifier("uuid", required=True),
        parent_source_id=parent if parent is not None else previous,
        role=role,
        text=_text(message),
        sender="User" if role == "user" else "Claude",
        created_at=message.time("created_at"),
    )


def _text(message: Record) -> str:
    text = message.text("text") or "\n\n".join(
        filter(None, (_part(p) for p in message.items("content")))
    )
    for attachment in message.items("attachments"):
        if isinstance(attachment, dict):
            name = attachment.get("file_name") or "attachment"
            extracted = attachment.get("extracted_content") or ""
            text += f"\n\n[Attachment: {name}]\n{extracted}".rstrip()
    for item in message.items("files"):
        if isinstance(item, dict) and item.get("file_name"):
            text += f"\n\n[File: {item['file_name']}]"
    return text


def _part(part: object) -> str:
    """Readable text for one content part: text, thinking, tool use and results."""
    if not isinstance(part, dict):
        return ""
    kind = part.get("type")
    if kind == "text":
        return str(part.get("text") or "")
    if kind == "tool_use":
        return f"[Tool call: {part.get('name') or 'tool'}]"
    if kind == "tool_result":
        inner = part.get("content")
        inner = inner if isinstance(inner, list) else []
        return "\n".join(str(i.get("text") or "") for i in inner if isinstance(i, dict))
    return ""
