"""Compaction: requests, results, the LLM context, summaries, the automatic setting."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from ....core import compaction
from ...fields import MODEL_LENGTH, UtcDateTime, derived

_COUNT = validate.Range(0, compaction.COUNT_MAX)
_TOKENS = validate.Range(0, compaction.TOKENS_MAX)


class CompactRequestSchema(Schema):
    EXAMPLE = {"strategy": "sliding_window", "window_size": 4}

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
        validate=MODEL_LENGTH,
        metadata={"description": "Model whose tokenizer counts (default: the conversation's)."},
    )

    @post_load
    def _to_request(self, data: dict, **kwargs) -> compaction.CompactionRequest:
        return compaction.CompactionRequest(**data)


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
    model = fields.String(validate=MODEL_LENGTH, metadata={"description": "Model that counts."})


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
    messages_compacted = derived(lambda s: len(s.get("message_ids") or []), "integer")
    first_seq = fields.Integer(allow_none=True)
    last_seq = fields.Integer(allow_none=True)
    supersedes = fields.String(allow_none=True)
    created_at = UtcDateTime()


class SummaryListSchema(Schema):
    data = fields.List(fields.Nested(SummarySchema))


class AutoCompactionSchema(Schema):
    EXAMPLE = {"strategy": "hybrid", "threshold_tokens": 4000, "keep_last": 6}

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
    model = fields.String(allow_none=True, validate=MODEL_LENGTH)


class AutoCompactionResponseSchema(Schema):
    data = fields.Nested(AutoCompactionSchema)
