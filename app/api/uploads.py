"""Uploads shared by the import routes of every dialect: size cap and the core call."""

from __future__ import annotations

from functools import wraps

from flask import current_app, request
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from ..core import importers
from ..core.errors import PayloadTooLarge
from ..core.scope import Scope
from ..extensions import mongo

MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file


class ImportFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "A LibreChat, ChatGPT (JSON or ZIP), Claude, Open WebUI, chatbot-ui "
            "or Colloquy export."
        },
    )


def duplicates_flag() -> fields.Boolean:
    """The option that imports conversations imported before again (each dialect names it)."""
    return fields.Boolean(
        load_default=False,
        metadata={"description": "Import conversations even if they were imported before."},
    )


def strict_flag() -> fields.Boolean:
    """The option that fails the whole import on one malformed conversation."""
    return fields.Boolean(
        load_default=False,
        metadata={"description": "One malformed conversation fails the whole file."},
    )


class RejectedSchema(Schema):
    """A conversation of the file left out, and why."""

    index = fields.Integer(metadata={"description": "Its position in the file (or ZIP member)."})
    title = fields.String(allow_none=True)
    id = fields.String(allow_none=True, metadata={"description": "Its id in the file."})
    reason = fields.String(
        metadata={"example": "conversation 2 (\"Trip\"): field 'mapping' must be an object"}
    )


def rejected(report: importers.ImportReport) -> list[dict]:
    return [item.as_dict() for item in report.rejected]


def max_file_bytes() -> int:
    return int(current_app.config["CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES"])


def cap_upload_size() -> None:
    """Refuse a body larger than the import cap before reading it."""
    limit = max_file_bytes() + MULTIPART_SLACK
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the file is larger than {max_file_bytes()} bytes")
    request.max_content_length = min(limit, current_app.config["MAX_CONTENT_LENGTH"])


def capped_upload(view):
    """Decorator for an upload route: ``cap_upload_size`` before the body is parsed.

    Goes right under ``@blp.route``, above ``@blp.arguments(…, location="files")``.
    """

    @wraps(view)
    def capped(*args, **kwargs):
        cap_upload_size()
        return view(*args, **kwargs)

    return capped


def import_upload(
    scope: Scope, upload, duplicates: bool, strict: bool = False
) -> importers.ImportReport:
    """Import an uploaded file (a werkzeug ``FileStorage``) for ``scope``'s user."""
    limits = importers.Limits(max_file_bytes=max_file_bytes())
    return importers.import_file(
        mongo.db, scope, upload.stream, duplicates=duplicates, strict=strict, limits=limits
    )
