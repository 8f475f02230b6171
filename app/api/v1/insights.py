"""``/v1/conversations/search``, ``/stats`` and ``/bulk``.

Static paths: werkzeug ranks them above ``/<conversation_id>``, so they are
never read as a conversation id.
"""

from __future__ import annotations

from flask import current_app

from ...core import bulk, search, stats
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .conversations import page_body, scope_for
from .schemas.insights import (
    BulkEnvelopeSchema,
    BulkSchema,
    SearchPageSchema,
    SearchQuerySchema,
    StatsEnvelopeSchema,
    StatsQuerySchema,
)

blp = DialectBlueprint(
    "v1_insights",
    __name__,
    dialect=PLATFORM,
    tag="Platform: search, stats and bulk",
    url_prefix="/v1/conversations",
    description="Platform API: search conversations, statistics, bulk actions.",
)


@blp.route("/search")
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.errors(400, 403, 422)
@blp.alt_response(503, description="`SEARCH_BACKEND=text` on the embedded store.")
def search_conversations(args):
    """Full-text search over titles and message text, with every list filter.

    Each result carries `matched_fields` (`title`, `messages`). The default backend
    matches the text literally and case-insensitively; `SEARCH_BACKEND=text` uses
    MongoDB text indexes (whole words, stemmed; real server only).
    """
    page = search.search_page(
        mongo.db,
        scope_for(args),
        args["q"],
        args["selection"],
        sort=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
        backend=current_app.config["SEARCH_BACKEND"],
    )
    return page_body(page)


@blp.route("/stats")
@blp.arguments(StatsQuerySchema, location="query")
@blp.response(200, StatsEnvelopeSchema)
@blp.errors(400, 403, 422)
def conversation_stats(args):
    """Aggregated statistics over every status, by source, and activity per UTC day.

    Filters: `source`, `assistant_id`, a creation-date range (`created_after`,
    `created_before`) and, for admins, `user_id`. `activity_by_day` counts the
    selected conversations created and their messages appended on each UTC day.
    """
    return {"data": stats.compute(mongo.db, scope_for(args), args["selection"])}


@blp.route("/bulk", methods=["POST"])
@blp.arguments(BulkSchema)
@blp.response(200, BulkEnvelopeSchema)
@blp.errors(400, 422)
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
