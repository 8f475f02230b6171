# ruff: noqa: N815  (field names are LibreChat's camelCase wire names)
"""Imports: the upload's options and what it imported."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...uploads import RejectedSchema, duplicates_flag, strict_flag


class ImportQuerySchema(Schema):
    allowDuplicates = duplicates_flag()
    strict = strict_flag()


class ImportedSchema(Schema):
    message = fields.String(metadata={"example": "Conversation(s) imported successfully"})
    conversations = fields.Integer(metadata={"description": "Conversations imported."})
    messages = fields.Integer(metadata={"description": "Messages imported."})
    skipped = fields.Integer(metadata={"description": "Conversations imported before."})
    rejected = fields.List(
        fields.Nested(RejectedSchema),
        metadata={"description": "Malformed conversations left out, with the reason."},
    )
