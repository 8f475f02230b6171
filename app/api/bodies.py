"""JSON request bodies, read strictly: every JSON body of this API is required.

A body in another media type (``text/plain``, a form, …) answers 415 instead of
being ignored, and a request without its body answers the dialect's validation
error ("A JSON request body is required") instead of running on defaults. JSON
means ``application/json`` or any ``+json`` type, with or without a charset.
A body nested more than ``BODY_DEPTH_MAX`` levels is refused before it is parsed
(measured without recursion), so no parser recurses into a hostile one.
Every ``DialectBlueprint`` reads its arguments with ``JsonBodyParser``.
"""

from __future__ import annotations

from flask import Request
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from ..core.limits import BODY_DEPTH_MAX, deeper_than
from .errors import TOO_DEEP

BODY_REQUIRED = "A JSON request body is required"


def has_body(request: Request) -> bool:
    """Whether the request carries a body (a length above zero, or a chunked one)."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, with a required body that must be JSON, of bounded depth."""

    def load_json(self, req: Request, schema):
        if is_json_request(req) and deeper_than(req.get_data(cache=True), BODY_DEPTH_MAX):
            abort(400, messages={"json": [TOO_DEEP]})
        if has_body(req) and not is_json_request(req):
            raise UnsupportedMediaType(
                "Send the body as JSON (Content-Type: application/json), "
                f"not as {req.mimetype or 'an untyped body'}"
            )
        data = super().load_json(req, schema)
        if data is core.missing:
            abort(422, messages={"json": {"_schema": [BODY_REQUIRED]}})
        return data
