"""Every response a test receives is checked against the OpenAPI document's promise.

``ValidatingClient`` is the Flask test client of the whole suite (``tests/conftest.py``
installs it): each response to a documented operation must have a status the
operation documents (or its ``default``), a content type that status documents,
and, for JSON, a body that validates against that status's schema (JSON Schema
2020-12, the dialect of OpenAPI 3.1, formats checked). Responses to undocumented
routes (a test's own route, an unknown path, a refused method) are not checked.

The document is read from the app itself, once per app; validators are compiled
once per (document, operation, status) and shared by every app serving the same
document, so the check costs little per request.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from functools import cache

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

FLASK_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
CHECKED_METHODS = ("get", "post", "put", "patch", "delete")


class ContractViolation(AssertionError):
    """A response the OpenAPI document does not allow."""


@dataclass
class Contract:
    """The OpenAPI document of one app, and the validators compiled from it."""

    document: dict
    validators: dict = field(default_factory=dict)

    def check(self, method: str, template: str, status: int, media_type: str, body=None) -> None:
        """Raise ``ContractViolation`` unless the document allows this response.

        ``media_type`` is empty for a response without a body; ``body`` is the parsed
        JSON (``None`` when not read: the schema is then not checked)."""
        operation = self.document["paths"].get(template, {}).get(method)
        if operation is None:
            return
        responses = operation["responses"]
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            raise ContractViolation(f"{method.upper()} {template}: {status} is not documented")
        content = responses[key].get("content")
        if not content or status == 204:
            return
        if media_type not in content:
            raise ContractViolation(
                f"{method.upper()} {template} {status}: {media_type or 'no body'} is not one of "
                f"the documented types {sorted(content)}"
            )
        schema = content[media_type].get("schema")
        if schema is None or body is None:
            return
        errors = list(self._validator(method, template, key, media_type).iter_errors(body))
        if errors:
            lines = "\n".join(f"  at /{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
            raise ContractViolation(
                f"{method.upper()} {template} {status} breaks its schema ({key}):\n{lines}\n"
                f"body: {json.dumps(body)[:2000]}"
            )

    def _validator(self, method, template, key, media_type) -> Draft202012Validator:
        name = (method, template, key, media_type)
        if name not in self.validators:
            pointer = "/".join(
                part.replace("~", "~0").replace("/", "~1")
                for part in ("paths", template, method, "responses", key, "content", media_type)
            )
            root = {"$ref": f"#/{pointer}/schema", **self.document}
            self.validators[name] = Draft202012Validator(
                root, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self.validators[name]


@cache
def _contract_for(document_text: str) -> Contract:
    return Contract(json.loads(document_text))


_contracts: weakref.WeakKeyDictionary[Flask, Contract] = weakref.WeakKeyDictionary()


def contract_of(app: Flask) -> Contract:
    """The app's document (read through a plain client: it is no operation of its own)."""
    if app not in _contracts:
        text = FlaskClient(app).get(app.config["OPENAPI_URL_PREFIX"] + "openapi.json").text
        _contracts[app] = _contract_for(text)
    return _contracts[app]


def operation_template(app: Flask, method: str, path: str) -> str | None:
    """The OpenAPI path of the route serving ``method path``, if a route does."""
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None
    return FLASK_ARGUMENT.sub(r"{\1}", rule.rule)


def check_response(app: Flask, response) -> None:
    request = response.request
    method = request.method.lower()
    if method not in CHECKED_METHODS:
        return
    template = operation_template(app, request.method, request.path)
    if template is None:
        return
    data = read_keeping_stream(response)
    media_type = (response.mimetype or "") if data else ""
    body = json.loads(data) if is_json(media_type) and data else None
    contract_of(app).check(method, template, response.status_code, media_type, body)


def read_keeping_stream(response) -> bytes:
    """The body, left for the test to read again; a streamed one stays streamed."""
    if response.is_sequence:
        return response.get_data()
    original = response.response
    chunks = list(response.iter_encoded())
    response.response = iter(chunks)
    if hasattr(original, "close"):
        response.call_on_close(original.close)
    return b"".join(chunks)


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


class ValidatingClient(FlaskClient):
    """The test client that checks every response against the OpenAPI document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check_response(self.application, response)
        return response
