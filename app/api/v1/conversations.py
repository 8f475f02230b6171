"""``/v1/conversations`` routes: list, create, read, change, delete."""

from __future__ import annotations

from ...core import appending, conversations, deletion, listing, transcripts
from ...core.errors import Forbidden
from ...extensions import mongo, services
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .schemas.conversations import (
    ConversationCreateSchema,
    ConversationDetailEnvelopeSchema,
    ConversationDetailQuerySchema,
    ConversationEnvelopeSchema,
    ConversationPageSchema,
    ConversationPatchSchema,
    DeletedEnvelopeSchema,
    DeleteQuerySchema,
    ListQuerySchema,
)

blp: DialectBlueprint = DialectBlueprint(
    "v1_conversations",
    __name__,
    dialect=PLATFORM,
    tag="Platform: conversations",
    url_prefix="/v1/conversations",
    description="Platform API: list, create, read, change and delete conversations.",
)


def page_body(page) -> dict:
    """The ``{data, has_more, next_cursor}`` body of a keyset page."""
    return {"data": page.items, "has_more": page.has_more, "next_cursor": page.next_cursor}


def scope_for(args: dict):
    """The caller's scope, narrowed to ``user_id`` when an admin asks for one user."""
    scope = current_scope()
    return scope.narrowed_to(args["user_id"]) if args.get("user_id") else scope


@blp.route("")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, ConversationPageSchema)
@blp.errors(400, 403, 422)
def list_conversations(args):
    """List the caller's conversations, newest first, one keyset page at a time.

    Soft-deleted conversations are hidden unless `status=deleted`. Admin tokens
    see every user of their workspace; `user_id` narrows to one.
    """
    page = listing.list_page(
        mongo.db,
        scope_for(args),
        args["selection"],
        sort=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return page_body(page)


@blp.route("", methods=["POST"])
@blp.arguments(ConversationCreateSchema)
@blp.response(201, ConversationEnvelopeSchema)
@blp.errors(400, 403, 404, 409, 422)
def create_conversation(body):
    """Create a conversation, optionally with its first messages.

    Initial messages are appended in order, each under the previous one unless it
    names an earlier initial message as `parent_message_id`. An admin token may
    create it for a user of its workspace (`user_id`): that user owns it, as if
    they had created it; a user token naming another user is a 403.
    """
    initial = body.pop("messages")
    scope = scope_for(body)
    body.pop("user_id", None)
    created = appending.start(mongo.db, scope, initial, services.current, **body)
    return {"data": created}


@blp.route("/<conversation_id>")
@blp.arguments(ConversationDetailQuerySchema, location="query")
@blp.response(200, ConversationDetailEnvelopeSchema)
@blp.errors(400, 404, 422)
def get_conversation(args, conversation_id):
    """A conversation with a page of its messages (or only its current thread).

    Soft-deleted conversations are still readable here (status `deleted`), so they
    can be restored.
    """
    document = transcripts.detail(
        mongo.db,
        current_scope(),
        conversation_id,
        include_messages=args["include_messages"],
        thread_only=args["thread"],
        limit=args["messages_limit"],
        cursor=args.get("messages_cursor"),
        order=args["messages_order"],
    )
    return {"data": document}


@blp.route("/<conversation_id>", methods=["PATCH"])
@blp.arguments(ConversationPatchSchema)
@blp.response(200, ConversationEnvelopeSchema)
@blp.errors(400, 404, 422)
def update_conversation(body, conversation_id):
    """Change title, merge metadata, replace tags, set model or endpoint, or change status.

    `status`: `archived` archives; `active` unarchives or restores a soft-deleted
    conversation; `deleted` soft-deletes. Metadata keys are 1-64 letters, digits,
    `_` or `-`; `null` removes a key; the merged metadata is at most 16 KiB of JSON.
    """
    return {"data": conversations.patch(mongo.db, current_scope(), conversation_id, **body)}


@blp.route("/<conversation_id>", methods=["DELETE"])
@blp.arguments(DeleteQuerySchema, location="query")
@blp.response(200, DeletedEnvelopeSchema)
@blp.errors(403, 404, 422)
def delete_conversation(args, conversation_id):
    """Soft-delete a conversation (hidden from lists, restorable with `status: active`).

    Idempotent: deleting a conversation that is deleted already answers the same.

    `?hard=true` (admin tokens only) erases the conversation and its messages.
    """
    scope = current_scope()
    if not args["hard"]:
        deletion.soft_delete(mongo.db, scope, conversation_id)
        return {"data": _deleted_body(conversation_id, None)}
    if not scope.is_admin:
        raise Forbidden("Only an admin may erase a conversation")
    erased = deletion.hard_delete(mongo.db, scope, [conversation_id], must_exist=True)
    return {"data": _deleted_body(conversation_id, erased)}


def _deleted_body(conversation_id: str, erased: deletion.Deleted | None) -> dict:
    """What a delete did: soft (``erased`` is ``None``) or an erase with its message count."""
    if erased is None:
        return {"id": conversation_id, "status": "deleted", "hard": False, "messages_deleted": 0}
    return {
        "id": conversation_id,
        "status": "erased",
        "hard": True,
        "messages_deleted": erased.messages,
    }
