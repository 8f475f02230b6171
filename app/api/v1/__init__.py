"""The platform dialect: ``/v1/conversations`` and ``/v1/users``.

snake_case wire names, ``{data: …}`` bodies, keyset pages; errors are
``{"error": {type, message, details?, request_id}}`` (``errors.PLATFORM``).
"""

from . import bulk, compaction, conversations, messages, search, stats, transfer

BLUEPRINTS = (
    conversations.blp,
    messages.blp,
    search.blp,
    stats.blp,
    bulk.blp,
    compaction.blp,
    transfer.blp,
)
