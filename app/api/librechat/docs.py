"""The error responses every LibreChat route documents, in one place."""

from __future__ import annotations

from . import LibreChatErrorSchema

DESCRIPTIONS = {
    400: 'Invalid input, e.g. `{"error": "conversationId is required"}`.',
    401: 'Missing or invalid token: `{"error": "Unauthorized", "message": …}`.',
    403: "Another user's conversation: "
    '`{"error": "Unauthorized", "message": "You don\'t have access to this conversation"}`.',
    404: '`{"error": "Conversation not found"}` (or the tag or message named).',
    409: '`{"error": "Tag already exists"}`.',
}


def errors(blp, *statuses: int):
    """Decorate a view with ``alt_response`` for 401 and each of ``statuses``."""

    def decorate(view):
        for status in (401, *statuses):
            view = blp.alt_response(
                status, schema=LibreChatErrorSchema, description=DESCRIPTIONS[status]
            )(view)
        return view

    return decorate
