"""Wire schemas of the platform dialect (snake_case; ``id`` is the stored ``_id``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...core.conversations import LIST_LIMIT_MAX, STATUSES
from ..errors import PlatformErrorSchema  # noqa: F401  (re-exported for the routes)
from ..fields import UtcDateTime


class ConversationSchema(Schema):
    id = fields.String(attribute="_id", metadata={"example": "conv_abc123"})
    assistant_id = fields.String(allow_none=True)
    title = fields.String()
    source = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    user_id = fields.String()
    message_count = fields.Integer()
    total_input_tokens = fields.Integer()
    total_output_tokens = fields.Integer()
    total_cost_cents = fields.Float()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    last_message_at = UtcDateTime(allow_none=True)
    pinned = fields.Boolean()
    tags = fields.List(fields.String())
    metadata = fields.Dict()


class ListQuerySchema(Schema):
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(1, LIST_LIMIT_MAX),
        metadata={"description": f"Page size, 1-{LIST_LIMIT_MAX}."},
    )
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page."})
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Only this status; default active and archived."},
    )
    source = fields.String(validate=validate.Length(1, 64))
    assistant_id = fields.String(validate=validate.Length(1, 200))
    user_id = fields.String(
        validate=validate.Length(1, 200), metadata={"description": "Admins only: one user."}
    )
    tag = fields.String(validate=validate.Length(1, 128))
    created_after = UtcDateTime()
    created_before = UtcDateTime()
    updated_after = UtcDateTime()
    updated_before = UtcDateTime()
    sort = fields.String(
        load_default="updated_at",
        validate=validate.OneOf(("updated_at", "created_at", "title")),
    )
    order = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))


class ConversationPageSchema(Schema):
    data = fields.List(fields.Nested(ConversationSchema))
    has_more = fields.Boolean()
    next_cursor = fields.String(allow_none=True)
