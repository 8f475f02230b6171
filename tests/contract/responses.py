"""Every response a test receives is checked against the OpenAPI document's promise.

``ValidatingClient`` is the Flask test client of the whole suite (``tests/conftest.py``
installs it): each response to a documented operation must have a status the
operation documents (or its ``default``), a content type that status documents,
and, for JSON, a body that validates against that status's schema (JSON Schema
2020-12, the dialect of OpenAPI 3.1, formats checked). Responses to undocumented
routes (a test's own route, an unknown path, a refused method) are not checked.

The document is taken once per spec flask-smorest builds; validators (jsonschema-rs)
are compiled once per (document, operation, status), so the check costs little per
request (about 1 ms with the pure-Python ``jsonschema``, microseconds with these).
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from functools import cache

import jsonschema_rs
from apispec import APISpec
from flask import Flask
from flask.testing import FlaskClient
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
    components: str = ""  # as JSON text: equal documents share compiled validators

    def __post_init__(self):
        self.components = json.dumps(self.document["components"], sort_keys=True)

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
        validator = self._validator(schema, (method, template, key, media_type))
        errors = list(validator.iter_errors(body))
        if errors:
            lines = "\n".join(
                f"  at /{'/'.join(map(str, e.instance_path))}: {e.message}" for e in errors
            )
            raise ContractViolation(
                f"{method.upper()} {template} {status} breaks its schema ({key}):\n{lines}\n"
                f"body: {json.dumps(body)[:2000]}"
            )

    def _validator(self, schema: dict, name: tuple) -> jsonschema_rs.Draft202012Validator:
        if name not in self.validators:
            schema_text = json.dumps(schema, sort_keys=True)
            self.validators[name] = compiled(schema_text, self.components)
        return self.validators[name]


@cache
def compiled(schema: str, components: str) -> jsonschema_rs.Draft202012Validator:
    """``schema`` compiled; its ``$ref``s point into the document's ``components``."""
    root = {**json.loads(schema), "components": json.loads(components)}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


_contracts: weakref.WeakKeyDictionary[APISpec, Contract] = weakref.WeakKeyDictionary()


def contract_of(app: Flask) -> Contract:
    """The document ``/openapi.json`` serves: flask-smorest's one ``Api`` serves the spec
    of the app built last (which every test app's answers must match)."""
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec
    if spec not in _contracts:
        _contracts[spec] = Contract(spec.to_dict())
    return _contracts[spec]


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
