"""``/v1`` import, export and GDPR routes (seed 001: export; issue 5: the rest)."""

from __future__ import annotations

import json
import re

from flask import Response, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...core import exports
from ...extensions import mongo
from ..auth import current_scope, require_auth
from ..docs import error_responses
from ..errors import PlatformErrorSchema
from ..limits import import_limits
from ..uploads import ImportFileSchema, cap_upload_size, import_upload

blp = require_auth(
    Blueprint(
        "v1_transfer",
        __name__,
        url_prefix="/v1/conversations",
        description="Platform API: import and export conversations (GDPR export).",
    )
)
users_blp = require_auth(
    Blueprint("v1_users", __name__, url_prefix="/v1/users", description="Platform API: users.")
)
blp.before_request(cap_upload_size)
ERRORS = {
    400: "A malformed or unknown import file (the message names the conversation and "
    "field), or an unusable user id.",
    401: "Missing or invalid token.",
    403: "Another user's data, and the token is not an admin's.",
    404: "No such conversation in the caller's reach.",
    409: "The file holds ids that already exist.",
    413: "The file is above `CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES`, or a ZIP bomb.",
    415: "The file is neither JSON nor a ZIP archive.",
    422: "No `file` part, or a bad query parameter.",
    429: "Import rate limit reached (per IP or per user); see `Retry-After`.",
}
documents_errors = error_responses(blp, PlatformErrorSchema, ERRORS)
documents_user_errors = error_responses(users_blp, PlatformErrorSchema, ERRORS)
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")
MIMETYPES = {"json": "application/json", "ndjson": "application/x-ndjson"}


class ImportQuerySchema(Schema):
    duplicates = fields.Boolean(
        load_default=False,
        metadata={"description": "Import conversations even if they were imported before."},
    )


class ImportReportSchema(Schema):
    batch_id = fields.String(metadata={"description": "Tags every document this import wrote."})
    formats = fields.List(fields.String(), metadata={"example": ["chatgpt"]})
    conversations = fields.Integer()
    messages = fields.Integer()
    skipped = fields.Integer(metadata={"description": "Conversations imported before."})
    empty = fields.Integer(metadata={"description": "Conversations without a visible message."})
    tags = fields.Integer()


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


def download(body, filename: str, fmt: str = "json") -> Response:
    """A file download of ``body`` (a string or a generator of chunks)."""
    safe = SAFE_FILENAME.sub("_", filename)[:120]
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'},
    )


@blp.route("/import", methods=["POST"])
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportResponseSchema)
@documents_errors(400, 401, 409, 413, 415, 422, 429)
@import_limits
def import_conversations(files, args):
    """Import conversations from an export file (multipart field `file`).

    Same core as LibreChat's `/api/convos/import`: LibreChat, ChatGPT (JSON or
    ZIP), Claude, chatbot-ui and Colloquy exports, detected from the content,
    all or nothing; earlier imports are skipped unless `duplicates=true`.
    """
    report = import_upload(current_scope(), files["file"], args["duplicates"])
    return {"data": report}


@blp.route("/<conversation_id>/export")
@blp.response(200, ExportDocumentSchema, description="A JSON download (Colloquy format).")
@documents_errors(401, 404)
def export_conversation(conversation_id):
    """Export one conversation with all its messages, summaries and metadata.

    The download is Colloquy's export format, which `POST /v1/conversations/import`
    reads back losslessly.
    """
    document = exports.export_conversation(mongo.db, current_scope(), conversation_id)
    return download(json.dumps(document, ensure_ascii=False), f"conversation-{conversation_id}")


@blp.route("/export/user/<user_id>")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, ExportDocumentSchema, description="A JSON (or NDJSON) download, streamed.")
@documents_errors(400, 401, 403, 422)
def export_user(args, user_id):
    """Export every conversation, message, summary and tag of a user (GDPR).

    The user themself or an admin of the workspace. The body is streamed as
    it is read, so any volume exports in flat memory; `format=ndjson` writes
    one typed record per line.
    """
    chunks = exports.stream_user_export(mongo.db, current_scope(), user_id, args["format"])
    return download(stream_with_context(chunks), f"colloquy-export-{user_id}", args["format"])


@users_blp.route("/<user_id>/data", methods=["DELETE"])
@users_blp.response(200, ErasedResponseSchema)
@documents_user_errors(400, 401, 403)
def erase_user(user_id):
    """Erase everything of a user in the workspace (GDPR; admins only).

    Removes the user's conversations, messages, summaries and tags and reports
    how many of each.
    """
    return {"data": exports.erase_user(mongo.db, current_scope(), user_id).as_dict()}
