"""Time and identifiers, in one place so every stored value looks the same."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from .errors import Invalid
from .limits import ID_MAX

ROOT_PARENT_ID = "00000000-0000-0000-0000-000000000000"


def utcnow() -> datetime:
    """Now in UTC, naive, cut to milliseconds: what MongoDB stores and returns."""
    return to_storage(datetime.now(UTC))


def to_storage(moment: datetime) -> datetime:
    """Normalise a datetime to the stored form (naive UTC, millisecond precision)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_id() -> str:
    """A fresh random identifier (UUID4 string), as LibreChat uses for both kinds."""
    return str(uuid.uuid4())


def require_id(value: object, what: str = "id") -> str:
    """Reject anything but a plain, reasonably sized string id (no operators, no objects)."""
    if not isinstance(value, str) or not value or len(value) > ID_MAX:
        raise Invalid(f"{what} must be a non-empty string")
    return value


def to_iso(moment: datetime) -> str:
    """The wire form of a stored datetime: ISO 8601 UTC with milliseconds and ``Z``."""
    moment = to_storage(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: object) -> datetime | None:
    """A stored datetime from ISO 8601 text or epoch seconds; ``None`` for null or bad input."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return to_storage(datetime.fromtimestamp(float(value), UTC))
        if isinstance(value, str) and value.strip():
            return to_storage(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except (ValueError, OverflowError, OSError):
        return None
    return None
