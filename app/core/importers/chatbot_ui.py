"""chatbot-ui's export: ``{"version", "history": [...], "folders", "prompts"}``.

Each history item has ``id``, ``name``, ``model`` (``{"id", "name"}``),
``prompt`` (the system prompt), ``temperature`` and a linear list of
``messages`` (``role``, ``content``) without timestamps.
"""

from __future__ import annotations

from collections.abc import Iterator

from .fields import Record, records
from .model import DEFAULT_MODELS, ImportedConversation, ImportedMessage
from .rejection import Rejected
from .stream import Stream

FORMAT = "chatbot-ui"
ROLES = ("user", "assistant")


def read(stream: Stream, shape: str) -> Iterator[ImportedConversation | Rejected]:
    yield from records(stream, "history.item", conversation_from, "id", "name")


def conversation_from(record: Record) -> ImportedConversation:
    model = record.mapping("model").get("id")
    model = model if isinstance(model, str) else DEFAULT_MODELS["openAI"]
    found: list[ImportedMessage] = []
    for position, item in enumerate(record.items("messages", required=True), start=1):
        message = record.child(item, f"message {position}")
        role = message.text("role", required=True)
        if role not in ROLES:
            raise message.fail("role", "'user' or 'assistant'")
        found.append(
            ImportedMessage(
                source_id=str(position),
                parent_source_id=str(position - 1) if position > 1 else None,
                role=role,
                text=message.string("content", default=""),
                sender="user" if role == "user" else model,
                model=model if role == "assistant" else None,
            )
        )
    settings = {
        "prompt_prefix": record.text("prompt"),
        "temperature": record.raw.get("temperature"),
    }
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("id"),
        title=record.text("name"),
        messages=found,
        model=model,
        endpoint="openAI",
        settings={k: v for k, v in settings.items() if v is not None},
        index=record.index,
    )
