"""``GET /v1/conversations/search``: full-text search with every list filter.

Static path: werkzeug ranks it above ``/<conversation_id>``, so it is never read
as a conversation id.
"""

from __future__ import annotations

from flask import current_app

from ...core import listing
from ...extensions import mongo
from ..blueprint import DialectBlueprint, store_down_or
from ..errors import PLATFORM
from .conversations import page_body, scope_for
from .schemas.search import SearchPageSchema, SearchQuerySchema

blp: DialectBlueprint = DialectBlueprint(
    "v1_search",
    __name__,
    dialect=PLATFORM,
    tag="Platform: search",
    url_prefix="/v1/conversations",
    description="Platform API: search conversations by title and message text.",
    errors={503: store_down_or("`SEARCH_BACKEND=text` on the embedded store.")},
)


@blp.route("/search")
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.errors(400, 403, 422, 503)
def search_conversations(args):
    """Full-text search over titles and message text, with every list filter.

    A conversation matches when its title, or the text of one of its messages, holds
    every word of `q`, in any order, ignoring case and accents (`Café` finds `cafe`).
    Words are split on anything that is not a letter or digit and matched whole; a
    query with no words finds nothing. Each result carries `matched_fields` (`title`,
    `messages`). `SEARCH_BACKEND=text` uses MongoDB text indexes instead (stemmed
    words, any of them; real server only).
    """
    page = listing.search_page(
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
