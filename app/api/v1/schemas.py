"""Wire schemas of the platform dialect (snake_case; ``id`` is the stored ``_id``)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ...core.bulk import ACTIONS, IDS_MAX
from ...core.lifecycle import STATUSES
from ...core.listing import LIST_LIMIT_MAX
from ...core.messages import (
    COST_CENTS_MAX,
    MESSAGE_PAGE_MAX,
    ROLES,
    TOKENS_MAX,
    NewMessage,
)
from ...core.search import QUERY_MAX
from ...core.transcripts import INITIAL_MESSAGES_MAX
from ...core.validation import TITLE_MAX
from ..errors import PlatformErrorSchema  # noqa: F401  (re-exported for the routes)
from ..fields import UtcDateTime


class ConversationSchema(Schema):
    id = fields.String(attribute="_id", metadata={"example": "conv_abc123"})
    assistant_id = fields.String(allow_none=True)
    title = fields.String()
    source = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    user_id = fields.String()
    message_count = fields.Integer()
    total_input_tokens = fields.Integer()
    total_output_tokens = fields.Integer()
    total_cost_cents = fields.Float()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    last_message_at = UtcDateTime(allow_none=True)
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
    source = fields.String(validate=validate.Length(1, 64))
    assistant_id = fields.String(validate=validate.Length(1, 200))
    user_id = fields.String(
        validate=validate.Length(1, 200), metadata={"description": "Admins only: one user."}
    )
    tag = fields.String(validate=validate.Length(1, 128))
    created_after = UtcDateTime()
    created_before = UtcDateTime()
    updated_after = UtcDateTime()
    updated_before = UtcDateTime()
    sort = fields.String(
        load_default="updated_at",
        validate=validate.OneOf(("updated_at", "created_at", "title")),
    )
    order = fields.String(load_default="desc", validate=validate.OneOf(("asc", "desc")))


def envelope(item: type[Schema], name: str) -> type[Schema]:
    """``{data: item}``, the single-object envelope of seed 001."""
    return Schema.from_dict({"data": fields.Nested(item)}, name=name)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """``{data: [item], has_more, next_cursor}``, a keyset page."""
    return Schema.from_dict(
        {
            "data": fields.List(fields.Nested(item)),
            "has_more": fields.Boolean(),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )


ConversationPageSchema = page_of(ConversationSchema, "ConversationPage")


# --- conversations: create, read, change, delete ---------------------------------------


class MessageSchema(Schema):
    id = fields.String(attribute="_id")
    conversation_id = fields.String()
    parent_message_id = fields.String(metadata={"description": "The all-zero UUID for a root."})
    seq = fields.Integer(metadata={"description": "Position in append order, from 1."})
    role = fields.String(metadata={"enum": list(ROLES)})
    sender = fields.String()
    text = fields.String()
    content = fields.Function(
        lambda m: m.get("content") or m.get("text"),
        metadata={
            "description": "As appended: the text (a string) for a plain-text message, "
            "else the list of content parts."
        },
    )
    model = fields.String(allow_none=True)
    input_tokens = fields.Integer()
    output_tokens = fields.Integer()
    token_count = fields.Integer(allow_none=True)
    cost_cents = fields.Float()
    is_pinned = fields.Boolean()
    metadata = fields.Dict()
    feedback = fields.Dict(
        allow_none=True,
        metadata={"description": "`{rating, tag, text?}` given in LibreChat; absent when none."},
    )
    created_at = UtcDateTime()
    updated_at = UtcDateTime(metadata={"description": "Last edit; absent if never edited."})


class TextOrParts(fields.Raw):
    """Message content: a string, or a list of parts such as ``{"type": "text", "text": …}``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(p, dict | str) for p in value)
        ):
            return value
        raise ValidationError("Must be a string or a list of content parts.")


class MessageCreateSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    content = TextOrParts(metadata={"description": "Text, or a list of content parts."})
    text = fields.String(metadata={"description": "Plain text (alternative to `content`)."})
    id = fields.String(
        validate=validate.Length(1, 200), metadata={"description": "Optional client id."}
    )
    parent_message_id = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "Default: the conversation's latest message."},
    )
    model = fields.String(validate=validate.Length(1, 200))
    input_tokens = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, TOKENS_MAX)
    )
    output_tokens = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, TOKENS_MAX)
    )
    token_count = fields.Integer(strict=True, validate=validate.Range(0, TOKENS_MAX))
    cost_cents = fields.Float(load_default=0, validate=validate.Range(0, COST_CENTS_MAX))
    metadata = fields.Dict()

    @validates_schema
    def _text_or_content(self, data, **kwargs):
        if "content" not in data and "text" not in data:
            raise ValidationError("a message needs `content` or `text`", "content")

    @post_load
    def _to_new_message(self, data, **kwargs) -> NewMessage:
        content = data.pop("content", None)
        if isinstance(content, str):
            data.setdefault("text", content)
            content = None
        return NewMessage(content=content, message_id=data.pop("id", None), **data)


class ConversationCreateSchema(Schema):
    title = fields.String(validate=validate.Length(1, TITLE_MAX))
    assistant_id = fields.String(validate=validate.Length(1, 200))
    source = fields.String(load_default="api", validate=validate.Length(1, 64))
    metadata = fields.Dict(load_default=dict)
    tags = fields.List(fields.String(validate=validate.Length(1, 128)), load_default=list)
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
    title = fields.String(validate=validate.Length(1, TITLE_MAX))
    metadata = fields.Dict(
        metadata={"description": "Merged into the current metadata; `null` removes a key."}
    )
    tags = fields.List(fields.String(validate=validate.Length(1, 128)))
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "`archived` archives, `active` unarchives or restores."},
    )

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to change: give title, metadata, tags or status")


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


# --- messages ----------------------------------------------------------------------------


class MessageListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, LIST_LIMIT_MAX))
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page."})
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))


MessagePageSchema = page_of(MessageSchema, "MessagePage")


MessageEnvelopeSchema = envelope(MessageSchema, "MessageEnvelope")


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(1, 255),
        metadata={"description": "A retry with the same key returns the first result."},
    )


class MessagePinSchema(Schema):
    is_pinned = fields.Boolean(required=True)


# --- search, stats, bulk -----------------------------------------------------------------


class SearchQuerySchema(ListQuerySchema):
    q = fields.String(
        required=True,
        validate=validate.Length(1, QUERY_MAX),
        metadata={"description": "Text to find in titles and message text (literal)."},
    )


class SearchResultSchema(ConversationSchema):
    matched_fields = fields.List(
        fields.String(), metadata={"description": "`title` and/or `messages`."}
    )


SearchPageSchema = page_of(SearchResultSchema, "SearchPage")


class StatsQuerySchema(Schema):
    source = fields.String(validate=validate.Length(1, 64))
    assistant_id = fields.String(validate=validate.Length(1, 200))
    user_id = fields.String(
        validate=validate.Length(1, 200), metadata={"description": "Admins only: one user."}
    )
    created_after = UtcDateTime()
    created_before = UtcDateTime()


class DayActivitySchema(Schema):
    date = fields.String(metadata={"example": "2024-01-15"})
    conversations = fields.Integer()
    messages = fields.Integer()


class StatsSchema(Schema):
    total_conversations = fields.Integer()
    active_conversations = fields.Integer()
    archived_conversations = fields.Integer()
    deleted_conversations = fields.Integer()
    total_messages = fields.Integer()
    total_input_tokens = fields.Integer()
    total_output_tokens = fields.Integer()
    total_cost_cents = fields.Float()
    conversations_by_source = fields.Dict(keys=fields.String(), values=fields.Integer())
    activity_by_day = fields.List(fields.Nested(DayActivitySchema))


StatsEnvelopeSchema = envelope(StatsSchema, "StatsEnvelope")


class BulkSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    conversation_ids = fields.List(
        fields.String(), required=True, validate=validate.Length(1, IDS_MAX)
    )
    tags = fields.List(
        fields.String(validate=validate.Length(1, 128)),
        metadata={"description": "For `tag` and `untag`."},
    )


class BulkFailureSchema(Schema):
    id = fields.String(allow_none=True)
    reason = fields.String(
        metadata={"enum": ["invalid_id", "not_found", "invalid_state", "too_many_tags", "conflict"]}
    )
    message = fields.String()


class BulkResultSchema(Schema):
    action = fields.String()
    updated = fields.Integer()
    failed = fields.Integer()
    failures = fields.List(fields.Nested(BulkFailureSchema))


BulkEnvelopeSchema = envelope(BulkResultSchema, "BulkEnvelope")
