"""The dialect blueprint: every HTTP route of Colloquy is declared on one.

A ``DialectBlueprint`` is a flask-smorest ``Blueprint`` that carries the dialect it
speaks (``Dialect`` in ``errors.py``: URL prefixes, error shape, error wording) and
a human tag name for Swagger UI. From those, each of its routes

- is authenticated (bearer JWT, ``auth.authenticate``) and documents that 401
  itself, or, on a ``public`` blueprint, documents that it needs no token;
- documents the 503 of a store outage (answered while the store breaker is open,
  with ``Retry-After``) when it reads the store: every authenticated route, and a
  public one whose blueprint says ``store=True``;
- documents its other errors with ``@blp.errors(404, 409)``: the dialect's error
  schema, the blueprint's wording for each status;
- is listed in Swagger UI under ``tag`` (blueprints sharing a tag share a section;
  ``openapi_tags`` lists the sections in registration order, so they group by
  dialect);
- reads its JSON body strictly (``bodies.JsonBodyParser``): required, JSON, and
  refused before parsing when nested deeper than ``BODY_DEPTH_MAX``; the body's
  schema's ``EXAMPLE`` (a body that works on the demo data) is its documented example.

A route module declares ``blp: DialectBlueprint = DialectBlueprint("librechat_share",
__name__, dialect=LIBRECHAT, tag="LibreChat: share links", url_prefix="/api/share",
description=…)`` (annotated: its package imports it back, a cycle type checkers cannot
infer through) and its dialect package lists ``blp`` in ``BLUEPRINTS``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_smorest import Blueprint
from flask_smorest.utils import resolve_schema_instance

from .auth import require_auth
from .bodies import JsonBodyParser
from .errors import Dialect, register_dialect

STORE_DOWN = "The store is unavailable (outage or maintenance); retry after `Retry-After` seconds."


def store_down_or(reason: str) -> str:
    """The 503 wording of a blueprint whose routes answer 503 for one more ``reason``."""
    return f"{STORE_DOWN} Also: {reason}"


class DialectBlueprint(Blueprint):
    """Routes of one dialect under one Swagger UI tag (see the module docstring)."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def __init__(
        self,
        name: str,
        import_name: str,
        *,
        dialect: Dialect,
        tag: str,
        errors: Mapping[int, str] | None = None,
        public: bool = False,
        store: bool | None = None,
        **kwargs,
    ):
        super().__init__(name, import_name, **kwargs)
        self.dialect = dialect
        self.tag = tag
        self.error_descriptions = {
            503: STORE_DOWN,
            **dialect.error_descriptions,
            **(errors or {}),
        }
        self.public = public
        self.store = not public if store is None else store
        register_dialect(dialect)
        if not public:
            require_auth(self)
        self._prepare_doc_cbks.insert(0, self._prepare_auth_doc)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, tags=None, **options):
        """Tag every route with the blueprint's tag unless it names its own."""
        tags = [self.tag] if tags is None else tags
        super().add_url_rule(rule, endpoint, view_func, *args, tags=tags, **options)

    def arguments(self, schema, *, example=None, **kwargs):
        """flask-smorest's ``arguments``; a JSON body's example is its schema's ``EXAMPLE``."""
        if example is None and kwargs.get("location", "json") == "json":
            example = getattr(schema, "EXAMPLE", None)
        return super().arguments(schema, example=example, **kwargs)

    def errors(self, *statuses: int):
        """Decorator: document ``statuses`` in the dialect's error shape and wording."""

        def decorate(view):
            for status in statuses:
                view = self.alt_response(status, **self._error_doc(status))(view)
            return view

        return decorate

    def _error_doc(self, status: int) -> dict:
        return {"schema": self.dialect.error_schema, "description": self.error_descriptions[status]}

    def _prepare_auth_doc(self, doc: dict, doc_info: dict, **kwargs) -> dict:
        """A flask-smorest doc callback: 401 on authenticated routes, no security on public,
        503 on routes that read the store."""
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        if self.public:
            doc["security"] = []
        else:
            self._document(responses, 401)
        if self.store:
            self._document(responses, 503)
        return doc

    def _document(self, responses: dict, status: int) -> None:
        """Add ``status`` in the dialect's shape unless the route documents it itself."""
        if not any(str(documented) == str(status) for documented in responses):
            error = self._error_doc(status)
            error["schema"] = resolve_schema_instance(error["schema"])
            responses[status] = [{**error, "content_type": None}]  # as alt_response stores


def openapi_tags(blueprints) -> list[dict]:
    """Swagger UI's sections: each blueprint's tag once, in order, with its description."""
    tags: dict[str, str] = {}
    for blueprint in blueprints:
        tags.setdefault(blueprint.tag, blueprint.description)
    return [{"name": name, "description": description} for name, description in tags.items()]
