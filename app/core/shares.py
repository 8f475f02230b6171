"""Shared links: a public, read-only view of a conversation, as LibreChat shares one.

A share records which messages it shows when it is made (the whole conversation,
or with a target message every message no deeper than the target, as a
``targetLevel`` fork selects them) and the title at that moment. Reading it back
shows those messages as they are now; ``refresh`` takes a new snapshot under a
new share id, so the old link stops working.

The public read needs no token and shows nothing else of the owner: no user id,
tags, metadata, feedback or settings, and every id is replaced by an anonymous
one (``convo_…``, ``msg_…``, ``a_…`` for an assistant), derived from a random
salt kept with the share, so the same link always shows the same ids and no
original id can be recovered. A deleted conversation's links stop working.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from . import conversations, forking, messages, search
from .clock import ROOT_PARENT_ID, new_id, require_id, utcnow
from .errors import Conflict, Invalid, NotFound
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .store import Db

SORTS = {"createdAt": "created_at", "title": "title"}
PAGE_MAX = 100
PRIVATE_MESSAGE_FIELDS = ("user_id", "workspace_id", "metadata", "feedback", "compacted_by")


def _share_id() -> str:
    return secrets.token_urlsafe(16)


def _snapshot(db: Db, scope: Scope, conversation: dict, target_message_id: str | None) -> list[str]:
    """The ids a share shows: every message, or those no deeper than the target."""
    tree = messages.list_all(db, scope, conversation["_id"])
    if not tree:
        raise Invalid("No messages to share")
    if target_message_id is None:
        return [m["_id"] for m in tree]
    if target_message_id not in {m["_id"] for m in tree}:
        raise NotFound("Message not found")
    return [m["_id"] for m in forking.up_to_level(tree, target_message_id)]


def create(db: Db, scope: Scope, conversation_id: object, target_message_id: object = None) -> dict:
    """Share a live conversation of the caller; ``Conflict`` if it is shared already."""
    conversation = conversations.get_live(db, scope, conversation_id)
    if target_message_id is not None:
        target_message_id = require_id(target_message_id, "targetMessageId")
    now = utcnow()
    share = {
        "_id": new_id(),
        "share_id": _share_id(),
        "workspace_id": conversation["workspace_id"],
        "user_id": conversation["user_id"],
        "conversation_id": conversation["_id"],
        "target_message_id": target_message_id,
        "title": conversation["title"],
        "message_ids": _snapshot(db, scope, conversation, target_message_id),
        "is_public": True,
        "salt": secrets.token_hex(16),
        "created_at": now,
        "updated_at": now,
    }
    try:  # one share per conversation and target (a unique index)
        db.shares.insert_one(share)
    except DuplicateKeyError as exc:
        raise Conflict("Share already exists") from exc
    return share


def link_for(db: Db, scope: Scope, conversation_id: object) -> dict | None:
    """The caller's share of a conversation (the whole-conversation one first), if any."""
    conversation = conversations.get(db, scope, conversation_id)
    return db.shares.find_one(
        {**scope.query(), "conversation_id": conversation["_id"]},
        sort=[("target_message_id", 1), ("created_at", 1)],
    )


def page(
    db: Db,
    scope: Scope,
    *,
    sort_by: str = "createdAt",
    direction: str = "desc",
    limit: int = 10,
    cursor: str | None = None,
    search_text: str | None = None,
    backend: str = search.DEFAULT_BACKEND,
    public: bool = True,
) -> Page:
    """A keyset page of the caller's shares (every share is public: ``public=False`` finds
    none); ``search_text`` keeps those whose conversation matches it (title or message
    text, as the conversation search does)."""
    if sort_by not in SORTS or not 1 <= limit <= PAGE_MAX:
        raise Invalid(f"sortBy must be createdAt or title; pageSize at most {PAGE_MAX}")
    query = {**scope.query(), "is_public": public}
    if search_text:
        matches = search.find_matches(db, scope, search_text, backend)
        found = db.conversations.distinct("_id", {**scope.query(), **matches.query()})
        query["conversation_id"] = {"$in": found}
    return fetch_page(db.shares, query, Sort(SORTS[sort_by], direction), limit, cursor)


def _own(db: Db, scope: Scope, share_id: object) -> dict:
    share_id = require_id(share_id, "shareId")
    share = db.shares.find_one({**scope.query(), "share_id": share_id})
    if share is None:
        raise NotFound("Share not found")
    return share


