# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""``/api/share``: LibreChat's shared links, and their public read (no token)."""

from __future__ import annotations

from flask import current_app
from marshmallow import Schema, fields, validate

from ...core import search, shares
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint, store_down_or
from ..fields import ID_LENGTH, UtcDateTime
from ..limits import fork_limits, share_read_limit
from . import LIBRECHAT
from .schemas import Request, Wire
from .schemas.conversations import CopySchema
from .schemas.messages import LibreChatMessageSchema

SHARE_ERRORS = {
    404: '`{"error": "Share not found"}`: no such link (or not yours), deleted or refreshed, '
    "or its conversation deleted.",
    409: '`{"error": "Share already exists"}` for this conversation (and target message).',
    503: store_down_or("`SEARCH_BACKEND=text` needs a MongoDB server."),
}
blp: DialectBlueprint = DialectBlueprint(
    "librechat_shares",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: shared links",
    url_prefix="/api/share",
    description="LibreChat: shared links of the caller's conversations.",
    errors=SHARE_ERRORS,
)
public_blp: DialectBlueprint = DialectBlueprint(
    "librechat_public_share",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: shared links",
    url_prefix="/api/share",
    description="LibreChat: a shared conversation as anyone with the link sees it (no token).",
    errors={
        **SHARE_ERRORS,
        429: "Too many reads from this IP (SHARE_IP_MAX per SHARE_IP_WINDOW); see `Retry-After`.",
    },
    public=True,
    store=True,
)


class ShareCreateRequest(Request):
    EXAMPLE = {}  # every message; `targetMessageId` shares those up to its depth

    targetMessageId = fields.String(
        allow_none=True,
        validate=ID_LENGTH,
        metadata={"description": "Share the messages up to this one's depth (default: all)."},
    )


class ShareLinkSchema(Wire):
    """``TSharedLinkResponse``."""

    shareId = fields.String(attribute="share_id")
    conversationId = fields.String(attribute="conversation_id")
    targetMessageId = fields.String(attribute="target_message_id")


class ShareLinkStatusSchema(Schema):
    """``TSharedLinkGetResponse``."""

    success = fields.Boolean()
    shareId = fields.String(allow_none=True)
    conversationId = fields.String()


class ShareListQuery(Request):
    pageSize = fields.Integer(load_default=10, validate=validate.Range(1, shares.PAGE_MAX))
    isPublic = fields.Boolean(load_default=True)
    sortBy = fields.String(load_default="createdAt", validate=validate.OneOf(tuple(shares.SORTS)))
    sortDirection = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))
    search = fields.String(
        validate=validate.Length(1, search.QUERY_MAX),
        metadata={
            "description": "Links whose conversation's title, or one of its messages, holds "
            "every word of this (any order, ignoring case and accents)."
        },
    )
    cursor = fields.String(metadata={"description": "`nextCursor` of the previous page."})


class ShareLinkItemSchema(Schema):
    shareId = fields.String(attribute="share_id")
    title = fields.String()
    isPublic = fields.Boolean(attribute="is_public")
    createdAt = UtcDateTime(attribute="created_at")
    conversationId = fields.String(attribute="conversation_id")


class ShareLinkPageSchema(Schema):
    """``SharedLinksResponse``."""

    links = fields.List(fields.Nested(ShareLinkItemSchema))
    nextCursor = fields.String(allow_none=True)
    hasNextPage = fields.Boolean()


class ShareDeletedSchema(Schema):
    success = fields.Boolean()
    shareId = fields.String()
    message = fields.String()


class SharedConversationSchema(Schema):
    """``TSharedMessagesResponse``: ids are anonymous, nothing else of the owner is shown."""

    shareId = fields.String(attribute="share_id")
    title = fields.String()
    isPublic = fields.Boolean(attribute="is_public")
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = UtcDateTime(attribute="updated_at")
    conversationId = fields.String(attribute="conversation_id")
    messages = fields.List(fields.Nested(LibreChatMessageSchema))


@blp.route("")
@blp.arguments(ShareListQuery, location="query")
@blp.response(200, ShareLinkPageSchema)
@blp.errors(400, 503)
def list_links(args):
    """The caller's shared links, keyset-paged, newest first (or by `title`)."""
    page = shares.page(
        mongo.db,
        current_scope(),
        sort_by=args["sortBy"],
        direction=args["sortDirection"],
        limit=args["pageSize"],
        cursor=args.get("cursor"),
        search_text=args.get("search"),
        backend=current_app.config["SEARCH_BACKEND"],
        public=args["isPublic"],
    )
    return {"links": page.items, "nextCursor": page.next_cursor, "hasNextPage": page.has_more}


@blp.route("/link/<conversation_id>")
@blp.response(200, ShareLinkStatusSchema)
@blp.errors(403, 404)
def get_link(conversation_id):
    """The share of a conversation: `success: false` and `shareId: null` when there is none."""
    share = shares.link_for(mongo.db, current_scope(), conversation_id)
    return {
        "success": share is not None,
        "shareId": share["share_id"] if share else None,
        "conversationId": conversation_id,
    }


@blp.route("/<conversation_id>", methods=["POST"])
@blp.arguments(ShareCreateRequest)
@blp.response(200, ShareLinkSchema)
@blp.errors(400, 403, 404, 409)
def create_link(body, conversation_id):
    """Share a conversation: a snapshot of its messages (with `targetMessageId`, those no
    deeper than it). 409 if it is shared already."""
    return shares.create(mongo.db, current_scope(), conversation_id, body.get("targetMessageId"))


@blp.route("/<share_id>", methods=["PATCH"])
@blp.response(200, ShareLinkSchema)
@blp.errors(404)
def refresh_link(share_id):
    """Share the conversation as it is now, under a new share id (the old link stops)."""
    return shares.refresh(mongo.db, current_scope(), share_id)


@blp.route("/<share_id>", methods=["DELETE"])
@blp.response(200, ShareDeletedSchema)
@blp.errors(404)
def delete_link(share_id):
    """Delete a shared link; it stops working at once."""
    deleted = shares.delete(mongo.db, current_scope(), share_id)
    message = "Share deleted successfully"
    return {"success": True, "shareId": deleted["share_id"], "message": message}


@blp.route("/<share_id>/fork", methods=["POST"])
@blp.response(200, CopySchema)
@blp.errors(404, 429)
@fork_limits
def fork_shared(share_id):
    """Copy a shared conversation into a new conversation of the caller."""
    copy = shares.fork(mongo.db, current_scope(), share_id)
    return {"conversation": copy.conversation, "messages": copy.messages}


@public_blp.route("/<share_id>")
@public_blp.response(200, SharedConversationSchema)
@public_blp.errors(404, 429)
@share_read_limit
def read_shared(share_id):
    """A shared conversation as anyone with the link sees it; no token needed.

    Title, dates and the shared messages, with anonymous ids; 404 once the link is
    deleted or refreshed, or the conversation deleted. Limited per client IP.
    """
    return shares.public_view(mongo.db, share_id)
