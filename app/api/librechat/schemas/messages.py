# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Messages: LibreChat's ``TMessage``."""

from __future__ import annotations

from marshmallow import fields

from ....core.clock import to_iso
from ...fields import UtcDateTime, derived
from . import Wire


def _content_parts(message: dict) -> list | None:
    """Content parts, or nothing for a plain-text message.

    LibreChat's client renders ``content`` whenever it is present (an empty
    list included) and ``text`` only otherwise.
    """
    return message.get("content") or None


class LibreChatMessageSchema(Wire):
    """LibreChat's ``TMessage``: ``content`` only when the message has parts."""

    messageId = fields.String(attribute="_id")
    conversationId = fields.String(attribute="conversation_id")
    parentMessageId = fields.String(attribute="parent_message_id")
    isCreatedByUser = derived(lambda m: m.get("role") == "user", "boolean")
    sender = fields.String()
    text = fields.String()
    content = derived(
        _content_parts,
        "array",
        items={"type": "object"},
        description="Content parts (`{type, text}` …); absent for plain text.",
    )
    model = fields.String(allow_none=True)
    tokenCount = fields.Integer(attribute="token_count", allow_none=True)
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = derived(
        lambda m: to_iso(m.get("updated_at") or m["created_at"]),
        "string",
        format="date-time",
        description="Last edit, or the creation time.",
    )
    feedback = fields.Dict(
        metadata={"description": "`{rating, tag, text?}` when the user rated the message."}
    )
