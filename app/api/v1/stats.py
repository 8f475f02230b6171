"""``GET /v1/conversations/stats``: aggregated statistics.

Static path: werkzeug ranks it above ``/<conversation_id>``, so it is never read
as a conversation id.
"""

from __future__ import annotations

from ...core import stats
from ...extensions import mongo
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .conversations import scope_for
from .schemas.stats import StatsEnvelopeSchema, StatsQuerySchema

blp: DialectBlueprint = DialectBlueprint(
    "v1_stats",
    __name__,
    dialect=PLATFORM,
    tag="Platform: statistics",
    url_prefix="/v1/conversations",
    description="Platform API: statistics over conversations, by source and by day.",
)


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
