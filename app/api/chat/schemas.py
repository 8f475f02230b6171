"""Wire schemas of the chat dialect: ``id``, ``title``, ``updated_at``; limit/offset pages."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from ...core.listing import LIST_LIMIT_MAX, OFFSET_MAX
from ...core.validation import TITLE_MAX
from ..fields import UtcDateTime


class ChatErrorSchema(Schema):
    """The chat error body: ``{"error": true, "message"}``."""

    error = fields.Boolean(metadata={"example": True})
    message = fields.String(metadata={"example": "Chat not found"})


class ChatListQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, LIST_LIMIT_MAX))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, OFFSET_MAX))


class ChatSchema(Schema):
    id = fields.String(attribute="_id")
    title = fields.String()
    updated_at = UtcDateTime()


class ChatListSchema(Schema):
    error = fields.Boolean(dump_default=False)
    chats = fields.List(fields.Nested(ChatSchema), attribute="items")
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    has_more = fields.Boolean()


class RenameSchema(Schema):
    EXAMPLE = {"title": "Updated conversation title"}

    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX))

    @validates("title")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("title must not be empty")


class RenamedSchema(Schema):
    error = fields.Boolean()
    detail = fields.String()
    new_title = fields.String()


class ArchivedSchema(Schema):
    error = fields.Boolean()
    message = fields.String()
