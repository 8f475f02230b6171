# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""LibreChat's search: ``GET /api/search/enable`` and ``GET /api/messages`` (search or page)."""

from __future__ import annotations

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...core import messages, search
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint, store_down_or
from ..fields import ID_LENGTH
from . import LIBRECHAT
from .schemas import Request
from .schemas.messages import LibreChatMessageSchema

blp: DialectBlueprint = DialectBlueprint(
    "librechat_search",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: search",
    url_prefix="/api",
    description="LibreChat: message search, and a conversation's messages page by page.",
    errors={503: store_down_or("`SEARCH_BACKEND=text` needs a MongoDB server.")},
)


class LibreChatMessageQuery(Request):
    conversationId = fields.String(
        validate=ID_LENGTH,
        metadata={"description": "Page through this conversation's messages."},
    )
    messageId = fields.String(
        validate=ID_LENGTH,
        metadata={"description": "With `conversationId`: only this message."},
    )
    search = fields.String(
        validate=validate.Length(1, search.QUERY_MAX),
        metadata={
            "description": "Messages whose text holds every word of this (any order, "
            "ignoring case and accents), newest first."
        },
    )
    cursor = fields.String(metadata={"description": "`nextCursor` of the previous page."})
    pageSize = fields.Integer(load_default=25, validate=validate.Range(1, 100))
    sortBy = fields.String(
        load_default="createdAt",
        validate=validate.OneOf(("createdAt", "updatedAt", "endpoint")),
        metadata={"description": "Messages of a conversation come in the order they were added."},
    )
    sortDirection = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))

    @validates_schema
    def cursor_of_a_listing(self, data, **kwargs):
        if "cursor" in data and not ({"conversationId", "search"} & set(data)):
            raise ValidationError("a cursor continues a conversationId or search listing", "cursor")


class LibreChatSearchHitSchema(LibreChatMessageSchema):
    title = fields.String(metadata={"description": "The conversation's title."})
    endpoint = fields.String()


class LibreChatMessagePageSchema(Schema):
    messages = fields.List(fields.Nested(LibreChatSearchHitSchema))
    nextCursor = fields.String(allow_none=True)


@blp.route("/search/enable")
@blp.response(200, description="`true`: a JSON boolean.", example=True)
def search_enabled():
    """Search is always on (`SEARCH_BACKEND` chooses how it matches)."""
    return True


@blp.route("/messages")
@blp.arguments(LibreChatMessageQuery, location="query")
@blp.response(200, LibreChatMessagePageSchema)
@blp.errors(400, 403, 404, 503)
def list_or_search_messages(args):
    """A page of one conversation's messages (`conversationId`), or of the caller's
    messages holding every word of `search` (any order, ignoring case and accents),
    newest first, with their conversation's title; else nothing.

    Pass `nextCursor` back as `cursor` for the next page.
    """
    db, scope = mongo.db, current_scope()
    if "conversationId" in args and "messageId" in args:
        found = messages.get(db, scope, args["conversationId"], args["messageId"])
        return {"messages": [found], "nextCursor": None}
    paging = {"limit": args["pageSize"], "cursor": args.get("cursor")}
    if "conversationId" in args:
        order = args["sortDirection"]
        page = messages.list_page(db, scope, args["conversationId"], order=order, **paging)
    elif "search" in args:
        backend = current_app.config["SEARCH_BACKEND"]
        page = search.message_page(db, scope, args["search"], backend=backend, **paging)
    else:
        return {"messages": [], "nextCursor": None}
    return {"messages": page.items, "nextCursor": page.next_cursor}
