"""``/api/convos``: LibreChat's conversation routes (seeds 000 and 002)."""

from __future__ import annotations

import math

from flask import current_app

from ...core import conversations, deletion, forking, lifecycle, listing, titles
from ...extensions import mongo
from ..auth import current_scope
from ..blueprint import DialectBlueprint, store_down_or
from ..limits import fork_limits
from . import LIBRECHAT, title_waits
from .schemas.conversations import (
    ArchiveAllSchema,
    ArchiveBody,
    ConvoPageSchema,
    ConvoSchema,
    CopySchema,
    DeleteBody,
    DeleteResultSchema,
    DuplicateRequest,
    ForkRequest,
    ListQuerySchema,
    PinBody,
    TitleSchema,
    UpdateBody,
)

blp: DialectBlueprint = DialectBlueprint(
    "librechat_convos",
    __name__,
    dialect=LIBRECHAT,
    tag="LibreChat: conversations",
    url_prefix="/api/convos",
    description="LibreChat: conversations (list, read, rename, archive, pin, delete, "
    "fork, duplicate, titles).",
    errors={503: store_down_or("`search` with `SEARCH_BACKEND=text` needs a MongoDB server.")},
)
blp.record_once(title_waits.install)


def _page_body(counted: listing.CountedPage, limit: int) -> dict:
    return {
        "conversations": counted.page.items,
        "nextCursor": counted.page.next_cursor,
        "pageNumber": counted.before // limit + 1,
        "pageSize": limit,
        "pages": math.ceil(counted.total / limit),
    }


def _deleted_body(deleted: deletion.Deleted) -> dict:
    return {
        "acknowledged": True,
        "deletedCount": deleted.conversations,
        "messages": {"acknowledged": True, "deletedCount": deleted.messages},
    }


