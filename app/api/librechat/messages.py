"""``/api/messages``: a conversation's messages, as LibreChat's client loads them."""

from __future__ import annotations

from ...core import messages
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from . import LIBRECHAT
from .schemas.messages import LibreChatMessageSchema

blp: DialectBlueprint = DialectBlueprint(
    "librechat_messages",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: messages",
    url_prefix="/api/messages",
    description="LibreChat: messages of a conversation.",
)


@blp.route("/<conversation_id>")
@blp.response(200, LibreChatMessageSchema(many=True))
@blp.errors(403, 404)
def list_messages(conversation_id):
    """Every message of a conversation (all branches), in append order."""
    return messages.list_all(mongo.db, current_scope(), conversation_id)
