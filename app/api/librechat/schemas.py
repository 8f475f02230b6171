# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Wire schemas of the LibreChat dialect: camelCase names over the snake_case store.

Request schemas ignore fields they do not know (LibreChat's client sends more
than each route reads); ids must be plain strings, so ``{"$gt": ""}`` is a 400.
"""

from __future__ import annotations

from typing import ClassVar

from marshmallow import EXCLUDE, INCLUDE, Schema, fields, post_dump, post_load, validate

from ...core.clock import to_iso
from ...core.compaction import auto
from ...core.demo import EXAMPLE_CONVERSATION_ID, EXAMPLE_MESSAGE_ID, EXAMPLE_TAG
from ...core.forking import OPTIONS
from ...core.limits import ID_MAX, SOURCE_MAX, TAG_MAX
from ...core.listing import LIST_LIMIT_MAX, ListFilter
from ...core.pagination import Sort
from ...core.search import QUERY_MAX
from ...core.tags import DESCRIPTION_MAX, SORTS
from ...core.validation import TITLE_MAX
from ..fields import ID_LENGTH, TAG_LENGTH, UtcDateTime, derived
from ..uploads import RejectedSchema

SORT_FIELDS = {
    "updatedAt": "updated_at",
    "createdAt": "created_at",
    "title": "title",
    "archivedAt": "archived_at",
}


def required_id(**kwargs) -> fields.String:
    return fields.String(required=True, validate=ID_LENGTH, **kwargs)


class Request(Schema):
    """A request body; its ``EXAMPLE`` is documented (and works on the demo data)."""

    EXAMPLE: ClassVar[dict[str, object]] = {}

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


class Wire(Schema):
    """A response object: absent optional values are left out, never sent as ``null``.

    LibreChat's client schemas declare most fields ``optional`` but not
    ``nullable``; the names in ``NULLABLE`` are the ones they require to be
    present even when there is no value.
    """

    NULLABLE: tuple[str, ...] = ()

    @post_dump
    def omit_nulls(self, data, **kwargs):
        return {k: v for k, v in data.items() if v is not None or k in self.NULLABLE}


# --- conversations and messages ---------------------------------------------------------


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


def _content_parts(message: dict) -> list | None:
    """Content parts, or nothing for a plain-text message.

    LibreChat's client renders ``content`` whenever it is present (an empty
    list included) and ``text`` only otherwise.
    """
    return message.get("content") or None


class LibreChatMessageSchema(Wire):
    """LibreChat's ``TMessage``: ``content`` only when the message has parts."""

    messageId = fields.String(attribute="_id")
    conversationId = fields.String(attribute="conversation_id")
    parentMessageId = fields.String(attribute="parent_message_id")
    isCreatedByUser = derived(lambda m: m.get("role") == "user", "boolean")
    sender = fields.String()
    text = fields.String()
    content = derived(
        _content_parts,
        "array",
        items={"type": "object"},
        description="Content parts (`{type, text}` …); absent for plain text.",
    )
    model = fields.String(allow_none=True)
    tokenCount = fields.Integer(attribute="token_count", allow_none=True)
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = derived(
        lambda m: to_iso(m.get("updated_at") or m["created_at"]),
        "string",
        format="date-time",
        description="Last edit, or the creation time.",
    )
    feedback = fields.Dict(
        metadata={"description": "`{rating, tag, text?}` when the user rated the message."}
    )


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


# --- tags -------------------------------------------------------------------------------


class TagSchema(Wire):
    """LibreChat's ``TConversationTag``."""

    _id = fields.String()
    tag = fields.String(metadata={"example": "important"})
    description = fields.String()
    count = fields.Integer()
    position = fields.Integer()
    user = fields.String(attribute="user_id")
    createdAt = UtcDateTime(attribute="created_at")
    updatedAt = UtcDateTime(attribute="updated_at")


class TagRequest(Request):
    EXAMPLE = {"tag": "important"}

    tag = fields.String(required=True, validate=TAG_LENGTH)


class TagCreateRequest(TagRequest):
    EXAMPLE = {"tag": "to-read", "description": "Come back to these", "addToConversation": False}

    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    addToConversation = fields.Boolean(load_default=False)
    conversationId = fields.String(
        allow_none=True,
        validate=validate.Length(max=ID_MAX),
        metadata={"description": "Empty when no conversation is open (LibreChat's bookmark form)."},
    )

    @post_load
    def empty_is_absent(self, data, **kwargs):
        if not data.get("conversationId"):
            data["conversationId"] = None
        return data


class TagUpdateRequest(Request):
    EXAMPLE = {"description": "Work in progress", "position": 0}

    tag = fields.String(validate=TAG_LENGTH)
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    position = fields.Integer(strict=True, validate=validate.Range(min=0))


class TagSetRequest(Request):
    EXAMPLE = {"tags": [EXAMPLE_TAG, "important"]}

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
