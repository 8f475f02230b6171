"""``/v1/conversations/<id>/messages`` routes: page, append (idempotent), pin."""

from __future__ import annotations

from flask import current_app

from ...core import idempotency, messages
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .conversations import page_body
from .schemas.messages import (
    IdempotencyHeaderSchema,
    MessageCreateSchema,
    MessageEnvelopeSchema,
    MessageListQuerySchema,
    MessagePageSchema,
    MessagePinSchema,
)

blp: DialectBlueprint = DialectBlueprint(
    "v1_messages",
    __name__,
    dialect=PLATFORM,
    tag="Platform: messages",
    url_prefix="/v1/conversations",
    description="Platform API: a conversation's messages: page, append (idempotent), pin.",
)


@blp.route("/<conversation_id>/messages")
@blp.arguments(MessageListQuerySchema, location="query")
@blp.response(200, MessagePageSchema)
@blp.errors(400, 404, 422)
def list_messages(args, conversation_id):
    """A conversation's messages in append order (`order=desc`: newest first), keyset-paged."""
    page = messages.list_page(
        mongo.db,
        current_scope(),
        conversation_id,
        order=args["order"],
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return page_body(page)


@blp.route("/<conversation_id>/messages", methods=["POST"])
@blp.arguments(MessageCreateSchema)
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.response(201, MessageEnvelopeSchema)
@blp.errors(400, 404, 409, 422)
def append_message(new, headers, conversation_id):
    """Append a message; the conversation's counters change in the same atomic update.

    The parent defaults to the latest message. With an `Idempotency-Key` header a
    retry returns the first result (header `Idempotent-Replayed: true`) instead of
    appending again; the same key with a different message is a 409.
    """
    message, replayed = idempotency.append_once(
        mongo.db,
        current_scope(),
        conversation_id,
        new,
        headers.get("idempotency_key"),
        wait_seconds=current_app.config["IDEMPOTENCY_WAIT_SECONDS"],
    )
    return {"data": message}, 201, {"Idempotent-Replayed": "true" if replayed else "false"}


@blp.route("/<conversation_id>/messages/<message_id>", methods=["PATCH"])
@blp.arguments(MessagePinSchema)
@blp.response(200, MessageEnvelopeSchema)
@blp.errors(400, 404, 422)
def pin_message(body, conversation_id, message_id):
    """Pin or unpin a message; pinned messages are preserved during compaction."""
    pinned = messages.set_pinned(
        mongo.db, current_scope(), conversation_id, message_id, body["is_pinned"]
    )
    return {"data": pinned}
