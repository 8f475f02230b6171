"""``/v1/conversations/<id>/compact…``, ``/context``, ``/summaries``, ``/compaction``.

The compaction routes over ``app.core.compaction``. The LLM client is
built once per app from ``LLM_*`` settings (``app.core.llm``) and serves
summaries, automatic compaction and generated titles; without it, the local
extractive summariser and title heuristic.
"""

from __future__ import annotations

from ...core import compaction
from ...extensions import llm, mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .schemas.compaction import (
    AutoCompactionResponseSchema,
    AutoCompactionSchema,
    CompactionResponseSchema,
    CompactRequestSchema,
    ContextQuerySchema,
    ContextResponseSchema,
    SummaryListSchema,
)

blp: DialectBlueprint = DialectBlueprint(
    "v1_compaction",
    __name__,
    dialect=PLATFORM,
    tag="Platform: compaction",
    url_prefix="/v1/conversations",
    description="Platform API: compact a conversation, its LLM context, summaries, "
    "automatic compaction.",
    errors={
        400: "Bad parameters.",
        404: "No such conversation for this caller.",
        409: "A compaction of this conversation is already running.",
        422: "Body or query failed validation.",
    },
)


def _compact(conversation_id: str, request: compaction.CompactionRequest, preview: bool) -> dict:
    scope = current_scope()
    result = compaction.compact(mongo.db, scope, conversation_id, request, llm.summariser, preview)
    return {"data": result}


@blp.route("/<conversation_id>/compact", methods=["POST"])
@blp.arguments(CompactRequestSchema)
@blp.response(200, CompactionResponseSchema)
@blp.errors(400, 404, 409, 422)
def compact_conversation(request, conversation_id):
    """Compact a conversation with a strategy.

    Compacted messages are marked, never deleted; pinned and system messages
    are always kept, and a tool call stays with its results. `summarization`
    and `hybrid` store a summary (LLM, or extractive when no LLM is configured
    or it fails: then `warning` says so). `none` switches automatic compaction
    off. A second compaction while one runs gets 409.
    """
    return _compact(conversation_id, request, preview=False)


@blp.route("/<conversation_id>/compact/preview", methods=["POST"])
@blp.arguments(CompactRequestSchema)
@blp.response(200, CompactionResponseSchema)
@blp.errors(400, 404, 422)
def preview_compaction(request, conversation_id):
    """Preview a compaction: the same figures as the real run, nothing written."""
    return _compact(conversation_id, request, preview=True)


@blp.route("/<conversation_id>/context", methods=["GET"])
@blp.arguments(ContextQuerySchema, location="query")
@blp.response(200, ContextResponseSchema)
@blp.errors(400, 404, 422)
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
@blp.errors(404)
def list_summaries(conversation_id):
    """Every summary (one per compaction) with the messages it covers, oldest first."""
    return {"data": compaction.list_summaries(mongo.db, current_scope(), conversation_id)}


@blp.route("/<conversation_id>/compaction", methods=["GET"])
@blp.response(200, AutoCompactionResponseSchema)
@blp.errors(404)
def get_auto_compaction(conversation_id):
    """The conversation's automatic-compaction setting (`strategy: none` when off)."""
    return {"data": compaction.get_auto(mongo.db, current_scope(), conversation_id)}


@blp.route("/<conversation_id>/compaction", methods=["PUT"])
@blp.arguments(AutoCompactionSchema)
@blp.response(200, AutoCompactionResponseSchema)
@blp.errors(400, 404, 422)
def set_auto_compaction(args, conversation_id):
    """Set automatic compaction: when an append takes the live context above
    `threshold_tokens`, the conversation is compacted in the background with
    the strategy and parameters given here. `strategy: none` switches it off."""
    setting = compaction.set_auto(mongo.db, current_scope(), conversation_id, args)
    return {"data": setting}
