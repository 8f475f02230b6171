"""``POST /v1/conversations/bulk``: one action over up to 1000 conversations.

Static path: werkzeug ranks it above ``/<conversation_id>``, so it is never read
as a conversation id.
"""

from __future__ import annotations

from ...core import bulk
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from .schemas.bulk import BulkEnvelopeSchema, BulkSchema

blp: DialectBlueprint = DialectBlueprint(
    "v1_bulk",
    __name__,
    dialect=PLATFORM,
    tag="Platform: bulk actions",
    url_prefix="/v1/conversations",
    description="Platform API: archive, unarchive, delete, restore, tag or untag many "
    "conversations.",
)


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
