"""``POST /api/convos/import`` (seed 002): upload an export, get counts back."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth import current_scope, require_auth
from ..docs import error_responses
from ..limits import import_limits
from ..uploads import ImportFileSchema, RejectedSchema, cap_upload_size, import_upload, rejected
from . import LibreChatErrorSchema

blp = require_auth(
    Blueprint(
        "librechat_import",
        __name__,
        url_prefix="/api/convos",
        description="LibreChat: import conversations from an export file.",
    )
)
blp.before_request(cap_upload_size)


class ImportQuerySchema(Schema):
    allowDuplicates = fields.Boolean(  # noqa: N815  (LibreChat's camelCase)
        load_default=False,
        metadata={"description": "Import conversations even if they were imported before."},
    )
    strict = fields.Boolean(
        load_default=False,
        metadata={"description": "One malformed conversation fails the whole file."},
    )


class ImportedSchema(Schema):
    message = fields.String(metadata={"example": "Conversation(s) imported successfully"})
    conversations = fields.Integer(metadata={"description": "Conversations imported."})
    messages = fields.Integer(metadata={"description": "Messages imported."})
    skipped = fields.Integer(metadata={"description": "Conversations imported before."})
    rejected = fields.List(
        fields.Nested(RejectedSchema),
        metadata={"description": "Malformed conversations left out, with the reason."},
    )


ERRORS = {
    400: "No `file`; a file that is not JSON of a known format or is nested too deeply; "
    "every conversation malformed (or one, with `strict=true`): the message names the "
    "conversation and field.",
    401: 'Missing or invalid token: `{"error": "Unauthorized", "message": …}`.',
    409: "The file holds ids that already exist.",
    413: "The file is above `CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES`, or a ZIP bomb.",
    415: "The file is neither JSON nor a ZIP archive.",
    429: "Import rate limit reached (per IP or per user); see `Retry-After`.",
}
documents_errors = error_responses(blp, LibreChatErrorSchema, ERRORS)


@blp.route("/import", methods=["POST"])
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportedSchema)
@documents_errors(400, 401, 409, 413, 415, 429)
@import_limits
def import_conversations(files, args):
    """Import conversations from an export file (multipart field `file`).

    Reads LibreChat, ChatGPT (`conversations.json` or the ZIP), Claude,
    Open WebUI, chatbot-ui and Colloquy exports, detected from the content.
    Each conversation is all or nothing: malformed ones are left out and
    listed in `rejected` (index, title, id, reason), the rest are imported;
    with `strict=true` one malformed conversation fails the whole file. A file
    that fails leaves nothing behind. Conversations imported before are
    skipped unless `allowDuplicates=true`.
    """
    report = import_upload(current_scope(), files["file"], args["allowDuplicates"], args["strict"])
    return {
        "message": "Conversation(s) imported successfully",
        "conversations": report.conversations,
        "messages": report.messages,
        "skipped": report.skipped,
        "rejected": rejected(report),
    }
