"""The platform dialect: ``/v1/conversations`` (seed 001), snake_case, ``{data: …}``."""

from ..auth import require_auth
from ..bodies import JsonBlueprint

blp = require_auth(
    JsonBlueprint(
        "v1_conversations",
        __name__,
        url_prefix="/v1/conversations",
        description="Platform API: conversations, messages, search, stats and bulk actions.",
    )
)

from . import (  # noqa: E402  (route modules use blp, so they come after it)
    compaction,  # noqa: F401  (compaction, context, summaries)
    conversations,  # noqa: F401
    insights,  # noqa: F401  (search, stats, bulk)
    messages,  # noqa: F401
)
