"""Statistics: which conversations they cover, and the figures."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load

from ....core import stats
from ...fields import ID_LENGTH, SOURCE_LENGTH, UtcDateTime
from . import envelope


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
