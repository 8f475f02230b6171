"""Open WebUI's chat export (``/api/v1/chats/export``): a list of chats.

Each chat is ``{id, user_id, title, chat: {title, models, history: {messages,
currentId}, messages?}, created_at, updated_at, archived, pinned, meta, …}``
with times in epoch seconds. ``history.messages`` maps ids to messages
(``parentId``, ``childrenIds``, ``role``, ``content``, ``timestamp``,
``model``, ``files``, ``output``), so branches are kept and ``currentId``
marks the thread the user last saw; older chats have only a flat
``chat.messages`` list. Reasoning (``<details type="reasoning">`` or
``<think>`` in the content, or ``reasoning`` items of ``output``) becomes a
``think`` part of the message, as LibreChat stores thinking.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from .fields import Record, item_prefix, records
from .model import DEFAULT_MODELS, ImportedConversation, ImportedMessage
from .rejection import Rejected
from .stream import Stream

FORMAT = "openwebui"
ROLES = ("user", "assistant")
DETAILS = re.compile(
    r'<details\s+type="(?P<kind>[^"]*)"[^>]*>\s*(?:<summary>(?P<summary>.*?)</summary>)?'
    r"(?P<body>.*?)</details>\s*",
    re.DOTALL,
)
THINK = re.compile(r"<think>(?P<body>.*?)</think>\s*", re.DOTALL)


def read(stream: Stream, shape: str) -> Iterator[ImportedConversation | Rejected]:
    yield from records(stream, item_prefix(shape), conversation_from, "id")


def conversation_from(record: Record) -> ImportedConversation:
    chat = record.child(record.mapping("chat", required=True), "chat")
    models = [m for m in chat.items("models") if isinstance(m, str)]
    model = models[0] if models else DEFAULT_MODELS["openAI"]
    history = chat.child(chat.mapping("history"), "history")
    raw_messages = history.mapping("messages") or _by_id(chat)
    read = [
        _message(history.child(raw, f"message {key}"), str(key), model)
        for key, raw in raw_messages.items()
    ]
    found = [message for message in read if message is not None]
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("id"),
        title=record.text("title") or chat.text("title"),
        messages=found,
        created_at=record.time("created_at"),
        updated_at=record.time("updated_at"),
        model=model,
        endpoint="openAI",
        current_leaf=history.identifier("currentId") or (found[-1].source_id if found else None),
        index=record.index,
    )


def _by_id(chat: Record) -> dict:
    """The flat ``messages`` list of older chats, keyed by id (each parent the one before)."""
    keyed, previous = {}, None
    for position, raw in enumerate(chat.items("messages"), start=1):
        message = chat.child(raw, f"message {position}")
        key = message.identifier("id") or str(position)
        keyed[key] = {"parentId": previous, **raw, "id": key}
        previous = key
    return keyed


def _message(message: Record, key: str, model: str) -> ImportedMessage | None:
    role = message.string("role")
    if role not in ROLES:
        return None  # system and tool entries are not turns of the chat
    text, thinking = _text_and_thinking(message)
    text = "\n\n".join(filter(None, (text, _files(message))))
    own_model = message.string("model") or model
    content = []
    if thinking and role == "assistant":
        content = [{"type": "think", "think": thinking}, {"type": "text", "text": text}]
    return ImportedMessage(
        source_id=message.identifier("id") or key,
        parent_source_id=message.identifier("parentId"),
        role=role,
        text=text,
        sender="user" if role == "user" else own_model,
        model=own_model,
        created_at=message.time("timestamp"),
        content=content,
    )


def _text_and_thinking(message: Record) -> tuple[str, str]:
    """The visible text and the reasoning, from ``output`` items or from ``content``."""
    output = [item for item in message.items("output") if isinstance(item, dict)]
    said = _joined(item.get("content") for item in output if item.get("type") == "message")
    reasoned = _joined(
        item.get("summary") or item.get("content")
        for item in output
        if item.get("type") == "reasoning"
    )
    content = message.raw.get("content")
    if isinstance(content, list):
        content = _joined([content])
    elif content is not None and not isinstance(content, str):
        raise message.fail("content", "a string or a list of parts")
    text, thinking = _split_reasoning(content or "")
    return (said or text).strip(), (reasoned or thinking).strip()


def _split_reasoning(content: str) -> tuple[str, str]:
    """``content`` without its reasoning blocks, and their text (quoting and entities undone)."""
    thoughts: list[str] = []

    def lift(found: re.Match) -> str:
        if found.groupdict().get("kind", "reasoning") != "reasoning":
            summary = (found.group("summary") or "").strip()
            return f"[{html.unescape(summary)}]\n" if summary else ""
        body = html.unescape(found.group("body"))
        thoughts.append(
            "\n".join(
                line.removeprefix(">").removeprefix(" ") for line in body.strip().splitlines()
            )
        )
        return ""

    text = THINK.sub(lift, DETAILS.sub(lift, content))
    return text, "\n\n".join(filter(None, thoughts))


def _joined(sources: Iterable[object]) -> str:
    """The text of lists of ``{type, text}`` parts (or bare strings), joined."""
    texts = []
    for parts in sources:
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return "\n\n".join(filter(None, texts))


def _files(message: Record) -> str:
    """``[Image: name]`` / ``[File: name]`` for the files attached to a message."""
    lines = []
    for item in message.items("files"):
        if not isinstance(item, dict):
            continue
        inner = item["file"] if isinstance(item.get("file"), dict) else {}
        name = item.get("name") or inner.get("filename") or ""
        kind = "Image" if item.get("type") == "image" else "File"
        lines.append(f"[{kind}: {name}]" if isinstance(name, str) and name else f"[{kind}]")
    return "\n".join(lines)
