"""``/chat/`` routes: list active chats (limit/offset), rename, archive.

Every route acts on the caller's own chats, admin tokens included: this
dialect has no notion of acting for other users.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from ...core import conversations, lifecycle, listing
from ...core.listing import LIST_LIMIT_MAX
from ...core.validation import TITLE_MAX
from ...extensions import mongo
from ..auth import current_scope, require_auth
from ..bodies import JsonBlueprint
from ..docs import error_responses
from ..fields import UtcDateTime
from . import ChatErrorSchema

blp = require_auth(
    JsonBlueprint(
        "chat",
        __name__,
        url_prefix="/chat",
        description="Simple chat API: list, rename and archive the caller's chats.",
    )
)

ACTIVE_ONLY = listing.ListFilter(statuses=("active",))


class ChatListQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, LIST_LIMIT_MAX))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, listing.OFFSET_MAX))


class ChatSchema(Schema):
    id = fields.String(attribute="_id")
    title = fields.String()
    updated_at = UtcDateTime()


class ChatListSchema(Schema):
    error = fields.Boolean(dump_default=False)
    chats = fields.List(fields.Nested(ChatSchema), attribute="items")
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    has_more = fields.Boolean()


class RenameSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX))

    @validates("title")
    def _not_blank(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("title must not be empty")


class RenamedSchema(Schema):
    error = fields.Boolean()
    detail = fields.String()
    new_title = fields.String()


class ArchivedSchema(Schema):
    error = fields.Boolean()
    message = fields.String()


def own_scope():
    """The caller's own chats (an admin token does not widen this dialect)."""
    scope = current_scope()
    return scope.narrowed_to(scope.actor_id)


ERRORS = {
    401: "Missing or invalid authentication token.",
    404: "The chat does not exist or belongs to someone else.",
    422: "Invalid query string or request body.",
    500: "Database or server error.",
}


documents_errors = error_responses(blp, ChatErrorSchema, ERRORS)


@blp.route("/")
@blp.arguments(ChatListQuerySchema, location="query")
@blp.response(200, ChatListSchema)
@documents_errors(401, 422, 500)
def list_chats(args):
    """The caller's active (non-archived) chats, most recently updated first."""
    return listing.list_offset(
        mongo.db, own_scope(), ACTIVE_ONLY, limit=args["limit"], offset=args["offset"]
    )


@blp.route("/rename/<chat_id>", methods=["PUT"])
@blp.arguments(RenameSchema)
@blp.response(200, RenamedSchema)
@documents_errors(401, 404, 422, 500)
def rename_chat(body, chat_id):
    """Rename one of the caller's chats."""
    renamed = conversations.rename(mongo.db, own_scope(), chat_id, body["title"])
    return {"error": False, "detail": "Chat renamed successfully", "new_title": renamed["title"]}


@blp.route("/archive/<chat_id>", methods=["DELETE"])
@blp.response(200, ArchivedSchema)
@documents_errors(401, 404, 500)
def archive_chat(chat_id):
    """Archive one of the caller's chats: it leaves the list, messages are kept."""
    lifecycle.set_archived(mongo.db, own_scope(), chat_id, True)
    return {"error": False, "message": "Chat archived successfully"}
