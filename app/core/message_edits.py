"""Editing and deleting a stored message, keeping every figure of it and its conversation exact.

An edit replaces a message's text, or the text of one of its content parts (a
``text`` or ``think`` part, by index). The message's ``token_count`` is counted
again from its new text, as an append counts it, and ``updated_at`` is set.

A delete removes one message, as LibreChat does: its children stay and keep
pointing at it, so they read as roots of their own branch. The conversation's
``message_count`` and its token and cost totals drop by exactly what the
message carried, in one atomic ``$inc``; if it was the latest message, the
latest remaining one (by append order) takes its place.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument

from . import conversations, costs, messages, searchable, tokens
from .clock import require_id, utcnow
from .errors import Conflict, Invalid, NotFound
from .new_message import TEXT_MAX
from .scope import Scope
from .store import Db
from .validation import check_text

EDITABLE_PARTS = ("text", "think")  # a part keeps its value under the key named by its type


def clean_text(text: object) -> str:
    """Message text that can be stored: a string of valid Unicode, not too long."""
    if not isinstance(text, str):
        raise Invalid("text must be a string")
    if len(text) > TEXT_MAX:
        raise Invalid(f"text is at most {TEXT_MAX} characters")
    return check_text(text, "text")


def live_message(
    db: Db, scope: Scope, conversation_id: object, message_id: object
) -> tuple[dict, dict]:
    """(conversation, message) when the message is in a live conversation of the caller."""
    conversation = conversations.get_live(db, scope, conversation_id)
    message_id = require_id(message_id, "message id")
    found = db.messages.find_one({"_id": message_id, "conversation_id": conversation["_id"]})
    if found is None:
        raise NotFound("Message not found")
    return conversation, found


def _recounted(conversation: dict, message: dict, text: str) -> dict:
    """``text`` with the token count and words an append would store for it."""
    encoding = tokens.encoding_for(message.get("model") or conversation.get("model")).name
    return {
        "text": text,
        **searchable.words_field(text),
        "token_count": tokens.message_tokens(message["role"], text, encoding),
        "token_encoding": encoding,
        "updated_at": utcnow(),
    }


def edit_text(
    db: Db, scope: Scope, conversation_id: object, message_id: object, text: object
) -> dict:
    """Replace a message's text (its content parts, if any, stay as they are)."""
    text = clean_text(text)
    conversation, message = live_message(db, scope, conversation_id, message_id)
    updated = db.messages.find_one_and_update(
        {"_id": message["_id"], "conversation_id": conversation["_id"]},
        {"$set": _recounted(conversation, message, text)},
        return_document=ReturnDocument.AFTER,
    )
    return still_there(updated)


def still_there(message: dict | None) -> dict:
    """The message an update returned, or ``NotFound`` if it was deleted meanwhile."""
    if message is None:
        raise NotFound("Message not found")
    return message


def edit_part(
    db: Db, scope: Scope, conversation_id: object, message_id: object, index: object, text: object
) -> dict:
    """Replace the text of content part ``index``; the message's text follows its parts.

    The part is written on its own (``content.<index>``, conditional on it still
    being that kind of part), so concurrent edits of two parts both land. The
    message's ``text`` and ``token_count`` are then derived from the parts as
    stored, conditional on the parts not having changed since: when another edit
    changed them meanwhile, that edit's own derivation (which reads after it wrote)
    is the one that lands, so the figures always follow the last edit.
    """
    text = clean_text(text)
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise Invalid("Invalid index")
    conversation, message = live_message(db, scope, conversation_id, message_id)
    kind, edited = _edited_part(message.get("content"), index, text)
    written = db.messages.find_one_and_update(
        {"_id": message["_id"], f"content.{index}.type": kind},
        {"$set": {f"content.{index}": edited}},
        return_document=ReturnDocument.AFTER,
    )
    if written is None:
        live_message(db, scope, conversation_id, message_id)  # NotFound if deleted meanwhile
        raise Conflict("The message changed meanwhile; try again")
    changes = _recounted(conversation, written, messages.text_of(written["content"]))
    derived = db.messages.find_one_and_update(
        {"_id": written["_id"], "content": written["content"]},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    return derived or still_there(db.messages.find_one({"_id": written["_id"]}))


def _edited_part(content: object, index: int, text: str) -> tuple[str, dict]:
    """The kind of part ``index`` and the part with its text replaced."""
    if not isinstance(content, list) or index >= len(content):
        raise Invalid("Invalid index")
    part = content[index]
    kind = part.get("type") if isinstance(part, dict) else None
    if kind not in EDITABLE_PARTS:
        raise Invalid("Cannot update non-text content")
    value = part.get(kind)
    if isinstance(value, dict):  # {"value": …, "annotations": …}: keep the annotations
        return kind, {**part, kind: {**value, "value": text}}
    return kind, {**part, kind: text}


def delete(db: Db, scope: Scope, conversation_id: object, message_id: object) -> dict:
    """Delete one message (its children stay) and take it out of the conversation's figures."""
    conversation, message = live_message(db, scope, conversation_id, message_id)
    removed = db.messages.find_one_and_delete(
        {"_id": message["_id"], "conversation_id": conversation["_id"]}
    )
    if removed is None:  # deleted meanwhile by another request
        raise NotFound("Message not found")
    db.conversations.update_one(
        {"_id": conversation["_id"]},
        {
            "$inc": {
                "message_count": -1,
                "total_input_tokens": -int(removed.get("input_tokens") or 0),
                "total_output_tokens": -int(removed.get("output_tokens") or 0),
                costs.TOTAL: -costs.stored_micro(removed, costs.COST),
            },
            "$set": {"updated_at": utcnow()},
        },
    )
    _replace_latest(db, conversation["_id"], removed["_id"])
    return removed


def _replace_latest(db: Db, conversation_id: str, removed_id: str) -> None:
    """If the removed message was the latest, point at the latest remaining one.

    Conditional on ``latest_message_id`` still naming the removed message: an
    append in between sets it to the new message, which then stays.
    """
    latest = db.messages.find_one({"conversation_id": conversation_id}, sort=[("seq", -1)])
    changes: dict = {"$set": {"latest_message_id": latest["_id"] if latest else None}}
    if latest is None:
        changes["$unset"] = {"last_message_at": ""}  # never a stored null
    else:
        changes["$set"]["last_message_at"] = _last_message_at(db, conversation_id)
    db.conversations.update_one({"_id": conversation_id, "latest_message_id": removed_id}, changes)


def _last_message_at(db: Db, conversation_id: str) -> datetime:
    """The newest ``created_at`` among the conversation's messages (as appends keep it)."""
    rows = db.messages.aggregate(
        [
            {"$match": {"conversation_id": conversation_id}},
            {"$group": {"_id": None, "newest": {"$max": "$created_at"}}},
        ]
    )
    newest: datetime = next(iter(rows))["newest"]
    return newest
