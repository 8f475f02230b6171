"""``/api/messages``: a conversation's messages, as LibreChat's client loads them."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...core import messages
from ...extensions import mongo
from ..auth import current_scope, require_auth
from .docs import errors
from .schemas import MessageSchema

blp = require_auth(
    Blueprint(
        "librechat_messages",
        __name__,
        url_prefix="/api/messages",
        description="LibreChat: messages of a conversation.",
    )
)


@blp.route("/<conversation_id>")
@blp.response(200, MessageSchema(many=True))
@errors(blp, 403, 404)
def list_messages(conversation_id):
    """Every message of a conversation (all branches), in append order."""
    return messages.list_all(mongo.db, current_scope(), conversation_id)