def refresh(db: Db, scope: Scope, share_id: object) -> dict:
    """A new snapshot of the shared conversation under a new share id (and new salt)."""
    share = _own(db, scope, share_id)
    conversation = conversations.get_live(db, scope, share["conversation_id"])
    changes = {
        "share_id": _share_id(),
        "title": conversation["title"],
        "message_ids": _snapshot(db, scope, conversation, share.get("target_message_id")),
        "salt": secrets.token_hex(16),
        "updated_at": utcnow(),
    }
    updated = db.shares.find_one_and_update(
        {"_id": share["_id"], "share_id": share["share_id"]},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:  # deleted or refreshed meanwhile
        raise NotFound("Share not found")
    return updated


def delete(db: Db, scope: Scope, share_id: object) -> dict:
    """Delete one of the caller's shares; its link stops working at once."""
    share = _own(db, scope, share_id)
    if db.shares.delete_one({"_id": share["_id"]}).deleted_count == 0:
        raise NotFound("Share not found")
    return share


def _shown(db: Db, share_id: object) -> tuple[dict, dict, list[dict]]:
    """(share, conversation, messages) of a public share, messages in append order."""
    share_id = require_id(share_id, "shareId")
    share = db.shares.find_one({"share_id": share_id, "is_public": True})
    if share is None:
        raise NotFound("Share not found")
    conversation = db.conversations.find_one(
        {"_id": share["conversation_id"], "workspace_id": share["workspace_id"]}
    )
    if conversation is None or conversation["status"] == "deleted":
        raise NotFound("Share not found")
    found = db.messages.find(
        {"conversation_id": conversation["_id"], "_id": {"$in": share["message_ids"]}}
    )
    return share, conversation, list(found.sort([("seq", 1)]))


def public_view(db: Db, share_id: object) -> dict:
    """What anyone with the link may see: title, dates and the anonymised messages."""
    share, _conversation, shown = _shown(db, share_id)
    anonymous = _Anonymiser(share["salt"])
    conversation_id = anonymous("convo", share["conversation_id"])
    return {
        "share_id": share["share_id"],
        "title": share["title"],
        "is_public": True,
        "created_at": share["created_at"],
        "updated_at": share["updated_at"],
        "conversation_id": conversation_id,
        "messages": [anonymous.message(m, conversation_id) for m in shown],
    }


class _Anonymiser:
    """Stable anonymous ids for one share: a salted hash, so originals cannot be recovered."""

    def __init__(self, salt: str):
        self.salt = salt

    def __call__(self, prefix: str, original: str) -> str:
        digest = hashlib.sha256(f"{self.salt}:{original}".encode()).digest()
        return f"{prefix}_{base64.urlsafe_b64encode(digest).decode()[:21]}"

    def message(self, message: dict, conversation_id: str) -> dict:
        public = {k: v for k, v in message.items() if k not in PRIVATE_MESSAGE_FIELDS}
        parent = message.get("parent_message_id") or ROOT_PARENT_ID
        return {
            **public,
            "_id": self("msg", message["_id"]),
            "parent_message_id": parent if parent == ROOT_PARENT_ID else self("msg", parent),
            "conversation_id": conversation_id,
            "model": self.assistant(message.get("model")),
            "sender": self.assistant(message.get("sender")),  # the model, by default
        }

    def assistant(self, name: str | None) -> str | None:
        """An OpenAI assistant's id (``asst_…``) made anonymous; other names as they are."""
        return self("a", name) if name and name.startswith("asst_") else name


def fork(db: Db, scope: Scope, share_id: object) -> forking.Copy:
    """Copy what a share shows into a new conversation of the caller (any user may)."""
    share, conversation, shown = _shown(db, share_id)
    if not shown:
        raise Invalid("No messages to share")
    source = {
        "title": share["title"],
        "title_source": "user",
        "endpoint": conversation.get("endpoint"),
        "model": conversation.get("model"),
        "source": "share",
    }
    chosen = [{k: v for k, v in m.items() if k not in PRIVATE_MESSAGE_FIELDS} for m in shown]
    leaf = shown[-1]["_id"]
    return forking.copy_into(
        db, scope, source, chosen, leaf, forked_from={"share_id": share["share_id"]}
    )
