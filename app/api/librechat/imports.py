"""``POST /api/convos/import``: upload an export, get counts back."""

from __future__ import annotations

from ..auth import current_scope
from ..blueprint import DialectBlueprint
from ..limits import import_limits
from ..uploads import ImportFileSchema, capped_upload, import_upload, rejected
from . import LIBRECHAT
from .schemas.imports import ImportedSchema, ImportQuerySchema

blp: DialectBlueprint = DialectBlueprint(
    "librechat_import",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: conversations",
    url_prefix="/api/convos",
    description="LibreChat: import conversations from an export file.",
    errors={
        400: "No `file`; a file that is not JSON of a known format or is nested too deeply; "
        "every conversation malformed (or one, with `strict=true`): the message names the "
        "conversation and field.",
        409: "The file holds ids that already exist.",
        413: "The file is above `CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES`, or a ZIP bomb.",
        415: "The file is neither JSON nor a ZIP archive.",
        429: "Import rate limit reached (per IP or per user); see `Retry-After`.",
    },
)


@blp.route("/import", methods=["POST"])
@capped_upload
@blp.arguments(ImportFileSchema, location="files")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportedSchema)
@blp.errors(400, 409, 413, 415, 429)
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
