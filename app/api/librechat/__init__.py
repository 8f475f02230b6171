"""LibreChat's dialect: ``/api/convos``, ``/api/tags``, ``/api/messages`` (seeds 000, 002).

Wire names are LibreChat's camelCase; errors are ``{"error": message}``, and
``{"error": "Unauthorized", "message": …}`` for 401 and 403, as seed 002 shows.
"""

from marshmallow import Schema, fields

from ..errors import Dialect, Problem, register_dialect


class LibreChatErrorSchema(Schema):
    """LibreChat's error body: ``{"error"}``, plus ``message`` on 401 and 403."""

    error = fields.String(metadata={"example": "Conversation not found"})
    message = fields.String(
        metadata={
            "description": "With 401 and 403 only.",
            "example": "You don't have access to this conversation",
        }
    )


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
    hides_foreign=False,  # seed 002 documents 403 for another user's conversation
)
register_dialect(LIBRECHAT)


def blueprints():
    """The dialect's flask-smorest blueprints, for ``create_app`` to register."""
    from . import conversations, message_edits, messages, search, shares, tags

    return [
        conversations.blp,
        tags.blp,
        messages.blp,
        message_edits.blp,
        search.blp,
        shares.blp,
        shares.public_blp,
    ]
