"""Keyset pagination: opaque cursors over a sort key plus ``_id``.

A cursor is base64url JSON holding the sort field, direction and the last
item's sort value and id. The next page is everything strictly after that
pair in sort order, so pages stay stable while other documents are inserted
or deleted, and each page is one index range scan whatever its depth.

A cursor comes back from the client, so it is decoded with bounded size and
nesting (checked before parsing): a crafted one is ``Invalid``, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, DESCENDING

from .errors import Invalid
from .limits import deeper_than
from .store import DocumentCollection

# seq: messages in append order; archived_at: archived conversations (set on every one of them)
SORT_FIELDS = ("updated_at", "created_at", "title", "archived_at", "seq")
DIRECTIONS = ("asc", "desc")
CURSOR_MAX = 32 * 1024  # characters: a title's sort value, JSON-escaped, fits with room
CURSOR_DEPTH_MAX = 2  # the payload object and its key object


@dataclass(frozen=True)
class Sort:
    """A sort order over one field, ties broken by ``_id`` in the same direction."""

    field: str = "updated_at"
    direction: str = "desc"

    def __post_init__(self) -> None:
        if self.field not in SORT_FIELDS:
            raise Invalid(f"sort field must be one of {', '.join(SORT_FIELDS)}")
        if self.direction not in DIRECTIONS:
            raise Invalid("sort direction must be 'asc' or 'desc'")

    @property
    def pymongo(self) -> list[tuple[str, int]]:
        order = ASCENDING if self.direction == "asc" else DESCENDING
        return [(self.field, order), ("_id", order)]

    def after(self, cursor: str | None) -> dict:
        """The filter selecting what comes after ``cursor`` (empty for the first page)."""
        if not cursor:
            return {}
        value, last_id = decode_cursor(cursor, self)
        op = "$gt" if self.direction == "asc" else "$lt"
        return {"$or": [{self.field: {op: value}}, {self.field: value, "_id": {op: last_id}}]}

    def cursor_for(self, document: dict) -> str:
        """The cursor that resumes after ``document``."""
        value = document.get(self.field)
        encoded: dict[str, object]
        if isinstance(value, datetime):
            encoded = {"t": "d", "v": value.isoformat()}
        elif isinstance(value, int) and not isinstance(value, bool):
            encoded = {"t": "i", "v": value}
        else:
            encoded = {"t": "s", "v": value}
        payload = {"f": self.field, "d": self.direction, "k": encoded, "id": document["_id"]}
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> tuple[object, str]:
    """Return the (sort value, id) a cursor points after, or raise ``Invalid``."""
    try:
        payload = _load_payload(cursor)
        field, direction, key, last_id = payload["f"], payload["d"], payload["k"], payload["id"]
        value = _decode_key(key)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as exc:
        raise Invalid("cursor is not valid") from exc
    if (field, direction) != (sort.field, sort.direction):
        raise Invalid("cursor belongs to a different sort order")
    if not isinstance(last_id, str) or not (
        value is None or isinstance(value, str | datetime | int)
    ):
        raise Invalid("cursor is not valid")
    return value, last_id


def _load_payload(cursor: str) -> dict:
    """The JSON inside a cursor, refused before parsing when too long or too deep."""
    if len(cursor) > CURSOR_MAX:
        raise ValueError("cursor too long")
    raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
    if deeper_than(raw, CURSOR_DEPTH_MAX):
        raise ValueError("cursor nested too deeply")
    payload: dict = json.loads(raw)
    return payload


def _decode_key(key: dict) -> object:
    """A cursor's sort value: a datetime (``d``), an integer (``i``) or a string."""
    if key["t"] == "d":
        return datetime.fromisoformat(key["v"])
    if key["t"] == "i":
        if not isinstance(key["v"], int) or isinstance(key["v"], bool):
            raise ValueError("integer cursor key expected")
        return key["v"]
    return key["v"]


@dataclass
class Page:
    """One page of results and the cursor for the next, if any."""

    items: list[dict]
    next_cursor: str | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


def fetch_page(
    collection: DocumentCollection, query: dict, sort: Sort, limit: int, cursor: str | None
) -> Page:
    """Run a keyset-paginated ``find``: one extra document tells whether more exist."""
    after = sort.after(cursor)
    full = {"$and": [query, after]} if after else query
    documents = list(collection.find(full).sort(sort.pymongo).limit(limit + 1))
    more = len(documents) > limit
    items = documents[:limit]
    return Page(items=items, next_cursor=sort.cursor_for(items[-1]) if more else None)
