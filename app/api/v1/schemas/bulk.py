"""Bulk actions: the action, the ids, and what happened to each."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ....core.bulk import ACTIONS, IDS_MAX
from ....core.demo import EXAMPLE_CONVERSATION_ID
from ...fields import TAG_LENGTH
from . import envelope


class BulkSchema(Schema):
    EXAMPLE = {"action": "tag", "conversation_ids": [EXAMPLE_CONVERSATION_ID], "tags": ["review"]}

    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    conversation_ids = fields.List(
        fields.String(), required=True, validate=validate.Length(1, IDS_MAX)
    )
    tags = fields.List(
        fields.String(validate=TAG_LENGTH),
        metadata={"description": "For `tag` and `untag`."},
    )


class BulkFailureSchema(Schema):
    id = fields.String(allow_none=True)
    reason = fields.String(
        metadata={"enum": ["invalid_id", "not_found", "invalid_state", "too_many_tags", "conflict"]}
    )
    message = fields.String()


class BulkResultSchema(Schema):
    action = fields.String()
    updated = fields.Integer()
    failed = fields.Integer()
    failures = fields.List(fields.Nested(BulkFailureSchema))


BulkEnvelopeSchema = envelope(BulkResultSchema, "BulkEnvelope")
