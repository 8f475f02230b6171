"""Errors to JSON, in one place, in the shape of the dialect that was called.

Each dialect registers a ``Dialect`` naming its URL prefixes and how its error
body looks. Domain exceptions, HTTP errors (validation, unknown routes, rate
limits), JWT failures, an unreachable store and unexpected exceptions all end
here, so no request ever gets an HTML error page or a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from flask import Flask, g, jsonify, request
from marshmallow import Schema, fields
from pymongo.errors import ConnectionFailure, PyMongoError
from werkzeug.exceptions import HTTPException

from ..core.errors import DomainError, InvalidField, NotOwned
from ..core.limits import BODY_DEPTH_MAX

log = logging.getLogger(__name__)


@dataclass
class Problem:
    """An error on its way out: status, machine code, message, optional details."""

    status: int
    code: str
    message: str
    details: object = None
    headers: dict = field(default_factory=dict)
    request_id: str | None = None  # the request's own unless given (documentation examples)


def platform_body(problem: Problem) -> dict:
    """``{"error": {"type", "message", "details"?, "request_id"}}`` (v1 and system routes)."""
    error: dict[str, object] = {"type": problem.code, "message": problem.message}
    if problem.details is not None:
        error["details"] = problem.details
    error["request_id"] = problem.request_id or g.get("request_id")
    return {"error": error}


def summarise_validation(messages: dict | None) -> str:
    """A one-line reading of webargs/marshmallow messages: ``title is required`` etc."""
    for location, fields_ in (messages or {}).items():
        if not isinstance(fields_, dict):
            return f"Invalid {location}"
        for name, problems in _flatten(fields_):
            text = problems[0] if isinstance(problems, list) and problems else str(problems)
            if "Missing data" in str(text):
                return f"{name.rsplit('.', 1)[-1]} is required"
            if name == "_schema":
                return str(text)
            return f"{name}: {text}"
    return "Invalid request"


def _flatten(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, name)
        else:
            yield name, value


class PlatformErrorDetailSchema(Schema):
    type = fields.String(metadata={"example": "not_found"})
    message = fields.String(metadata={"example": "Conversation not found"})
    details = fields.Raw(metadata={"description": "Field errors, when validation failed."})
    request_id = fields.String()


class PlatformErrorSchema(Schema):
    """The platform error body (``/v1`` and system routes)."""

    error = fields.Nested(PlatformErrorDetailSchema)


@dataclass(frozen=True)
class Dialect:
    """How one HTTP dialect speaks errors, and documents them (``error_schema`` and
    ``error_descriptions``, the wording of each status its routes document)."""

    name: str
    prefixes: tuple[str, ...]
    body: Callable[[Problem], dict] = platform_body
    error_schema: type[Schema] = PlatformErrorSchema
    validation_status: int = 422
    malformed_status: int = 400  # a body that is not JSON at all, or nested too deeply
    hides_foreign: bool = True  # render NotOwned as the dialect's 404
    error_descriptions: Mapping[int, str] = field(default_factory=dict)

    def example(self, status: int | str) -> dict:
        """An error body of this dialect for ``status`` (``default``: an unexpected error)."""
        wanted = 500 if str(status) == "default" else int(status)
        shown = 422 if wanted == self.validation_status else wanted
        template = EXAMPLE_PROBLEMS.get(shown, EXAMPLE_PROBLEMS[500])
        return self.body(replace(template, status=wanted))

    def from_domain(self, error: DomainError) -> Problem:
        if isinstance(error, NotOwned) and self.hides_foreign:
            return Problem(404, "not_found", "Conversation not found")
        if isinstance(error, InvalidField):  # a field of the body, as webargs reports them
            details = {"json": error.details}
            return Problem(self.validation_status, error.code, error.message, details)
        return Problem(error.status, error.code, error.message, error.details)

    def from_http(self, error: HTTPException) -> Problem:
        data = getattr(error, "data", None) or {}
        status = error.code or 500
        messages = data.get("messages") or data.get("errors")
        headers = {**_own_headers(error), **dict(data.get("headers") or {})}
        refused = unparsed_body(messages)
        if refused:
            return Problem(self.malformed_status, *refused, None, headers)
        if status == 422 or (status == 400 and messages):
            return Problem(
                self.validation_status,
                "validation_error",
                summarise_validation(messages),
                messages,
                headers,
            )
        code = (error.name or "error").lower().replace(" ", "_")
        message = data.get("message") or error.description or error.name
        return Problem(status, code, message, headers=headers)


EXAMPLE_REQUEST_ID = "9f1c2a7e4b3d4e8f8a6b5c4d3e2f1a0b"


def _example(status: int, code: str, message: str, details: object = None) -> Problem:
    return Problem(status, code, message, details, request_id=EXAMPLE_REQUEST_ID)


EXAMPLE_PROBLEMS = {  # what the documentation shows for each status
    problem.status: problem
    for problem in (
        _example(400, "invalid_request", "The cursor was not handed out by this service"),
        _example(
            401, "unauthenticated", "Missing or malformed token: Missing Authorization Header"
        ),
        _example(403, "forbidden", "You don't have access to this conversation"),
        _example(404, "not_found", "Conversation not found"),
        _example(409, "conflict", "a conversation with this id already exists"),
        _example(413, "payload_too_large", "The file is above the import size cap"),
        _example(415, "unsupported_media_type", "The file is neither JSON nor a ZIP archive"),
        _example(
            422,
            "validation_error",
            "title is required",
            {"json": {"title": ["Missing data for required field."]}},
        ),
        _example(429, "too_many_requests", "Too many import requests, try again later"),
        _example(500, "internal_error", "Internal server error"),
        _example(503, "unavailable", "The database is unavailable, retry later"),
    )
}

MALFORMED_JSON = "The request body is not valid JSON"
TOO_DEEP = f"The request body nests JSON more than {BODY_DEPTH_MAX} levels deep"
UNPARSED = {
    "Invalid JSON body.": ("malformed_json", MALFORMED_JSON),  # webargs' own report
    TOO_DEEP: ("json_too_deep", TOO_DEEP),  # the dialect blueprint's parser refused it
}


def _own_headers(error: HTTPException) -> dict:
    """The headers an HTTP error brings itself (``Allow`` on a 405), but not its HTML type."""
    return {name: value for name, value in error.get_headers() if name.lower() != "content-type"}


def unparsed_body(messages: object) -> tuple[str, str] | None:
    """(code, message) when the body was refused before validation: not JSON, or too deep.

    The parser reports those as ``{"json": [reason]}``.
    """
    reasons = messages.get("json") if isinstance(messages, dict) else None
    if isinstance(reasons, list) and len(reasons) == 1 and isinstance(reasons[0], str):
        return UNPARSED.get(reasons[0])
    return None


PLATFORM = Dialect(
    "platform",
    ("/v1",),
    error_descriptions={
        400: "Bad cursor, filter or value.",
        401: "Missing or invalid token.",
        403: "Not allowed for this token (admin-only option).",
        404: "No such conversation in the caller's reach.",
        409: "Conflicting state (e.g. an id already in use).",
        422: "The query string or body failed validation.",
    },
)
_dialects: list[Dialect] = [PLATFORM]


def register_dialect(dialect: Dialect) -> None:
    """Make ``dialect`` answer for errors under its prefixes."""
    _dialects[:] = [d for d in _dialects if d.name != dialect.name]
    _dialects.append(dialect)


def dialects() -> tuple[Dialect, ...]:
    return tuple(_dialects)


def dialect_for(path: str) -> Dialect:
    """The dialect answering for ``path`` (the platform one outside every prefix)."""
    for dialect in _dialects:
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in dialect.prefixes):
            return dialect
    return PLATFORM


def current_dialect() -> Dialect:
    return dialect_for(request.path if request else "")


def respond(problem: Problem):
    """The JSON response for ``problem`` in the calling dialect's shape."""
    response = jsonify(current_dialect().body(problem))
    response.status_code = problem.status
    response.headers.update(problem.headers)
    if problem.status == 401:
        response.headers.setdefault("WWW-Authenticate", "Bearer")
    return response


def handle_domain(error: DomainError):
    return respond(current_dialect().from_domain(error))


def handle_http(error: HTTPException):
    if error.code is None:  # a routing redirect or similar: let werkzeug answer
        return error
    return respond(current_dialect().from_http(error))


def handle_store_error(error: PyMongoError):
    if isinstance(error, ConnectionFailure):
        log.warning("store unreachable: %s", error)
        return respond(Problem(503, "unavailable", "The database is unavailable, retry later"))
    log.exception("store error")
    return respond(Problem(500, "internal_error", "The database rejected the operation"))


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    return respond(Problem(500, "internal_error", "Internal server error"))


def register_error_handlers(app: Flask) -> None:
    """Install the handlers (after flask-smorest's, which they replace)."""
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(PyMongoError, handle_store_error)
    app.register_error_handler(Exception, handle_unexpected)
