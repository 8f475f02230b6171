# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Conversations: the conversation object, list pages, the ``{arg}`` edits, fork and duplicate."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, post_dump, post_load, validate

from ....core.compaction import auto
from ....core.demo import EXAMPLE_CONVERSATION_ID, EXAMPLE_MESSAGE_ID
from ....core.forking import OPTIONS
from ....core.limits import SOURCE_MAX
from ....core.listing import LIST_LIMIT_MAX, ListFilter
from ....core.pagination import Sort
from ....core.search import QUERY_MAX
from ....core.validation import TITLE_MAX
from ...fields import ID_LENGTH, TAG_LENGTH, UtcDateTime, derived
from . import Request, Wire, required_id
from .messages import LibreChatMessageSchema

SORT_FIELDS = {
    "updatedAt": "updated_at",
    "createdAt": "created_at",
    "title": "title",
    "archivedAt": "archived_at",
}


OWN_SETTINGS = frozenset({auto.SETTING})


class ConvoSchema(Wire):
    """LibreChat's ``TConversation``; stored settings are spread at the top level.

    The model settings (``temperature``, ``top_p``, ``promptPrefix`` …: whatever
    an import stored) are the further properties the schema allows; Colloquy's own
    settings (automatic compaction) are no part of a LibreChat conversation.
    """

    class Meta:
        unknown = INCLUDE  # documents the spread settings: additionalProperties true

    NULLABLE = ("endpoint",)

    conversationId = fields.String(attribute="_id", metadata={"example": "abc123"})
    title = fields.String()
    user = fields.String(attribute="user_id")
    endpoint = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    modelLabel = fields.String(attribute="model_label", allow_none=True)
    assistant_id = fields.String(allow_none=True)
    isArchived = derived(lambda c: c.get("status") == "archived", "boolean")
    pinned = fields.Boolean()
    tags = fields.List(fields.String())
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = UtcDateTime(attribute="updated_at")

    @post_dump(pass_original=True)
    def spread_settings(self, data, original, **kwargs):
        settings = original.get("settings") or {}
        extra = {k: v for k, v in settings.items() if k not in data and k not in OWN_SETTINGS}
        return {**extra, **data}


class ListQuerySchema(Request):
    limit = fields.Integer(load_default=25, validate=validate.Range(1, LIST_LIMIT_MAX))
    cursor = fields.String(metadata={"description": "`nextCursor` of the previous page."})
    isArchived = fields.Boolean(load_default=False, metadata={"description": "Archived only."})
    pinned = fields.Boolean(metadata={"description": "Only pinned (true) or unpinned (false)."})
    tags = fields.List(
        fields.String(validate=TAG_LENGTH),
        metadata={"description": "Conversations carrying any of these tags (repeatable)."},
    )
    tags_brackets = fields.List(
        fields.String(validate=TAG_LENGTH),
        data_key="tags[]",
        metadata={"description": "The same as `tags`, in axios's array format."},
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
            tags=(*(data.pop("tags", None) or ()), *data.pop("tags_brackets", ())),
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
    EXAMPLE = {"conversationId": EXAMPLE_CONVERSATION_ID, "title": "Quarterly report"}

    conversationId = required_id()
    title = fields.String(required=True, validate=validate.Length(max=TITLE_MAX))


class ArchiveArg(Request):
    EXAMPLE = {"conversationId": EXAMPLE_CONVERSATION_ID, "isArchived": True}

    conversationId = required_id()
    isArchived = fields.Boolean(required=True)


class PinArg(Request):
    EXAMPLE = {"conversationId": EXAMPLE_CONVERSATION_ID, "pinned": False}

    conversationId = required_id()
    pinned = fields.Boolean(required=True)


class DeleteArg(Request):
    EXAMPLE = {"conversationId": EXAMPLE_CONVERSATION_ID, "source": "button"}

    conversationId = required_id()
    source = fields.String(validate=validate.Length(max=SOURCE_MAX))
    thread_id = fields.String(allow_none=True, validate=ID_LENGTH)
    endpoint = fields.String(allow_none=True, validate=validate.Length(max=SOURCE_MAX))


def wrapped(arg_schema: type[Request]) -> type[Request]:
    """``{"arg": {...}}``, the envelope LibreChat's client posts."""
    return type(
        f"{arg_schema.__name__}Body",
        (Request,),
        {"arg": fields.Nested(arg_schema, required=True), "EXAMPLE": {"arg": arg_schema.EXAMPLE}},
    )


UpdateBody = wrapped(TitleArg)
ArchiveBody = wrapped(ArchiveArg)
PinBody = wrapped(PinArg)
DeleteBody = wrapped(DeleteArg)


class ArchiveAllSchema(Schema):
    archivedCount = fields.Integer(metadata={"description": "Conversations archived."})


class DeletedMessagesSchema(Schema):
    acknowledged = fields.Boolean()
    deletedCount = fields.Integer()


class DeleteResultSchema(Schema):
    acknowledged = fields.Boolean()
    deletedCount = fields.Integer()
    messages = fields.Nested(DeletedMessagesSchema)


class TitleSchema(Schema):
    title = fields.String()


FORK_OPTION_ALIASES = {"target": "targetLevel", "branch": "includeBranches"}


class ForkRequest(Request):
    EXAMPLE = {
        "conversationId": EXAMPLE_CONVERSATION_ID,
        "messageId": EXAMPLE_MESSAGE_ID,
        "option": "targetLevel",
        "splitAtTarget": False,
    }

    conversationId = required_id()
    messageId = required_id()
    option = fields.String(
        allow_none=True,
        validate=validate.OneOf(
            (*OPTIONS, *FORK_OPTION_ALIASES, ""),
            error=f"option must be one of {', '.join(OPTIONS)} (or empty)",
        ),
        metadata={
            "description": "directPath, includeBranches or targetLevel (default); "
            "`target` and `branch` are aliases of targetLevel and includeBranches."
        },
    )
    splitAtTarget = fields.Boolean(load_default=False)
    latestMessageId = fields.String(allow_none=True, validate=ID_LENGTH)

    @post_load
    def resolve_aliases(self, data, **kwargs):
        option = data.get("option")
        data["option"] = FORK_OPTION_ALIASES.get(option, option)
        return data


class CopySchema(Schema):
    conversation = fields.Nested(ConvoSchema)
    messages = fields.List(fields.Nested(LibreChatMessageSchema))


class DuplicateRequest(Request):
    EXAMPLE = {"conversationId": EXAMPLE_CONVERSATION_ID, "title": "Quarterly report (copy)"}

    conversationId = required_id()
    title = fields.String(allow_none=True, validate=validate.Length(max=TITLE_MAX))
