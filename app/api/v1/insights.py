"""``/v1/conversations/search``, ``/stats`` and ``/bulk``.

Static paths: werkzeug ranks them above ``/<conversation_id>``, so they are
never read as a conversation id.
"""

from __future__ import annotations

from flask import current_app

from ...core import bulk, listing, stats
from ...core.pagination import Sort
from ...extensions import mongo
from ..auth import current_scope
from . import blp
from .conversations import documents_errors, list_filter, page_body, scope_for
from .schemas import (
    BulkEnvelopeSchema,
    BulkSchema,
    SearchPageSchema,
    SearchQuerySchema,
    StatsEnvelopeSchema,
    StatsQuerySchema,
)


@blp.route("/search")
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@documents_errors(400, 401, 403, 422)
@blp.alt_response(503, description="`SEARCH_BACKEND=text` on the embedded store.")
def search_conversations(args):
    """Full-text search over titles and message text, with every list filter.

    Each result carries `matched_fields` (`title`, `messages`). The default backend
    matches the text literally and case-insensitively; `SEARCH_BACKEND=text` uses
    MongoDB text indexes (whole words, stemmed; real server only).
    """
    page = listing.search_page(
        mongo.db,
        scope_for(args),
        args["q"],
        list_filter(args),
        sort=Sort(args["sort"], args["order"]),
        limit=args["limit"],
        cursor=args.get("cursor"),
        backend=current_app.config["SEARCH_BACKEND"],
    )
    return page_body(page)


@blp.route("/stats")
@blp.arguments(StatsQuerySchema, location="query")
@blp.response(200, StatsEnvelopeSchema)
@documents_errors(400, 401, 403, 422)
def conversation_stats(args):
    """Aggregated statistics over every status, by source, and activity per UTC day.

    Filters: `source`, `assistant_id`, a creation-date range (`created_after`,
    `created_before`) and, for admins, `user_id`. `activity_by_day` counts the
    selected conversations created and their messages appended on each UTC day.
    """
    chosen = stats.selection(
        source=args.get("source"),
        assistant_id=args.get("assistant_id"),
        created_after=args.get("created_after"),
        created_before=args.get("created_before"),
    )
    return {"data": stats.compute(mongo.db, scope_for(args), chosen)}


@blp.route("/bulk", methods=["POST"])
@blp.arguments(BulkSchema)
@blp.response(200, BulkEnvelopeSchema)
@documents_errors(400, 401, 422)
def bulk_action(body):
    """Archive, unarchive, delete, restore, tag or untag up to 1000 conversations.

    Answers how many were updated and, per id, why the others failed (`invalid_id`,
    `not_found`, `invalid_state`, `too_many_tags`, `conflict`). A conversation
    already in the requested state counts as updated.
    """
    outcome = bulk.run(
        mongo.db, current_scope(), body["action"], body["conversation_ids"], body.get("tags")
    )
    return {"data": outcome}
