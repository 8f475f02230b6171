"""``/api/tags``: conversation tags, in seed 002's form and LibreChat's own."""

from __future__ import annotations

from ...core import tags
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from . import LIBRECHAT
from .schemas.conversations import ConvoSchema
from .schemas.tags import (
    TagCreateRequest,
    TagListQuery,
    TagPageSchema,
    TagRequest,
    TagSchema,
    TagSetRequest,
    TagUpdateRequest,
)

blp: DialectBlueprint = DialectBlueprint(
    "librechat_tags",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: tags",
    url_prefix="/api/tags",
    description="LibreChat: conversation tags. Counts are computed from the "
    "conversations, so they never drift.",
)


@blp.route("")
@blp.response(200, TagSchema(many=True))
def list_tags():
    """Every tag of the caller with its conversation count, by position."""
    return tags.list_tags(mongo.db, current_scope())


@blp.route("", methods=["POST"])
@blp.arguments(TagCreateRequest)
@blp.response(200, TagSchema)
@blp.errors(400, 403, 404)
def create_tag(body):
    """Create a tag (or return the existing one), optionally adding it to a conversation."""
    return tags.create(
        mongo.db,
        current_scope(),
        body["tag"],
        description=body.get("description"),
        add_to_conversation=body["addToConversation"],
        conversation_id=body.get("conversationId"),
    )


@blp.route("/rebuild", methods=["POST"])
@blp.response(200, TagSchema(many=True))
def rebuild_tags():
    """Recompute the caller's tags from their conversations: every tag found on a
    conversation gets a document, positions are renumbered 1, 2, 3… in order."""
    return tags.rebuild(mongo.db, current_scope())


@blp.route("/list")
@blp.arguments(TagListQuery, location="query")
@blp.response(200, TagPageSchema)
@blp.errors(400)
def tag_page(args):
    """A page of tags with counts, sorted by `name`, `count`, `position` or `createdAt`."""
    return tags.page(
        mongo.db,
        current_scope(),
        page_number=args["pageNumber"],
        sort=args["sort"],
        order=args["order"],
        page_size=args["pageSize"],
    )


@blp.route("/convo/<conversation_id>", methods=["POST"])
@blp.arguments(TagRequest)
@blp.response(200, ConvoSchema)
@blp.errors(400, 403, 404)
def add_tag(body, conversation_id):
    """Add one tag to a conversation; returns the conversation."""
    return tags.add_to_conversation(mongo.db, current_scope(), conversation_id, body["tag"])


@blp.route("/convo/<conversation_id>", methods=["PUT"])
@blp.arguments(TagSetRequest)
@blp.response(200, description="The conversation's new tags: a JSON array of strings.")
@blp.errors(400, 403, 404)
def set_tags(body, conversation_id):
    """Replace a conversation's tags; returns the new list."""
    return tags.set_for_conversation(mongo.db, current_scope(), conversation_id, body["tags"])


@blp.route("/<path:tag>", methods=["PUT"])
@blp.arguments(TagUpdateRequest)
@blp.response(200, TagSchema)
@blp.errors(400, 404, 409)
def update_tag(body, tag):
    """Rename (rewriting it in every conversation), describe or reposition a tag."""
    return tags.update(
        mongo.db,
        current_scope(),
        tag,
        new_name=body.get("tag"),
        description=body.get("description"),
        position=body.get("position"),
    )


@blp.route("/<path:tag>", methods=["DELETE"])
@blp.response(200, TagSchema)
@blp.errors(400, 404)
def delete_tag(tag):
    """Delete a tag and remove it from every conversation."""
    return tags.delete(mongo.db, current_scope(), tag)
