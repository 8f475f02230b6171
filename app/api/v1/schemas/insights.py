"""Search, statistics and bulk actions over conversations."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from ....core import stats
from ....core.bulk import ACTIONS, IDS_MAX
from ....core.search import QUERY_MAX
from ...fields import ID_LENGTH, SOURCE_LENGTH, TAG_LENGTH, UtcDateTime
from . import envelope, page_of
from .conversations import ConversationSchema, ListQuerySchema


class SearchQuerySchema(ListQuerySchema):
    q = fields.String(
        required=True,
        validate=validate.Length(1, QUERY_MAX),
        metadata={"description": "Text to find in titles and message text (literal)."},
    )


class SearchResultSchema(ConversationSchema):
    matched_fields = fields.List(
        fields.String(), metadata={"description": "`title` and/or `messages`."}
    )


SearchPageSchema = page_of(SearchResultSchema, "SearchPage")


class StatsQuerySchema(Schema):
    source = fields.String(validate=SOURCE_LENGTH)
    assistant_id = fields.String(validate=ID_LENGTH)
    user_id = fields.String(validate=ID_LENGTH, metadata={"description": "Admins only: one user."})
    created_after = UtcDateTime()
    created_before = UtcDateTime()

    @post_load
    def _to_selection(self, data: dict, **kwargs) -> dict:
        """``selection``: what the statistics cover (core ``stats.selection``); ``user_id``."""
        user = {"user_id": data.pop("user_id")} if "user_id" in data else {}
        return {**user, "selection": stats.selection(**data)}


class DayActivitySchema(Schema):
    date = fields.String(metadata={"example": "2024-01-15"})
    conversations = fields.Integer()
    messages = fields.Integer()


class StatsSchema(Schema):
    total_conversations = fields.Integer()
    active_conversations = fields.Integer()
    archived_conversations = fields.Integer()
    deleted_conversations = fields.Integer()
    total_messages = fields.Integer()
    total_input_tokens = fields.Integer()
    total_output_tokens = fields.Integer()
    total_cost_cents = fields.Float()
    conversations_by_source = fields.Dict(keys=fields.String(), values=fields.Integer())
    activity_by_day = fields.List(fields.Nested(DayActivitySchema))


StatsEnvelopeSchema = envelope(StatsSchema, "StatsEnvelope")


class BulkSchema(Schema):
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
