"""LibreChat's dialect: ``/api/convos``, ``/api/tags``, ``/api/messages``.

Wire names are LibreChat's camelCase; errors are ``{"error": message}``, and
``{"error": "Unauthorized", "message": …}`` for 401 and 403. Another user's
conversation is a 403, as LibreChat answers.
"""

from ..errors import Dialect, Problem
from .schemas import LibreChatErrorSchema


def librechat_body(problem: Problem) -> dict:
    if problem.status in (401, 403):
        return {"error": "Unauthorized", "message": problem.message}
    return {"error": problem.message}


LIBRECHAT = Dialect(
    "librechat",
    ("/api",),
    body=librechat_body,
    error_schema=LibreChatErrorSchema,
    validation_status=400,
    hides_foreign=False,  # LibreChat documents 403 for another user's conversation
    error_descriptions={
        400: 'Invalid input, e.g. `{"error": "conversationId is required"}`.',
        401: 'Missing or invalid token: `{"error": "Unauthorized", "message": …}`.',
        403: "Another user's conversation: "
        '`{"error": "Unauthorized", "message": "You don\'t have access to this conversation"}`.',
        404: '`{"error": "Conversation not found"}` (or the tag or message named).',
        409: '`{"error": "Tag already exists"}`.',
        429: "Rate limit (FORK_IP_MAX / FORK_USER_MAX per window) reached; see `Retry-After`.",
    },
)

from . import conversations, imports, messages, tags  # noqa: E402  (they use LIBRECHAT)

BLUEPRINTS = (conversations.blp, imports.blp, tags.blp, messages.blp)
