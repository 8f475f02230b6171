"""Wire schemas of the LibreChat dialect: camelCase names over the snake_case store.

One module per route concept (conversations, messages, tags, imports); here the
bases they share. Request schemas ignore fields they do not know (LibreChat's client
sends more than each route reads); ids must be plain strings, so ``{"$gt": ""}`` is a 400.
"""

from __future__ import annotations

from typing import ClassVar

from marshmallow import EXCLUDE, Schema, fields, post_dump

from ...fields import ID_LENGTH


def required_id(**kwargs) -> fields.String:
    return fields.String(required=True, validate=ID_LENGTH, **kwargs)


class Request(Schema):
    """A request body; its ``EXAMPLE`` is documented (and works on the demo data)."""

    EXAMPLE: ClassVar[dict[str, object]] = {}

    class Meta:
        unknown = EXCLUDE


class LibreChatErrorSchema(Schema):
    """LibreChat's error body: ``{"error"}``, plus ``message`` on 401 and 403."""

    error = fields.String(metadata={"example": "Conversation not found"})
    message = fields.String(
        metadata={
            "description": "With 401 and 403 only.",
            "example": "You don't have access to this conversation",
        }
    )


class Wire(Schema):
    """A response object: absent optional values are left out, never sent as ``null``.

    LibreChat's client schemas declare most fields ``optional`` but not
    ``nullable``; the names in ``NULLABLE`` are the ones they require to be
    present even when there is no value.
    """

    NULLABLE: tuple[str, ...] = ()

    @post_dump
    def omit_nulls(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None or k in self.NULLABLE}
