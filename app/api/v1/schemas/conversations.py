"""Conversations: the stored conversation, list query, create, read, change, delete."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ....core import costs
from ....core.lifecycle import LIVE, STATUSES
from ....core.listing import LIST_LIMIT_MAX, ListFilter
from ....core.messages import MESSAGE_PAGE_MAX
from ....core.pagination import Sort
from ....core.transcripts import INITIAL_MESSAGES_MAX
from ....core.validation import TITLE_MAX
from ...fields import ID_LENGTH, MODEL_LENGTH, SOURCE_LENGTH, TAG_LENGTH, Cents, UtcDateTime
from . import envelope, page_of
from .messages import MessageCreateSchema, MessageSchema

FILTERS = (
    "source",
    "assistant_id",
    "created_after",
    "created_before",
    "updated_after",
    "updated_before",
)


class ConversationSchema(Schema):
    id = fields.String(attribute="_id", metadata={"example": "conv_abc123"})
    assistant_id = fields.String(allow_none=True)
    title = fields.String()
    source = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    user_id = fields.String()
    model = fields.String(allow_none=True, dump_default=None)
    endpoint = fields.String(allow_none=True, dump_default=None)
    message_count = fields.Integer()
    total_input_tokens = fields.Integer()
    total_output_tokens = fields.Integer()
    total_cost_cents = Cents(costs.TOTAL)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    last_message_at = UtcDateTime(
        allow_none=True, dump_default=None, metadata={"description": "`null` until a message."}
    )
    pinned = fields.Boolean()
    tags = fields.List(fields.String())
    metadata = fields.Dict()


class ListQuerySchema(Schema):
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(1, LIST_LIMIT_MAX),
        metadata={"description": f"Page size, 1-{LIST_LIMIT_MAX}."},
    )
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page."})
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "Only this status; default active and archived."},
    )
    source = fields.String(validate=SOURCE_LENGTH)
    assistant_id = fields.String(validate=ID_LENGTH)
    user_id = fields.String(validate=ID_LENGTH, metadata={"description": "Admins only: one user."})
    tag = fields.String(validate=TAG_LENGTH)
    created_after = UtcDateTime()
    created_before = UtcDateTime()
    updated_after = UtcDateTime()
    updated_before = UtcDateTime()
    sort = fields.String(
        load_default="updated_at",
        validate=validate.OneOf(("updated_at", "created_at", "title")),
    )
    order = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))

    @post_load
    def _to_core(self, data: dict, **kwargs) -> dict:
        """``selection`` (a core ``ListFilter``) and ``sort``, beside paging and ``user_id``."""
        status, tag = data.pop("status", None), data.pop("tag", None)
        selection = ListFilter(
            statuses=(status,) if status else LIVE,
            tags=(tag,) if tag else (),
            **{name: data.pop(name) for name in FILTERS if name in data},
        )
        sort = Sort(data.pop("sort"), data.pop("order"))
        return {**data, "selection": selection, "sort": sort}


ConversationPageSchema = page_of(ConversationSchema, "ConversationPage")


# keyword arguments of fields.String, shared by create and update
MODEL: dict[str, Any] = {
    "validate": MODEL_LENGTH,
    "metadata": {"description": "The conversation's model."},
}
ENDPOINT: dict[str, Any] = {
    "validate": SOURCE_LENGTH,
    "metadata": {"description": "The provider endpoint (LibreChat's `endpoint`)."},
}


class ConversationCreateSchema(Schema):
    EXAMPLE = {
        "title": "Trip to Porto",
        "source": "api",
        "metadata": {"customer": "acme"},
        "tags": ["travel"],
        "messages": [
            {"role": "user", "content": "Plan two days in Porto.", "input_tokens": 7},
            {
                "role": "assistant",
                "content": "Day one: Ribeira and a port cellar. Day two: Serralves.",
                "model": "gpt-4o",
                "output_tokens": 14,
            },
        ],
    }

    title = fields.String(validate=validate.Length(1, TITLE_MAX))
    assistant_id = fields.String(validate=ID_LENGTH)
    user_id = fields.String(
        validate=ID_LENGTH,
        metadata={
            "description": "Admin tokens: the user of the workspace who owns it (default: the "
            "caller). A user token may name only itself; another id is a 403."
        },
    )
    model = fields.String(**MODEL)
    endpoint = fields.String(**ENDPOINT)
    source = fields.String(load_default="api", validate=SOURCE_LENGTH)
    metadata = fields.Dict(load_default=dict)
    tags = fields.List(fields.String(validate=TAG_LENGTH), load_default=list)
    messages = fields.List(
        fields.Nested(MessageCreateSchema),
        load_default=list,
        validate=validate.Length(max=INITIAL_MESSAGES_MAX),
        metadata={"description": "Optional initial messages, appended in order."},
    )


class ConversationDetailQuerySchema(Schema):
    include_messages = fields.Boolean(load_default=True)
    thread = fields.Boolean(
        load_default=False,
        metadata={"description": "Only the thread: root to the latest message (no paging)."},
    )
    messages_limit = fields.Integer(
        load_default=100,
        validate=validate.Range(1, MESSAGE_PAGE_MAX),
        metadata={"description": "Messages per page (with `thread`: the last N of it)."},
    )
    messages_cursor = fields.String(metadata={"description": "`messages_next_cursor`."})
    messages_order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))


class ConversationDetailSchema(ConversationSchema):
    messages = fields.List(fields.Nested(MessageSchema))
    messages_has_more = fields.Boolean()
    messages_next_cursor = fields.String(allow_none=True)


ConversationEnvelopeSchema = envelope(ConversationSchema, "ConversationEnvelope")


ConversationDetailEnvelopeSchema = envelope(ConversationDetailSchema, "ConversationDetailEnvelope")


class ConversationPatchSchema(Schema):
    EXAMPLE = {"title": "Quarterly report", "metadata": {"priority": "high"}, "tags": ["work"]}

    title = fields.String(validate=validate.Length(1, TITLE_MAX))
    metadata = fields.Dict(
        metadata={"description": "Merged into the current metadata; `null` removes a key."}
    )
    tags = fields.List(fields.String(validate=TAG_LENGTH))
    model = fields.String(**MODEL)
    endpoint = fields.String(**ENDPOINT)
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "`archived` archives, `active` unarchives or restores."},
    )

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError(
                "nothing to change: give title, metadata, tags, model, endpoint or status"
            )


class DeleteQuerySchema(Schema):
    hard = fields.Boolean(
        load_default=False, metadata={"description": "Admins: erase it and its messages."}
    )


class DeletedSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": ["deleted", "erased"]})
    hard = fields.Boolean()
    messages_deleted = fields.Integer()


DeletedEnvelopeSchema = envelope(DeletedSchema, "DeletedEnvelope")
