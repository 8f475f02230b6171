"""Messages of a conversation: the stored message, a new one, pages and pins."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ....core import costs
from ....core.listing import LIST_LIMIT_MAX
from ....core.new_message import COST_CENTS_MAX, ROLES, TOKENS_MAX, NewMessage
from ...fields import ID_LENGTH, MODEL_LENGTH, Cents, UtcDateTime, derived
from . import envelope, page_of


class MessageSchema(Schema):
    id = fields.String(attribute="_id")
    conversation_id = fields.String()
    parent_message_id = fields.String(metadata={"description": "The all-zero UUID for a root."})
    seq = fields.Integer(metadata={"description": "Position in append order, from 1."})
    role = fields.String(metadata={"enum": list(ROLES)})
    sender = fields.String()
    text = fields.String()
    content = derived(
        lambda m: m.get("content") or m.get("text"),
        ["string", "array"],
        description="As appended: the text (a string) for a plain-text message, "
        "else the list of content parts.",
    )
    model = fields.String(allow_none=True)
    input_tokens = fields.Integer()
    output_tokens = fields.Integer()
    token_count = fields.Integer(allow_none=True)
    cost_cents = Cents(costs.COST)
    is_pinned = fields.Boolean()
    metadata = fields.Dict()
    feedback = fields.Dict(
        allow_none=True,
        metadata={"description": "`{rating, tag, text?}` given in LibreChat; absent when none."},
    )
    created_at = UtcDateTime()
    updated_at = UtcDateTime(metadata={"description": "Last edit; absent if never edited."})


class TextOrParts(fields.Raw):
    """Message content: a string, or a list of parts such as ``{"type": "text", "text": …}``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(p, dict | str) for p in value)
        ):
            return value
        raise ValidationError("Must be a string or a list of content parts.")


class MessageCreateSchema(Schema):
    EXAMPLE = {"role": "user", "content": "Can you shorten that to five points?"}

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    content = TextOrParts(
        metadata={"type": ["string", "array"], "description": "Text, or a list of content parts."}
    )
    text = fields.String(metadata={"description": "Plain text (alternative to `content`)."})
    id = fields.String(validate=ID_LENGTH, metadata={"description": "Optional client id."})
    parent_message_id = fields.String(
        validate=ID_LENGTH,
        metadata={"description": "Default: the conversation's latest message."},
    )
    model = fields.String(validate=MODEL_LENGTH)
    input_tokens = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, TOKENS_MAX)
    )
    output_tokens = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, TOKENS_MAX)
    )
    token_count = fields.Integer(strict=True, validate=validate.Range(0, TOKENS_MAX))
    cost_cents = fields.Float(
        load_default=0,
        validate=validate.Range(0, COST_CENTS_MAX),
        metadata={"description": "Cents; kept exactly to the micro-cent (a millionth)."},
    )
    metadata = fields.Dict()

    @validates_schema
    def _text_or_content(self, data, **kwargs):
        if "content" not in data and "text" not in data:
            raise ValidationError("a message needs `content` or `text`", "content")

    @post_load
    def _to_new_message(self, data, **kwargs) -> NewMessage:
        content = data.pop("content", None)
        if isinstance(content, str):
            data.setdefault("text", content)
            content = None
        return NewMessage(content=content, message_id=data.pop("id", None), **data)


class MessageListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, LIST_LIMIT_MAX))
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page."})
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))


MessagePageSchema = page_of(MessageSchema, "MessagePage")


MessageEnvelopeSchema = envelope(MessageSchema, "MessageEnvelope")


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(1, 255),
        metadata={"description": "A retry with the same key returns the first result."},
    )


class MessagePinSchema(Schema):
    EXAMPLE = {"is_pinned": True}

    is_pinned = fields.Boolean(required=True)
