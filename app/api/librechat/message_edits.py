# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""``/api/messages/:conversationId/:messageId``: read, edit, delete and rate one message."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...core import feedback, message_edits, messages
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from . import LIBRECHAT
from .schemas import Request, Wire
from .schemas.messages import LibreChatMessageSchema

blp: DialectBlueprint = DialectBlueprint(
    "librechat_message_edits",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: messages",
    url_prefix="/api/messages",
    description="LibreChat: one message — read, edit (text or one content part), delete, feedback.",
    errors={409: "The part was replaced under a concurrent change; try again."},
)


class MessageEditRequest(Request):
    EXAMPLE = {"text": "How do I speed up a slow query over three joined tables?"}

    text = fields.String(required=True, metadata={"description": "The new text."})
    index = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, error="Invalid index"),
        metadata={"description": "Edit this content part (a `text` or `think` part) instead."},
    )
    model = fields.String(metadata={"description": "Accepted; the stored model is kept."})


class MessageFeedbackRequest(Request):
    EXAMPLE = {"feedback": {"rating": "thumbsUp", "tag": "accurate_reliable"}}

    feedback = fields.Raw(
        allow_none=True,
        metadata={
            "description": "`{rating: thumbsUp|thumbsDown, tag, text?}`; absent or null "
            "removes the message's feedback."
        },
    )


class MessageFeedbackSchema(Schema):
    rating = fields.String(metadata={"enum": list(feedback.RATINGS)})
    tag = fields.String(metadata={"enum": list(feedback.TAGS)})
    text = fields.String()


class MessageFeedbackResultSchema(Wire):
    messageId = fields.String(attribute="_id")
    conversationId = fields.String(attribute="conversation_id")
    feedback = fields.Nested(MessageFeedbackSchema)


@blp.route("/<conversation_id>/<message_id>")
@blp.response(200, LibreChatMessageSchema(many=True))
@blp.errors(403, 404)
def get_message(conversation_id, message_id):
    """One message of a conversation, in a list as LibreChat answers it."""
    return [messages.get(mongo.db, current_scope(), conversation_id, message_id)]


@blp.route("/<conversation_id>/<message_id>", methods=["PUT"])
@blp.arguments(MessageEditRequest)
@blp.response(200, LibreChatMessageSchema)
@blp.errors(400, 403, 404, 409)
def edit_message(body, conversation_id, message_id):
    """Edit a message's text, or with `index` the text of one content part.

    The message's `tokenCount` is counted again from its new text.
    """
    scope = current_scope()
    if "index" in body:
        return message_edits.edit_part(
            mongo.db, scope, conversation_id, message_id, body["index"], body["text"]
        )
    return message_edits.edit_text(mongo.db, scope, conversation_id, message_id, body["text"])


@blp.route("/<conversation_id>/<message_id>", methods=["DELETE"])
@blp.response(204)
@blp.errors(403, 404)
def delete_message(conversation_id, message_id):
    """Delete one message; its children stay (as roots of their branch), and the
    conversation's message count and token and cost totals drop by what it carried."""
    message_edits.delete(mongo.db, current_scope(), conversation_id, message_id)


@blp.route("/<conversation_id>/<message_id>/feedback", methods=["PUT"])
@blp.arguments(MessageFeedbackRequest)
@blp.response(200, MessageFeedbackResultSchema)
@blp.errors(400, 403, 404)
def rate_message(body, conversation_id, message_id):
    """Rate a message (thumbs up or down, a reason tag, an optional comment), or clear it."""
    return feedback.set_feedback(
        mongo.db, current_scope(), conversation_id, message_id, body.get("feedback")
    )
