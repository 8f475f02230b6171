"""``/chat/`` routes: list active chats (limit/offset), rename, archive.

Every route acts on the caller's own chats, admin tokens included: this
dialect has no notion of acting for other users.
"""

from __future__ import annotations

from ...core import conversations, lifecycle, listing
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from . import CHAT
from .schemas import (
    ArchivedSchema,
    ChatListQuerySchema,
    ChatListSchema,
    RenamedSchema,
    RenameSchema,
)

blp: DialectBlueprint = DialectBlueprint(
    "chat",
    __name__,
    dialect=CHAT,
    tag="Chat: chats",
    url_prefix="/chat",
    description="Simple chat API: list, rename and archive the caller's chats.",
)

ACTIVE_ONLY = listing.ListFilter(statuses=("active",))


def own_scope():
    """The caller's own chats (an admin token does not widen this dialect)."""
    scope = current_scope()
    return scope.narrowed_to(scope.actor_id)


@blp.route("/", strict_slashes=False)  # `/chat` answers the list too, not a redirect
@blp.arguments(ChatListQuerySchema, location="query")
@blp.response(200, ChatListSchema)
@blp.errors(422, 500)
def list_chats(args):
    """The caller's active (non-archived) chats, most recently updated first.

    `GET /chat` (without the slash) answers the same list.
    """
    return listing.list_offset(
        mongo.db, own_scope(), ACTIVE_ONLY, limit=args["limit"], offset=args["offset"]
    )


@blp.route("/rename/<chat_id>", methods=["PUT"])
@blp.arguments(RenameSchema)
@blp.response(200, RenamedSchema)
@blp.errors(404, 422, 500)
def rename_chat(body, chat_id):
    """Rename one of the caller's chats."""
    renamed = conversations.rename(mongo.db, own_scope(), chat_id, body["title"])
    return {"error": False, "detail": "Chat renamed successfully", "new_title": renamed["title"]}


@blp.route("/archive/<chat_id>", methods=["DELETE"])
@blp.response(200, ArchivedSchema)
@blp.errors(404, 500)
def archive_chat(chat_id):
    """Archive one of the caller's chats: it leaves the list, messages are kept."""
    lifecycle.set_archived(mongo.db, own_scope(), chat_id, True)
    return {"error": False, "message": "Chat archived successfully"}
