"""Wire schemas of the platform dialect, one module per route module.

snake_case names; ``id`` is the stored ``_id``; one object comes as ``{data: …}``
(``envelope``), a keyset page as ``{data: […], has_more, next_cursor}`` (``page_of``).
"""

from __future__ import annotations

from marshmallow import Schema, fields


def envelope(item: type[Schema], name: str) -> type[Schema]:
    """``{data: item}``, the single-object envelope of seed 001."""
    return Schema.from_dict({"data": fields.Nested(item)}, name=name)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """``{data: [item], has_more, next_cursor}``, a keyset page."""
    return Schema.from_dict(
        {
            "data": fields.List(fields.Nested(item)),
            "has_more": fields.Boolean(),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )
