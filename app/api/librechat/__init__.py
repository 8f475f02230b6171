"""LibreChat's dialect: ``/api/convos``, ``/api/tags``, ``/api/messages`` (seeds 000, 002).

Wire names are LibreChat's camelCase; errors are ``{"error": message}``, and
``{"error": "Unauthorized", "message": …}`` for 401 and 403, as seed 002 shows.
"""

from ..errors import Dialect, Problem, register_dialect


def librechat_body(problem: Problem) -> dict:
    if problem.status in (401, 403):
        return {"error": "Unauthorized", "message": problem.message}
    return {"error": problem.message}


LIBRECHAT = Dialect(
    "librechat",
    ("/api",),
    body=librechat_body,
    validation_status=400,
    hides_foreign=False,  # seed 002 documents 403 for another user's conversation
)
register_dialect(LIBRECHAT)


def blueprints():
    """The dialect's flask-smorest blueprints, for ``create_app`` to register."""
    from . import conversations, messages, tags

    return [conversations.blp, tags.blp, messages.blp]
