"""The error responses every LibreChat route documents, in one place."""

from __future__ import annotations

from ..docs import error_responses
from . import LibreChatErrorSchema

DESCRIPTIONS = {
    400: 'Invalid input, e.g. `{"error": "conversationId is required"}`.',
    401: 'Missing or invalid token: `{"error": "Unauthorized", "message": …}`.',
    403: "Another user's conversation: "
    '`{"error": "Unauthorized", "message": "You don\'t have access to this conversation"}`.',
    404: '`{"error": "Conversation not found"}` (or the tag or message named).',
    409: '`{"error": "Tag already exists"}`.',
    429: "Rate limit (FORK_IP_MAX / FORK_USER_MAX per window) reached; see `Retry-After`.",
    503: "`SEARCH_BACKEND=text` needs a MongoDB server.",
}


def errors(blp, *statuses: int):
    """Document 401 and each of ``statuses`` in LibreChat's error shape."""
    return error_responses(blp, LibreChatErrorSchema, DESCRIPTIONS)(401, *statuses)
