"""Public operational routes: liveness, readiness, metrics and the offline docs assets."""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint as FlaskBlueprint
from flask import Response, send_from_directory
from marshmallow import Schema, fields
from pymongo.errors import PyMongoError

from ..extensions import mongo
from ..observability import metrics_payload
from .blueprint import DialectBlueprint
from .errors import PLATFORM

blp: DialectBlueprint = DialectBlueprint(
    "system",
    __name__,
    dialect=PLATFORM,
    tag="System",
    public=True,
    description="Health, readiness and metrics (no token).",
)


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


class ReadinessSchema(Schema):
    status = fields.String(metadata={"example": "ready"})
    store = fields.String(metadata={"example": "reachable"})


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz():
    """Liveness: the process is up and answering."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, ReadinessSchema)
@blp.alt_response(503, schema=ReadinessSchema, description="The store cannot be reached.")
def readyz():
    """Readiness: the store answers a ping (within ~2 s) and its indexes are in place."""
    try:
        mongo.ping()
    except PyMongoError as exc:
        return {"status": "unavailable", "store": type(exc).__name__}, 503
    return {"status": "ready", "store": "reachable"}


@blp.route("/metrics")
@blp.response(200, description="Prometheus text exposition format.")
def metrics():
    """Prometheus metrics: request counts and latency histograms per route."""
    body, content_type = metrics_payload()
    return Response(body, content_type=content_type)


# Swagger UI's own files, served from the installed package so /docs works offline.
assets = FlaskBlueprint("docs_assets", __name__)
_SWAGGER_DIST = str(files("flask_swagger_ui") / "dist")


@assets.route("/docs/assets/<path:filename>")
def swagger_assets(filename: str):
    return send_from_directory(_SWAGGER_DIST, filename, max_age=86400)
