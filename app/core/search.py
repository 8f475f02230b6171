"""Search over titles and message text, behind a backend switch.

``regex`` (default): an escaped, case-insensitive regular expression over
conversation titles and message text. Works the same on mongomock and a real
server; user input is always escaped, so ``.*`` or ``$gt`` are plain text.
``text``: a MongoDB text index (real server only; mongomock has no ``$text``).
"""

from __future__ import annotations

import re

from .errors import Invalid
from .scope import Scope

BACKENDS = ("regex", "text")
QUERY_MAX = 200
MATCHING_CONVERSATIONS_MAX = 5000


def clean_query(text: object) -> str:
    """A trimmed search string of sensible length, or ``Invalid``."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid("search text must be a non-empty string")
    text = text.strip()
    if len(text) > QUERY_MAX:
        raise Invalid(f"search text is at most {QUERY_MAX} characters")
    return text


def pattern(text: str) -> dict:
    """A case-insensitive ``$regex`` that matches ``text`` literally."""
    return {"$regex": re.escape(text), "$options": "i"}


def conversations_with_matching_messages(db, scope: Scope, text: str) -> list[str]:
    """Ids of conversations in scope whose message text contains ``text``."""
    query = {**scope.query(), "text": pattern(clean_query(text))}
    ids = db.messages.distinct("conversation_id", query)
    return ids[:MATCHING_CONVERSATIONS_MAX]


def conversation_filter(db, scope: Scope, text: str) -> dict:
    """A conversations filter: title matches, or any of its messages matches."""
    text = clean_query(text)
    by_message = conversations_with_matching_messages(db, scope, text)
    return {"$or": [{"title": pattern(text)}, {"_id": {"$in": by_message}}]}
