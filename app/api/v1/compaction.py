"""``/v1/conversations/<id>/compact…``, ``/context``, ``/summaries``, ``/compaction``.

Seed 001's compaction routes over ``app.core.compaction``. The LLM client is
built once per app from ``LLM_*`` settings (``app.core.llm``) and serves
summaries, automatic compaction and generated titles; without it, the local
extractive summariser and title heuristic.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...core import compaction
from ...extensions import mongo, services
from ..auth import current_scope
from ..docs import error_responses
from ..fields import UtcDateTime
from . import blp
from .schemas import PlatformErrorSchema

_COUNT = validate.Range(0, compaction.COUNT_MAX)
_TOKENS = validate.Range(0, compaction.TOKENS_MAX)
_MODEL = validate.Length(1, 200)


class CompactRequestSchema(Schema):
    strategy = fields.String(
        required=True,
        validate=validate.OneOf(compaction.STRATEGIES),
        metadata={"description": "sliding_window, summarization, hybrid or none."},
    )
    window_size = fields.Integer(
        strict=True,
        validate=_COUNT,
        metadata={"description": "Messages a window keeps (default 20), besides pinned/system."},
    )
    max_tokens = fields.Integer(
        strict=True,
        validate=_TOKENS,
        metadata={"description": "A token budget for what is kept, instead of window_size."},
    )
    keep_last = fields.Integer(
        strict=True,
        validate=_COUNT,
        metadata={"description": "Recent messages summarization keeps (default 10)."},
    )
    model = fields.String(
        validate=_MODEL,
        metadata={"description": "Model whose tokenizer counts (default: the conversation's)."},
    )


class CompactionResultSchema(Schema):
    conversation_id = fields.String()
    messages_compacted = fields.Integer()
    tokens_before = fields.Integer()
    tokens_after = fields.Integer()
    tokens_saved = fields.Integer()
    compression_ratio = fields.Float(metadata={"description": "tokens_saved / tokens_before"})
    preview_only = fields.Boolean()
    strategy = fields.String()
    summary_id = fields.String(allow_none=True)
    summarizer = fields.String(
        allow_none=True, metadata={"description": "llm or extractive; null without a summary."}
    )
    warning = fields.String(
        allow_none=True, metadata={"description": "Set when the LLM failed and we fell back."}
    )


class CompactionResponseSchema(Schema):
    data = fields.Nested(CompactionResultSchema)


class ContextQuerySchema(Schema):
    max_tokens = fields.Integer(
        validate=_TOKENS, metadata={"description": "Budget the context never exceeds."}
    )
    model = fields.String(validate=_MODEL, metadata={"description": "Model that counts."})


class ContextMessageSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "message or summary"})
    role = fields.String()
    content = fields.String()
    token_count = fields.Integer()
    is_pinned = fields.Boolean()
    created_at = UtcDateTime(allow_none=True)
    tool_calls = fields.Raw()
    tool_call_id = fields.Raw()


class ContextSchema(Schema):
    conversation_id = fields.String()
    model = fields.String(allow_none=True)
    encoding = fields.String(metadata={"description": "cl100k_base or o200k_base"})
    exact = fields.Boolean(metadata={"description": "false: an estimate for an unknown model"})
    max_tokens = fields.Integer(allow_none=True)
    token_count = fields.Integer(metadata={"description": "Sum of the messages' tokens."})
    omitted = fields.Integer(metadata={"description": "Live messages left out by the budget."})
    messages = fields.List(fields.Nested(ContextMessageSchema))


class ContextResponseSchema(Schema):
    data = fields.Nested(ContextSchema)


class SummarySchema(Schema):
    id = fields.String(attribute="_id")
    number = fields.Integer()
    strategy = fields.String()
    text = fields.String(allow_none=True)
    token_count = fields.Integer()
    token_encoding = fields.String()
    provider = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    warning = fields.String(allow_none=True)
    message_ids = fields.List(fields.String(), metadata={"description": "Messages it covers."})
    messages_compacted = fields.Function(lambda s: len(s.get("message_ids") or []))
    first_seq = fields.Integer(allow_none=True)
    last_seq = fields.Integer(allow_none=True)
    supersedes = fields.String(allow_none=True)
    created_at = UtcDateTime()


class SummaryListSchema(Schema):
    data = fields.List(fields.Nested(SummarySchema))


class AutoCompactionSchema(Schema):
    strategy = fields.String(required=True, validate=validate.OneOf(compaction.STRATEGIES))
    threshold_tokens = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(1, compaction.TOKENS_MAX),
        metadata={"description": "Compact when the live context exceeds this many tokens."},
    )
    window_size = fields.Integer(strict=True, allow_none=True, validate=_COUNT)
    max_tokens = fields.Integer(strict=True, allow_none=True, validate=_TOKENS)
    keep_last = fields.Integer(strict=True, allow_none=True, validate=_COUNT)
    model = fields.String(allow_none=True, validate=_MODEL)


class AutoCompactionResponseSchema(Schema):
    data = fields.Nested(AutoCompactionSchema)


_errors = error_responses(
    blp,
    PlatformErrorSchema,
    {
        400: "Bad parameters.",
        401: "Missing or invalid token.",
        404: "No such conversation for this caller.",
        409: "A compaction of this conversation is already running.",
        422: "Body or query failed validation.",
    },
)


def _compact(conversation_id: str, args: dict, preview: bool) -> dict:
    request = compaction.CompactionRequest(**args)
    scope = current_scope()
    summariser = services.current.summariser
    result = compaction.compact(mongo.db, scope, conversation_id, request, summariser, preview)
    return {"data": result}


@blp.route("/<conversation_id>/compact", methods=["POST"])
@blp.arguments(CompactRequestSchema)
@blp.response(200, CompactionResponseSchema)
@_errors(400, 401, 404, 409, 422)
def compact_conversation(args, conversation_id):
    """Compact a conversation with a strategy.

    Compacted messages are marked, never deleted; pinned and system messages
    are always kept, and a tool call stays with its results. `summarization`
    and `hybrid` store a summary (LLM, or extractive when no LLM is configured
    or it fails: then `warning` says so). `none` switches automatic compaction
    off. A second compaction while one runs gets 409.
    """
    return _compact(conversation_id, args, preview=False)


@blp.route("/<conversation_id>/compact/preview", methods=["POST"])
@blp.arguments(CompactRequestSchema)
@blp.response(200, CompactionResponseSchema)
@_errors(400, 401, 404, 422)
def preview_compaction(args, conversation_id):
    """Preview a compaction: the same figures as the real run, nothing written."""
    return _compact(conversation_id, args, preview=True)


@blp.route("/<conversation_id>/context", methods=["GET"])
@blp.arguments(ContextQuerySchema, location="query")
@blp.response(200, ContextResponseSchema)
@_errors(400, 401, 404, 422)
def get_context(args, conversation_id):
    """The context ready for an LLM, within `max_tokens`.

    System messages, the latest summary (as a system message), pinned
    messages, then the most recent messages that fit, in order. Each carries
    its token count (text, role and chat framing) in the model's encoding.
    """
    data = compaction.context(
        mongo.db, current_scope(), conversation_id, args.get("max_tokens"), args.get("model")
    )
    return {"data": data}


@blp.route("/<conversation_id>/summaries", methods=["GET"])
@blp.response(200, SummaryListSchema)
@_errors(401, 404)
def list_summaries(conversation_id):
    """Every summary (one per compaction) with the messages it covers, oldest first."""
    return {"data": compaction.list_summaries(mongo.db, current_scope(), conversation_id)}


@blp.route("/<conversation_id>/compaction", methods=["GET"])
@blp.response(200, AutoCompactionResponseSchema)
@_errors(401, 404)
def get_auto_compaction(conversation_id):
    """The conversation's automatic-compaction setting (`strategy: none` when off)."""
    return {"data": compaction.get_auto(mongo.db, current_scope(), conversation_id)}


@blp.route("/<conversation_id>/compaction", methods=["PUT"])
@blp.arguments(AutoCompactionSchema)
@blp.response(200, AutoCompactionResponseSchema)
@_errors(400, 401, 404, 422)
def set_auto_compaction(args, conversation_id):
    """Set automatic compaction: when an append takes the live context above
    `threshold_tokens`, the conversation is compacted in the background with
    the strategy and parameters given here. `strategy: none` switches it off."""
    setting = compaction.set_auto(mongo.db, current_scope(), conversation_id, args)
    return {"data": setting}
