"""Feedback on a message: thumbs up or down, a reason tag and an optional comment.

Stored on the message as ``feedback: {rating, tag, text?}`` (LibreChat's minimal
form), so it travels with the message into ``/v1`` reads and exports. Setting
``None`` removes it.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from pymongo import ReturnDocument

from . import message_edits
from .clock import utcnow
from .errors import Invalid
from .scope import Scope
from .store import Db

RATINGS = ("thumbsUp", "thumbsDown")
TAGS = (  # LibreChat's reasons: the first seven go with thumbsDown, the rest with thumbsUp
    "not_matched",
    "inaccurate",
    "bad_style",
    "missing_image",
    "unjustified_refusal",
    "not_helpful",
    "other",
    "accurate_reliable",
    "creative_solution",
    "clear_well_written",
    "attention_to_detail",
)
TEXT_MAX = 1024


class Feedback(TypedDict):
    """A message's stored ``feedback``."""

    rating: str
    tag: str
    text: NotRequired[str]


def clean(feedback: object) -> Feedback | None:
    """``{"rating", "tag", "text"?}`` checked against LibreChat's vocabulary, or ``None``."""
    if feedback is None:
        return None
    if not isinstance(feedback, dict) or set(feedback) - {"rating", "tag", "text"}:
        raise Invalid("Invalid feedback")
    rating, tag, text = feedback.get("rating"), feedback.get("tag"), feedback.get("text")
    if rating not in RATINGS or tag not in TAGS:
        raise Invalid("Invalid feedback")
    if text is None:
        return {"rating": rating, "tag": tag}
    if not isinstance(text, str) or len(text) > TEXT_MAX:
        raise Invalid("Invalid feedback")
    return {"rating": rating, "tag": tag, "text": message_edits.clean_text(text)}


def set_feedback(
    db: Db, scope: Scope, conversation_id: object, message_id: object, feedback: object
) -> dict:
    """Store (or with ``None`` remove) a message's feedback; return the message."""
    feedback = clean(feedback)
    _conversation, message = message_edits.live_message(db, scope, conversation_id, message_id)
    change: dict[str, dict[str, Any]] = {"$set": {"updated_at": utcnow()}}
    if feedback:
        change["$set"]["feedback"] = feedback
    else:
        change["$unset"] = {"feedback": ""}
    updated = db.messages.find_one_and_update(
        {"_id": message["_id"]}, change, return_document=ReturnDocument.AFTER
    )
    return message_edits.still_there(updated)
