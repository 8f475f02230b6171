"""The simple chat dialect: ``/chat/``.

Errors are ``{"error": true, "message": …}`` with the real status; another
user's chat is a 404; a body that is not JSON is a 422.
"""

from ..errors import Dialect, Problem
from .schemas import ChatErrorSchema


def chat_body(problem: Problem) -> dict:
    return {"error": True, "message": problem.message}


CHAT = Dialect(
    "chat",
    ("/chat",),
    body=chat_body,
    error_schema=ChatErrorSchema,
    validation_status=422,
    malformed_status=422,  # "422 Unprocessable Entity: Invalid request body format"
    error_descriptions={
        401: "Missing or invalid authentication token.",
        404: "The chat does not exist or belongs to someone else.",
        422: "Invalid query string or request body.",
        500: "Database or server error.",
    },
)

from . import chats  # noqa: E402  (it uses CHAT)

BLUEPRINTS = (chats.blp,)
