"""Marshmallow fields and length rules shared by the dialects."""

from __future__ import annotations

from datetime import datetime

from marshmallow import ValidationError, fields, missing, validate

from ..core import costs
from ..core.clock import to_iso, to_storage
from ..core.limits import ID_MAX, MODEL_MAX, SOURCE_MAX, TAG_MAX

ID_LENGTH = validate.Length(1, ID_MAX)
MODEL_LENGTH = validate.Length(1, MODEL_MAX)
SOURCE_LENGTH = validate.Length(1, SOURCE_MAX)
TAG_LENGTH = validate.Length(1, TAG_MAX)


def derived(function, json_type: str | list[str], **metadata) -> fields.Function:
    """A response field computed by ``function``, documented with its JSON type."""
    return fields.Function(function, metadata={"type": json_type, **metadata})


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with milliseconds and ``Z``; accepts any ISO 8601 input."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_iso(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a valid datetime.")
        try:
            return to_storage(datetime.fromisoformat(value.strip()))
        except ValueError as exc:
            raise ValidationError("Not a valid ISO 8601 datetime.") from exc


class Cents(fields.Float):
    """A stored cost answered in cents, rounded to the micro-cent (``core.costs``): read
    from its integer micro-cents field (``costs.COST`` or ``costs.TOTAL``), legacy float
    cents included."""

    def __init__(self, stored: str, **kwargs):
        kwargs.setdefault("metadata", {"description": "Cents, exact to the micro-cent."})
        super().__init__(dump_only=True, **kwargs)
        self.stored = stored

    def get_value(self, obj, attr, accessor=None, default=missing):
        return costs.to_cents(costs.stored_micro(obj, self.stored))
