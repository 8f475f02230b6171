"""OpenAPI: every operation documents errors in the shape of its own dialect, and
Swagger UI's "Try it out" starts from values that work on the demo data.

flask-smorest documents validation failures (422) and a default error with one
global schema. ``DialectErrorsPlugin`` rewrites, per path, those generic responses
to the dialect's error schema and its validation status (400 for LibreChat), and
gives every error response an example body of its own status.
``PathExamplesPlugin`` fills path parameters with ids of the demo data (alice's
first conversation); request bodies take their schema's ``EXAMPLE``
(``DialectBlueprint.arguments``).
"""

from __future__ import annotations

import http

from apispec import BasePlugin

from ..core import demo
from .errors import dialect_for, dialects

PATH_EXAMPLES = {
    "conversation_id": demo.EXAMPLE_CONVERSATION_ID,
    "chat_id": demo.EXAMPLE_CONVERSATION_ID,
    "message_id": demo.EXAMPLE_MESSAGE_ID,
    "user_id": demo.EXAMPLE_USER,
    "tag": demo.EXAMPLE_TAG,
}


def schema_name(dialect) -> str:
    return dialect.error_schema.__name__.removesuffix("Schema")


def register_error_schemas(spec) -> None:
    """Declare each dialect's error schema once, under a stable name."""
    for dialect in dialects():
        name = schema_name(dialect)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=dialect.error_schema)


class DialectErrorsPlugin(BasePlugin):
    """Point generic error responses at the dialect's schema and status."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        dialect = dialect_for(path or "")
        reference = {"$ref": f"#/components/schemas/{schema_name(dialect)}"}
        for operation in (operations or {}).values():
            responses = operation.get("responses", {})
            for key in [k for k in responses if str(k) == "422"]:
                if dialect.validation_status != 422:
                    responses.setdefault(dialect.validation_status, responses.pop(key))
            for status, response in list(responses.items()):
                if isinstance(response, str):  # a name of flask-smorest's generic responses
                    responses[status] = {
                        "description": _describe(status),
                        "content": {"application/json": {"schema": reference}},
                    }
                body = responses[status].get("content", {}).get("application/json", {})
                if body.get("schema") == reference:
                    body["example"] = dialect.example(status)


class PathExamplesPlugin(BasePlugin):
    """Path parameters named like a demo id get it as their example."""

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        for parameter in parameters or []:
            if parameter.get("in") == "path" and parameter.get("name") in PATH_EXAMPLES:
                parameter.setdefault("example", PATH_EXAMPLES[parameter["name"]])


def _describe(status: int | str) -> str:
    if str(status) == "default":
        return "Error"
    if str(status) in ("400", "422"):
        return "Invalid request (malformed JSON, wrong types, missing fields)"
    return http.HTTPStatus(int(status)).phrase
