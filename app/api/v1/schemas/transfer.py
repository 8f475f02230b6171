"""Import, export and erasure: reports and query strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ....core import exports
from ...uploads import RejectedSchema, duplicates_flag, strict_flag


class ImportQuerySchema(Schema):
    duplicates = duplicates_flag()
    strict = strict_flag()


class ImportReportSchema(Schema):
    batch_id = fields.String(metadata={"description": "Tags every document this import wrote."})
    formats = fields.List(fields.String(), metadata={"example": ["chatgpt"]})
    conversations = fields.Integer()
    messages = fields.Integer()
    skipped = fields.Integer(metadata={"description": "Conversations imported before."})
    empty = fields.Integer(metadata={"description": "Conversations without a visible message."})
    tags = fields.Integer()
    rejected = fields.List(
        fields.Nested(RejectedSchema),
        metadata={"description": "Malformed conversations left out, with the reason."},
    )


class ImportResponseSchema(Schema):
    data = fields.Nested(ImportReportSchema)


class ExportDocumentSchema(Schema):
    format = fields.String(metadata={"example": "colloquy.export"})
    version = fields.Integer(metadata={"example": 1})
    exported_at = fields.String()
    user_id = fields.String()
    conversations = fields.List(fields.Dict())
    tags = fields.List(fields.Dict())


class ExportQuerySchema(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(exports.FORMATS),
        metadata={"description": "`json` (one document) or `ndjson` (one record per line)."},
    )


class ErasedSchema(Schema):
    user_id = fields.String()
    conversations = fields.Integer()
    messages = fields.Integer()
    summaries = fields.Integer()
    tags = fields.Integer()
    idempotency_keys = fields.Integer()
    shares = fields.Integer(metadata={"description": "Shared links."})


class ErasedResponseSchema(Schema):
    data = fields.Nested(ErasedSchema)
