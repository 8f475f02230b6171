# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Tags: LibreChat's ``TConversationTag``, its edits and pages."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from ....core.demo import EXAMPLE_TAG
from ....core.limits import ID_MAX, TAG_MAX
from ....core.tags import DESCRIPTION_MAX, SORTS
from ...fields import TAG_LENGTH, UtcDateTime
from . import Request, Wire


class TagSchema(Wire):
    """LibreChat's ``TConversationTag``."""

    _id = fields.String()
    tag = fields.String(metadata={"example": "important"})
    description = fields.String()
    count = fields.Integer()
    position = fields.Integer()
    user = fields.String(attribute="user_id")
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = UtcDateTime(attribute="updated_at")


class TagRequest(Request):
    EXAMPLE = {"tag": "important"}

    tag = fields.String(required=True, validate=TAG_LENGTH)


class TagCreateRequest(TagRequest):
    EXAMPLE = {"tag": "to-read", "description": "Come back to these", "addToConversation": False}

    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    addToConversation = fields.Boolean(load_default=False)
    conversationId = fields.String(
        allow_none=True,
        validate=validate.Length(max=ID_MAX),
        metadata={"description": "Empty when no conversation is open (LibreChat's bookmark form)."},
    )

    @post_load
    def empty_is_absent(self, data, **kwargs):
        if not data.get("conversationId"):
            data["conversationId"] = None
        return data


class TagUpdateRequest(Request):
    EXAMPLE = {"description": "Work in progress", "position": 0}

    tag = fields.String(validate=TAG_LENGTH)
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    position = fields.Integer(strict=True, validate=validate.Range(min=0))


class TagSetRequest(Request):
    EXAMPLE = {"tags": [EXAMPLE_TAG, "important"]}

    tags = fields.List(fields.String(validate=validate.Length(max=TAG_MAX)), required=True)


class TagListQuery(Request):
    pageNumber = fields.Integer(load_default=1, validate=validate.Range(min=1))
    pageSize = fields.Integer(load_default=25, validate=validate.Range(1, 100))
    sort = fields.String(load_default="position", validate=validate.OneOf(tuple(SORTS)))
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))


class TagPageSchema(Schema):
    tags = fields.List(fields.Nested(TagSchema))
    pageNumber = fields.Integer(attribute="page_number")
    pageSize = fields.Integer(attribute="page_size")
    pages = fields.Integer()
    total = fields.Integer()
