# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Wire schemas of the LibreChat dialect: camelCase names over the snake_case store.

Request schemas ignore fields they do not know (LibreChat's client sends more
than each route reads); ids must be plain strings, so ``{"$gt": ""}`` is a 400.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, post_dump, post_load, validate

from ...core.forking import OPTIONS
from ...core.limits import SOURCE_MAX, TAG_MAX
from ...core.listing import LIST_LIMIT_MAX, ListFilter
from ...core.pagination import Sort
from ...core.search import QUERY_MAX
from ...core.tags import DESCRIPTION_MAX, SORTS
from ...core.validation import TITLE_MAX
from ..fields import ID_LENGTH, TAG_LENGTH, UtcDateTime
from ..uploads import RejectedSchema

SORT_FIELDS = {"updatedAt": "updated_at", "createdAt": "created_at", "title": "title"}


def required_id(**kwargs) -> fields.String:
    return fields.String(required=True, validate=ID_LENGTH, **kwargs)


class Request(Schema):
    class Meta:
        unknown = EXCLUDE


class LibreChatErrorSchema(Schema):
    """LibreChat's error body: ``{"error"}``, plus ``message`` on 401 and 403."""

    error = fields.String(metadata={"example": "Conversation not found"})
    message = fields.String(
        metadata={
            "description": "With 401 and 403 only.",
            "example": "You don't have access to this conversation",
        }
    )


# --- conversations and messages ---------------------------------------------------------


class ConvoSchema(Schema):
    """LibreChat's ``TConversation``; stored settings are spread at the top level."""

    conversationId = fields.String(attribute="_id", metadata={"example": "abc123"})
    title = fields.String()
    user = fields.String(attribute="user_id")
    endpoint = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    modelLabel = fields.String(attribute="model_label", allow_none=True)
    assistant_id = fields.String(allow_none=True)
    isArchived = fields.Function(lambda c: c.get("status") == "archived")
    pinned = fields.Boolean()
    tags = fields.List(fields.String())
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = UtcDateTime(attribute="updated_at")

    @post_dump(pass_original=True)
    def spread_settings(self, data, original, **kwargs):
        extra = {k: v for k, v in (original.get("settings") or {}).items() if k not in data}
        return {**extra, **data}


class LibreChatMessageSchema(Schema):
    """LibreChat's ``TMessage``."""

    messageId = fields.String(attribute="_id")
    conversationId = fields.String(attribute="conversation_id")
    parentMessageId = fields.String(attribute="parent_message_id")
    isCreatedByUser = fields.Function(lambda m: m.get("role") == "user")
    sender = fields.String()
    text = fields.String()
    content = fields.List(fields.Raw())
    model = fields.String(allow_none=True)
    tokenCount = fields.Integer(attribute="token_count", allow_none=True)
    createdAt = UtcDateTime(attribute="created_at")

    @post_dump
    def updated_at_is_created_at(self, data, **kwargs):
        """Messages are not edited here, so ``updatedAt`` is their creation time."""
        return {**data, "updatedAt": data.get("createdAt")}


class ListQuerySchema(Request):
    limit = fields.Integer(load_default=25, validate=validate.Range(1, LIST_LIMIT_MAX))
    cursor = fields.String(metadata={"description": "`nextCursor` of the previous page."})
    isArchived = fields.Boolean(load_default=False, metadata={"description": "Archived only."})
    pinned = fields.Boolean(metadata={"description": "Only pinned (true) or unpinned (false)."})
    tags = fields.List(
        fields.String(validate=TAG_LENGTH),
        metadata={"description": "Conversations carrying any of these tags (repeatable)."},
    )
    search = fields.String(validate=validate.Length(1, QUERY_MAX))
    sortBy = fields.String(load_default="updatedAt", validate=validate.OneOf(tuple(SORT_FIELDS)))
    sortDirection = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))

    @post_load
    def _to_core(self, data: dict, **kwargs) -> dict:
        """``selection`` (a core ``ListFilter``) and ``sort``, beside paging and ``search``."""
        selection = ListFilter(
            statuses=("archived",) if data.pop("isArchived") else ("active",),
            pinned=data.pop("pinned", None),
            tags=tuple(data.pop("tags", None) or ()),
        )
        sort = Sort(SORT_FIELDS[data.pop("sortBy")], data.pop("sortDirection"))
        return {**data, "selection": selection, "sort": sort}


class ConvoPageSchema(Schema):
    conversations = fields.List(fields.Nested(ConvoSchema))
    nextCursor = fields.String(allow_none=True)
    pageNumber = fields.Integer()
    pageSize = fields.Integer()
    pages = fields.Integer()


class TitleArg(Request):
    conversationId = required_id()
    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX))


