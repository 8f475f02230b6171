"""Search over titles and message text, behind a backend switch.

``regex`` (default): an escaped, case-insensitive regular expression over
conversation titles and message text. Works the same on mongomock and a real
server; user input is always escaped, so ``.*`` or ``$gt`` are plain text.
``text``: a MongoDB text index (real server only; mongomock has no ``$text``).
Pages of matching conversations are ``listing.search_page``; ``message_page``
pages matching messages themselves (LibreChat's message search).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Invalid, Unavailable
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .store import Db

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


def conversations_with_matching_messages(db: Db, scope: Scope, text: str) -> list[str]:
    """Ids of conversations in scope whose message text contains ``text``."""
    query = {**scope.query(), "text": pattern(clean_query(text))}
    ids = db.messages.distinct("conversation_id", query)
    return ids[:MATCHING_CONVERSATIONS_MAX]


def conversation_filter(db: Db, scope: Scope, text: str) -> dict:
    """A conversations filter: title matches, or any of its messages matches."""
    text = clean_query(text)
    by_message = conversations_with_matching_messages(db, scope, text)
    return {"$or": [{"title": pattern(text)}, {"_id": {"$in": by_message}}]}


@dataclass
class Matches:
    """Which conversations matched a search, and through which field."""

    text: str
    backend: str
    title_ids: set[str] | None  # None: titles are matched by the regex in ``query``
    message_ids: set[str]

    def query(self) -> dict:
        """A conversations filter selecting every match."""
        if self.title_ids is None:
            return {
                "$or": [{"title": pattern(self.text)}, {"_id": {"$in": sorted(self.message_ids)}}]
            }
        return {"_id": {"$in": sorted(self.title_ids | self.message_ids)}}

    def fields_for(self, conversation: dict) -> list[str]:
        """``title`` and/or ``messages``: where ``conversation`` matched."""
        fields = []
        if self._title_matches(conversation):
            fields.append("title")
        if conversation["_id"] in self.message_ids:
            fields.append("messages")
        return fields

    def _title_matches(self, conversation: dict) -> bool:
        if self.title_ids is not None:
            return conversation["_id"] in self.title_ids
        return re.search(re.escape(self.text), conversation.get("title") or "", re.I) is not None


def find_matches(db: Db, scope: Scope, text: object, backend: str = "regex") -> Matches:
    """Match ``text`` against titles and message text with the chosen backend."""
    if backend not in BACKENDS:
        raise Invalid(f"search backend must be one of {', '.join(BACKENDS)}")
    text = clean_query(text)
    if backend == "regex":
        return Matches(
            text, backend, None, set(conversations_with_matching_messages(db, scope, text))
        )
    return _text_matches(db, scope, text)


def _text_matches(db: Db, scope: Scope, text: str) -> Matches:
    """The ``text`` backend: MongoDB text indexes (word stems, not substrings)."""
    search = {**scope.query(), "$text": {"$search": text}}
    by_conversation: list[dict] = [
        {"$match": search},
        {"$group": {"_id": "$conversation_id"}},
        {"$limit": MATCHING_CONVERSATIONS_MAX},
    ]
    try:
        found = db.conversations.find(search, {"_id": 1}).limit(MATCHING_CONVERSATIONS_MAX)
        titles = [doc["_id"] for doc in found]
        by_message = [row["_id"] for row in db.messages.aggregate(by_conversation)]
    except NotImplementedError as exc:  # mongomock has no $text
        raise Unavailable("the text search backend needs a MongoDB server") from exc
    return Matches(text, "text", set(titles), set(by_message))


MESSAGE_HITS_MAX = 100
NEWEST_FIRST = Sort("created_at", "desc")


def message_page(
    db: Db,
    scope: Scope,
    text: object,
    *,
    limit: int = 25,
    cursor: str | None = None,
    backend: str = "regex",
) -> Page:
    """A keyset page of the caller's messages matching ``text``, newest first, outside
    deleted conversations; each hit carries its conversation's ``title`` and ``endpoint``."""
    if backend not in BACKENDS:
        raise Invalid(f"search backend must be one of {', '.join(BACKENDS)}")
    if not 1 <= limit <= MESSAGE_HITS_MAX:
        raise Invalid(f"pageSize must be between 1 and {MESSAGE_HITS_MAX}")
    text = clean_query(text)
    matching = {"text": pattern(text)} if backend == "regex" else {"$text": {"$search": text}}
    deleted = db.conversations.distinct("_id", {**scope.query(), "status": "deleted"})
    query = {**scope.query(), **matching, "conversation_id": {"$nin": deleted}}
    try:
        page = fetch_page(db.messages, query, NEWEST_FIRST, limit, cursor)
    except NotImplementedError as exc:  # mongomock has no $text
        raise Unavailable("the text search backend needs a MongoDB server") from exc
    page.items = _with_conversations(db, scope, page.items)
    return page


def _with_conversations(db: Db, scope: Scope, hits: list[dict]) -> list[dict]:
    ids = list({hit["conversation_id"] for hit in hits})
    found = db.conversations.find(
        {**scope.query(), "_id": {"$in": ids}}, {"title": 1, "endpoint": 1}
    )
    by_id = {c["_id"]: c for c in found}
    return [
        {
            **hit,
            "title": by_id[hit["conversation_id"]].get("title"),
            "endpoint": by_id[hit["conversation_id"]].get("endpoint"),
        }
        for hit in hits
        if hit["conversation_id"] in by_id
    ]
