"""``/v1`` import, export and GDPR routes: import a file, export one conversation or a
user's everything (streamed), erase a user's data."""

from __future__ import annotations

import json
import re

from flask import Response, stream_with_context

from ...core import exports
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..errors import PLATFORM
from ..limits import import_limits
from ..uploads import ImportFileSchema, capped_upload, import_upload, rejected
from .schemas.transfer import (
    ErasedResponseSchema,
    ExportDocumentSchema,
    ExportQuerySchema,
    ImportQuerySchema,
    ImportResponseSchema,
)

blp: DialectBlueprint = DialectBlueprint(
    "v1_transfer",
    __name__,
    dialect=PLATFORM,
    tag="Platform: import, export and erasure",
    url_prefix="/v1",
    description="Platform API: import and export conversations, GDPR export and erasure.",
    errors={
        400: "An import file that is not JSON of a known format or is nested too deeply, or "
        "whose every conversation is malformed (or one, with `strict=true`); the message "
        "names the conversation and field. Or an unusable user id.",
        403: "Another user's data, and the token is not an admin's.",
        409: "The file holds ids that already exist.",
        413: "The file is above `CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES`, or a ZIP bomb.",
        415: "The file is neither JSON nor a ZIP archive.",
        422: "No `file` part, or a bad query parameter.",
        429: "Import rate limit reached (per IP or per user); see `Retry-After`.",
    },
)
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")
MIMETYPES = {"json": "application/json", "ndjson": "application/x-ndjson"}


def download(body, filename: str, fmt: str = "json") -> Response:
    """A file download of ``body`` (a string or a generator of chunks)."""
    safe = SAFE_FILENAME.sub("_", filename)[:120]
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'},
    )


@blp.route("/conversations/import", methods=["POST"])
@capped_upload
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportResponseSchema)
@blp.errors(400, 409, 413, 415, 422, 429)
@import_limits
def import_conversations(files, args):
    """Import conversations from an export file (multipart field `file`).

    Same core as LibreChat's `/api/convos/import`: LibreChat, ChatGPT (JSON or
    ZIP), Claude, Open WebUI, chatbot-ui and Colloquy exports, detected from
    the content. Each conversation is all or nothing: malformed ones are left
    out and listed in `rejected`; `strict=true` fails the whole file instead.
    Earlier imports are skipped unless `duplicates=true`.
    """
    report = import_upload(current_scope(), files["file"], args["duplicates"], args["strict"])
    return {"data": {**vars(report), "rejected": rejected(report)}}


@blp.route("/conversations/<conversation_id>/export")
@blp.response(200, ExportDocumentSchema, description="A JSON download (Colloquy format).")
@blp.errors(404)
def export_conversation(conversation_id):
    """Export one conversation with all its messages, summaries and metadata.

    The download is Colloquy's export format, which `POST /v1/conversations/import`
    reads back losslessly.
    """
    document = exports.export_conversation(mongo.db, current_scope(), conversation_id)
    return download(json.dumps(document, ensure_ascii=False), f"conversation-{conversation_id}")


NDJSON_EXPORT = {
    "schema": {
        "type": "string",
        "description": "One JSON record per line, each with its `type`: a `header`, then each "
        "`conversation` followed by its `message` and `summary` records, then the `tag`s.",
    },
    "example": "\n".join(
        (
            '{"type":"header","format":"colloquy.export","version":1,'
            '"exported_at":"2024-01-15T12:00:00.000Z","user_id":"alice"}',
            '{"type":"conversation","id":"conv_abc123","title":"Trip to Lisbon","status":"active"}',
            '{"type":"message","id":"msg_1","conversation_id":"conv_abc123","role":"user",'
            '"text":"Plan three days in Lisbon."}',
            '{"type":"tag","id":"tag_1","tag":"travel","position":0}',
            "",
        )
    ),
}


@blp.route("/conversations/export/user/<user_id>")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(
    200, ExportDocumentSchema, description="A JSON (or with `format=ndjson` NDJSON) download."
)
@blp.doc(responses={200: {"content": {MIMETYPES["ndjson"]: NDJSON_EXPORT}}})
@blp.errors(400, 403, 422)
def export_user(args, user_id):
    """Export every conversation, message, summary and tag of a user (GDPR).

    The user themself or an admin of the workspace. The body is streamed as
    it is read, so any volume exports in flat memory; `format=ndjson` writes
    one typed record per line.
    """
    chunks = exports.stream_user_export(mongo.db, current_scope(), user_id, args["format"])
    return download(stream_with_context(chunks), f"colloquy-export-{user_id}", args["format"])


@blp.route("/users/<user_id>/data", methods=["DELETE"])
@blp.response(200, ErasedResponseSchema)
@blp.errors(400, 403)
def erase_user(user_id):
    """Erase everything of a user in the workspace (GDPR; admins only).

    Removes the user's conversations, messages, summaries and tags and reports
    how many of each.
    """
    return {"data": exports.erase_user(mongo.db, current_scope(), user_id).as_dict()}