class ArchiveArg(Request):
    conversationId = required_id()
    isArchived = fields.Boolean(required=True)


class PinArg(Request):
    conversationId = required_id()
    pinned = fields.Boolean(required=True)


class DeleteArg(Request):
    conversationId = required_id()
    source = fields.String(validate=validate.Length(max=SOURCE_MAX))
    thread_id = fields.String(allow_none=True, validate=ID_LENGTH)
    endpoint = fields.String(allow_none=True, validate=validate.Length(max=SOURCE_MAX))


def wrapped(arg_schema: type[Schema]) -> type[Schema]:
    """``{"arg": {...}}``, the envelope LibreChat's client posts."""
    return type(
        f"{arg_schema.__name__}Body",
        (Request,),
        {"arg": fields.Nested(arg_schema, required=True)},
    )


UpdateBody = wrapped(TitleArg)
ArchiveBody = wrapped(ArchiveArg)
PinBody = wrapped(PinArg)
DeleteBody = wrapped(DeleteArg)


class ArchiveAllSchema(Schema):
    acknowledged = fields.Boolean()
    modifiedCount = fields.Integer()


class DeletedMessagesSchema(Schema):
    deletedCount = fields.Integer()


class DeleteResultSchema(Schema):
    acknowledged = fields.Boolean()
    deletedCount = fields.Integer()
    messages = fields.Nested(DeletedMessagesSchema)


class TitleSchema(Schema):
    title = fields.String()


class ForkRequest(Request):
    conversationId = required_id()
    messageId = required_id()
    option = fields.String(
        allow_none=True,
        validate=validate.OneOf(
            (*OPTIONS, ""), error=f"option must be one of {', '.join(OPTIONS)} (or empty)"
        ),
        metadata={"description": "directPath, includeBranches or targetLevel (default)."},
    )
    splitAtTarget = fields.Boolean(load_default=False)
    latestMessageId = fields.String(allow_none=True, validate=ID_LENGTH)


class CopySchema(Schema):
    conversation = fields.Nested(ConvoSchema)
    messages = fields.List(fields.Nested(LibreChatMessageSchema))


class DuplicateRequest(Request):
    conversationId = required_id()
    title = fields.String(allow_none=True, validate=validate.Length(max=TITLE_MAX))


# --- tags -------------------------------------------------------------------------------


class TagSchema(Schema):
    tag = fields.String(metadata={"example": "important"})
    description = fields.String(allow_none=True)
    count = fields.Integer()
    position = fields.Integer(allow_none=True)
    user = fields.String(attribute="user_id")
    createdAt = UtcDateTime(attribute="created_at", allow_none=True)
    updatedAt = UtcDateTime(attribute="updated_at", allow_none=True)


class TagRequest(Request):
    tag = fields.String(required=True, validate=TAG_LENGTH)


class TagCreateRequest(TagRequest):
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    addToConversation = fields.Boolean(load_default=False)
    conversationId = fields.String(allow_none=True, validate=ID_LENGTH)


class TagUpdateRequest(Request):
    tag = fields.String(validate=TAG_LENGTH)
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    position = fields.Integer(strict=True, validate=validate.Range(min=0))


class TagSetRequest(Request):
    tags = fields.List(fields.String(validate=validate.Length(max=TAG_MAX)), required=True)


class TagListQuery(Request):
    pageNumber = fields.Integer(load_default=1, validate=validate.Range(min=1))
    pageSize = fields.Integer(load_default=25, validate=validate.Range(1, 100))
    sort = fields.String(load_default="position", validate=validate.OneOf(tuple(SORTS)))
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))


class TagPageSchema(Schema):
    tags = fields.List(fields.Nested(TagSchema))
    pageNumber = fields.Integer(attribute="page_number")
    pageSize = fields.Integer(attribute="page_size")
    pages = fields.Integer()
    total = fields.Integer()


# --- import -----------------------------------------------------------------------------


class ImportQuerySchema(Schema):
    allowDuplicates = fields.Boolean(
        load_default=False,
        metadata={"description": "Import conversations even if they were imported before."},
    )
    strict = fields.Boolean(
        load_default=False,
        metadata={"description": "One malformed conversation fails the whole file."},
    )


class ImportedSchema(Schema):
    message = fields.String(metadata={"example": "Conversation(s) imported successfully"})
    conversations = fields.Integer(metadata={"description": "Conversations imported."})
    messages = fields.Integer(metadata={"description": "Messages imported."})
    skipped = fields.Integer(metadata={"description": "Conversations imported before."})
    rejected = fields.List(
        fields.Nested(RejectedSchema),
        metadata={"description": "Malformed conversations left out, with the reason."},
    )