@blp.route("")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, ConvoPageSchema)
@blp.errors(400, 503)
def list_conversations(args):
    """List the caller's conversations, one keyset page at a time.

    `isArchived=true` lists archived conversations, otherwise active ones
    (`sortBy=archivedAt` orders archived ones by when they were archived).
    `tags` (repeatable, or `tags[]`) keeps conversations carrying any of them; `search`
    keeps those whose title, or one of whose messages, holds every word of it (any
    order, ignoring case and accents; `SEARCH_BACKEND=text`: MongoDB's text search). Pass
    `nextCursor` back as `cursor` with the same `sortBy`/`sortDirection`.

    Guarantee: the cursor is the last item's (sort value, id), so a walk
    returns every conversation whose sort value does not change during the
    walk exactly once, whatever is inserted, deleted or updated meanwhile. A
    conversation whose sort value changes moves: with `updatedAt` desc an
    update moves it to the front (not seen again if already seen, skipped if
    not yet seen); sort by `createdAt` or `title` for a walk that updates
    cannot disturb. `pageNumber` is the page's position among the current
    matches, `pages` their current count divided by `pageSize`.
    """
    counted = listing.list_counted(
        mongo.db,
        current_scope(),
        args["selection"],
        search_text=args.get("search"),
        backend=current_app.config["SEARCH_BACKEND"],
        sort=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return _page_body(counted, args["limit"])


@blp.route("/<conversation_id>")
@blp.response(200, ConvoSchema)
@blp.errors(403, 404)
def get_conversation(conversation_id):
    """One conversation of the caller."""
    return conversations.get_live(mongo.db, current_scope(), conversation_id)


@blp.route("/update", methods=["POST"])
@blp.arguments(UpdateBody)
@blp.response(200, ConvoSchema)
@blp.errors(400, 403, 404)
def update_title(body):
    """Rename a conversation: the title is trimmed; over 1024 characters it is refused."""
    arg = body["arg"]
    return conversations.rename(mongo.db, current_scope(), arg["conversationId"], arg["title"])


@blp.route("/archive", methods=["POST"])
@blp.arguments(ArchiveBody)
@blp.response(200, ConvoSchema)
@blp.errors(400, 403, 404)
def archive(body):
    """Archive (`isArchived: true`) or unarchive a conversation."""
    arg = body["arg"]
    return lifecycle.set_archived(
        mongo.db, current_scope(), arg["conversationId"], arg["isArchived"]
    )


@blp.route("/archive/all", methods=["POST"])
@blp.response(200, ArchiveAllSchema)
def archive_all():
    """Archive every active conversation of the caller."""
    return {"archivedCount": lifecycle.archive_all(mongo.db, current_scope())}


@blp.route("/pin", methods=["POST"])
@blp.arguments(PinBody)
@blp.response(200, ConvoSchema)
@blp.errors(400, 403, 404)
def pin(body):
    """Pin or unpin a conversation."""
    arg = body["arg"]
    return conversations.set_pinned(mongo.db, current_scope(), arg["conversationId"], arg["pinned"])


@blp.route("", methods=["DELETE"])
@blp.arguments(DeleteBody)
@blp.response(200, DeleteResultSchema)
@blp.errors(400, 403, 404)
def delete_conversation(body):
    """Delete a conversation and its messages for good.

    `source`, `thread_id` and `endpoint` are accepted for LibreChat's client;
    there is no OpenAI assistants thread to delete here.
    """
    deleted = deletion.hard_delete(
        mongo.db, current_scope(), [body["arg"]["conversationId"]], must_exist=True
    )
    return _deleted_body(deleted)


@blp.route("/all", methods=["DELETE"])
@blp.response(200, DeleteResultSchema)
def delete_all():
    """Delete every conversation of the caller, with their messages."""
    return _deleted_body(deletion.hard_delete_all(mongo.db, current_scope()))


@blp.route("/gen_title/<conversation_id>")
@blp.response(200, TitleSchema)
@blp.errors(403, 404)
def gen_title(conversation_id):
    """The conversation's generated title, waiting for it if need be.

    Titles come from the first user + assistant exchange. Without an LLM they
    are written with the exchange, so this looks once; with one (written in the
    background) it looks again after each pause of `TITLE_WAIT_SCHEDULE` (0.5,
    1, 2, 4, 8 s: about 15.5 s), at most `TITLE_WAITERS_MAX` callers at a time
    (the others look once). 404 if the title is still the default one.
    """
    with title_waits.wait_schedule() as schedule:
        title = titles.wait_for_title(mongo.db, current_scope(), conversation_id, schedule)
    return {"title": title}


@blp.route("/fork", methods=["POST"])
@blp.arguments(ForkRequest)
@blp.response(200, CopySchema)
@blp.errors(400, 403, 404, 429)
@fork_limits
def fork(body):
    """Fork a conversation from a message into a new conversation.

    `option`: `directPath` (the target and its ancestors), `includeBranches`
    (also the siblings along that path, not the target's children) or
    `targetLevel` (default: every message no deeper than the target). With
    `splitAtTarget`, messages above the target's depth are dropped and the
    option applies to `latestMessageId`. Copies get new ids; the new
    conversation keeps title, tags and settings.
    """
    copy = forking.fork(
        mongo.db,
        current_scope(),
        body["conversationId"],
        body["messageId"],
        option=body.get("option"),
        split_at_target=body["splitAtTarget"],
        latest_message_id=body.get("latestMessageId"),
    )
    return {"conversation": copy.conversation, "messages": copy.messages}


@blp.route("/duplicate", methods=["POST"])
@blp.arguments(DuplicateRequest)
@blp.response(201, CopySchema)
@blp.errors(400, 403, 404, 429)
@fork_limits
def duplicate(body):
    """Copy a conversation with every branch, under `title` or the original's title."""
    copy = forking.duplicate(
        mongo.db, current_scope(), body["conversationId"], title=body.get("title")
    )
    return {"conversation": copy.conversation, "messages": copy.messages}
