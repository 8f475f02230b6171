"""The simple chat dialect: ``/chat/`` (seed 003).

Errors are ``{"error": true, "message": …}`` with the real status; another
user's chat is a 404, as the seed documents.
"""

from marshmallow import Schema, fields

from ..errors import Dialect, Problem, register_dialect


class ChatErrorSchema(Schema):
    """The chat error body: ``{"error": true, "message"}``."""

    error = fields.Boolean(metadata={"example": True})
    message = fields.String(metadata={"example": "Chat not found"})


def chat_body(problem: Problem) -> dict:
    return {"error": True, "message": problem.message}


CHAT = Dialect(
    "chat",
    ("/chat",),
    body=chat_body,
    error_schema=ChatErrorSchema,
    validation_status=422,
    malformed_status=422,  # seed 003: "422 Unprocessable Entity: Invalid request body format"
)
register_dialect(CHAT)

from .routes import blp  # noqa: E402,F401  (the dialect is registered before its routes)
