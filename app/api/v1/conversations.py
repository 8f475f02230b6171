"""``/v1/conversations`` routes."""

from __future__ import annotations

from ...core import conversations
from ...core.pagination import Sort
from ...extensions import mongo
from ..auth import current_scope
from . import blp
from .schemas import ConversationPageSchema, ListQuerySchema, PlatformErrorSchema


def list_filter(args: dict) -> conversations.ListFilter:
    """The core selection a list or search query string describes."""
    status = args.get("status")
    return conversations.ListFilter(
        statuses=(status,) if status else ("active", "archived"),
        tags=(args["tag"],) if args.get("tag") else (),
        source=args.get("source"),
        assistant_id=args.get("assistant_id"),
        created_after=args.get("created_after"),
        created_before=args.get("created_before"),
        updated_after=args.get("updated_after"),
        updated_before=args.get("updated_before"),
    )


def scope_for(args: dict):
    """The caller's scope, narrowed to ``user_id`` when an admin asks for one user."""
    scope = current_scope()
    return scope.narrowed_to(args["user_id"]) if args.get("user_id") else scope


@blp.route("")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, ConversationPageSchema)
@blp.alt_response(400, schema=PlatformErrorSchema, description="Bad cursor or filter.")
@blp.alt_response(401, schema=PlatformErrorSchema, description="Missing or invalid token.")
@blp.alt_response(
    403, schema=PlatformErrorSchema, description="`user_id` of another user, not admin."
)
def list_conversations(args):
    """List the caller's conversations, newest first, one keyset page at a time.

    Soft-deleted conversations are hidden unless `status=deleted`. Admin tokens
    see every user of their workspace; `user_id` narrows to one.
    """
    page = conversations.list_page(
        mongo.db,
        scope_for(args),
        list_filter(args),
        sort=Sort(args["sort"], args["order"]),
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return {"data": page.items, "has_more": page.has_more, "next_cursor": page.next_cursor}
