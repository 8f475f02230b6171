"""NewMessage: what a caller supplies to append a message, the checks it must pass
before anything is written (an append changes nothing when they fail), and the message
document it becomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import costs, searchable, tokens
from .errors import Invalid
from .validation import check_storable, check_texts, merge_metadata

ROLES = ("user", "assistant", "system", "tool")
TEXT_MAX = 1_000_000
CONTENT_PARTS_MAX = 500
TOKENS_MAX = 10**12  # per message; keeps totals far inside 64-bit integers
COST_CENTS_MAX = 10**7  # per message ($100,000): 10**13 micro-cents, totals far inside 64 bits


@dataclass
class NewMessage:
    """What a caller supplies to append a message; the rest is derived."""

    role: str
    text: str | None = None
    content: list | None = None
    parent_message_id: str | None = None
    message_id: str | None = None
    model: str | None = None
    sender: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    token_count: int | None = None
    cost_cents: float = 0
    metadata: dict | None = None
    created_at: datetime | None = None

    def validate(self) -> None:
        """Refuse, before anything is written, what could not be stored."""
        self._check_types()
        self._check_sizes()
        check_storable(self.content, "content")
        merge_metadata({}, self.metadata or {})
        check_texts(
            text=self.text,
            model=self.model,
            sender=self.sender,
            message_id=self.message_id,
            parent_message_id=self.parent_message_id,
        )

    def _check_types(self) -> None:
        if self.role not in ROLES:
            raise Invalid(f"role must be one of {', '.join(ROLES)}")
        if self.text is not None and not isinstance(self.text, str):
            raise Invalid("text must be a string")
        if self.content is not None and not isinstance(self.content, list):
            raise Invalid("content must be a list of parts")
        if self.text is None and not self.content:
            raise Invalid("a message needs text or content")

    def _check_sizes(self) -> None:
        if len(self.text or "") > TEXT_MAX or len(self.content or []) > CONTENT_PARTS_MAX:
            raise Invalid("message is too large")
        for name in ("input_tokens", "output_tokens"):
            if not 0 <= getattr(self, name) <= TOKENS_MAX:
                raise Invalid(f"{name} must be between 0 and {TOKENS_MAX}")
        if not 0 <= self.cost_cents <= COST_CENTS_MAX:
            raise Invalid(f"cost_cents must be between 0 and {COST_CENTS_MAX}")


def text_of(content: list | None) -> str:
    """The plain text of content parts (``{"type": "text", "text": ...}``), joined."""
    parts = []
    for part in content or []:
        if isinstance(part, dict):
            value = part.get("text")
            if isinstance(value, dict):
                value = value.get("value")
            if isinstance(value, str):
                parts.append(value)
        elif isinstance(part, str):
            parts.append(part)
    return "\n".join(parts)


def new_document(
    conversation: dict, new: NewMessage, message_id: str, parent: str, seq: int, now: datetime
) -> dict:
    """A message of ``conversation`` as stored, with its token count (append, import).

    ``new`` has passed ``validate`` (its metadata among the rest) before this is called.
    """
    document = _document(conversation, new, message_id, parent, seq, now)
    document.update(_token_fields(conversation, new, document["text"]))
    return document


def _token_fields(conversation: dict, new: NewMessage, text: str) -> dict:
    """``token_count`` (text, role and chat framing; see app/core/tokens.py) and the
    encoding it was counted in, unless the caller supplied a count."""
    if new.token_count is not None:
        return {}
    encoding = tokens.encoding_for(new.model or conversation.get("model")).name
    return {
        "token_count": tokens.message_tokens(new.role, text, encoding),
        "token_encoding": encoding,
    }


def _document(
    conversation: dict, new: NewMessage, message_id: str, parent: str, seq: int, now: datetime
) -> dict:
    text = new.text if new.text is not None else text_of(new.content)
    return {
        "_id": message_id,
        "conversation_id": conversation["_id"],
        "workspace_id": conversation["workspace_id"],
        "user_id": conversation["user_id"],
        "parent_message_id": parent,
        "seq": seq,
        "role": new.role,
        "sender": new.sender or default_sender(new.role, new.model),
        "text": text,
        **searchable.words_field(text),
        "content": new.content or [],
        "model": new.model,
        "token_count": new.token_count,
        "input_tokens": int(new.input_tokens),
        "output_tokens": int(new.output_tokens),
        costs.COST: costs.to_micro(new.cost_cents),
        "is_pinned": False,
        "compacted_by": None,
        "metadata": dict(new.metadata or {}),  # checked by ``NewMessage.validate``
        "created_at": now,
    }


def default_sender(role: str, model: str | None) -> str:
    """LibreChat-style sender label: ``User`` for the human, else the model or role."""
    if role == "user":
        return "User"
    return model or role.capitalize()
