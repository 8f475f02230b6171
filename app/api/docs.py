"""OpenAPI: every operation documents errors in the shape of its own dialect.

flask-smorest documents validation failures (422) and a default error with one
global schema. This apispec plugin rewrites, per path, those generic responses
to the dialect's error schema and its validation status (400 for LibreChat).
"""

from __future__ import annotations

import http

from apispec import BasePlugin

from .errors import dialect_for, dialects


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


def _describe(status: int | str) -> str:
    if str(status) == "default":
        return "Error"
    if str(status) in ("400", "422"):
        return "Invalid request (malformed JSON, wrong types, missing fields)"
    return http.HTTPStatus(int(status)).phrase
