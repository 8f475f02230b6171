"""Search over titles and message text, behind a backend switch.

``words`` (default): a conversation matches when its title, or the text of one of its
messages, holds every word of the query, in any order, ignoring case and accents (words
as ``app.core.words`` splits them; a query with no words matches nothing). It matches
the ``words`` field stored beside each title and text (``app.core.searchable``) with
``$all``, through the scope-and-words indexes, and works the same on mongomock and a
real server; the query is only ever a list of words, so ``.*`` or ``$gt`` are plain text.
``text``: a MongoDB text index (real server only; mongomock has no ``$text``): stemmed
words, a document matching any of them, in MongoDB's ``$search`` syntax.
Pages of matching conversations are ``listing.search_page``; ``message_page``
pages matching messages themselves (LibreChat's message search).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Invalid, Unavailable
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .searchable import FIELD
from .store import Db
from .words import words_of

BACKENDS = ("words", "text")
DEFAULT_BACKEND = "words"
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


def check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise Invalid(f"search backend must be one of {', '.join(BACKENDS)}")


def holding(words: list[str]) -> dict:
    """A filter for documents whose ``words`` hold every one of ``words`` (not empty)."""
    return {FIELD: {"$all": words}}


def conversation_filter(db: Db, scope: Scope, text: object, backend: str = DEFAULT_BACKEND) -> dict:
    """A conversations filter: the title matches, or one of its messages does."""
    return find_matches(db, scope, text, backend).query()


@dataclass
class Matches:
    """Which conversations matched a search, and through which field."""

    text: str
    backend: str
    title_ids: set[str]
    message_ids: set[str]

    def query(self) -> dict:
        """A conversations filter selecting every match."""
        return {"_id": {"$in": sorted(self.title_ids | self.message_ids)}}

    def fields_for(self, conversation: dict) -> list[str]:
        """``title`` and/or ``messages``: where ``conversation`` matched."""
        fields = []
        if conversation["_id"] in self.title_ids:
            fields.append("title")
        if conversation["_id"] in self.message_ids:
            fields.append("messages")
        return fields


def find_matches(db: Db, scope: Scope, text: object, backend: str = DEFAULT_BACKEND) -> Matches:
    """Match ``text`` against titles and message text with the chosen backend."""
    check_backend(backend)
    text = clean_query(text)
    if backend == "text":
        return _text_matches(db, scope, text)
    words = words_of(text)
    if not words:
        return Matches(text, backend, set(), set())
    query = {**scope.query(), **holding(words)}
    found = db.conversations.find(query, {"_id": 1}).limit(MATCHING_CONVERSATIONS_MAX)
    titles = {doc["_id"] for doc in found}
    by_message = db.messages.distinct("conversation_id", query)[:MATCHING_CONVERSATIONS_MAX]
    return Matches(text, backend, titles, set(by_message))


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
    backend: str = DEFAULT_BACKEND,
) -> Page:
    """A keyset page of the caller's messages matching ``text``, newest first, outside
    deleted conversations; each hit carries its conversation's ``title`` and ``endpoint``."""
    check_backend(backend)
    if not 1 <= limit <= MESSAGE_HITS_MAX:
        raise Invalid(f"pageSize must be between 1 and {MESSAGE_HITS_MAX}")
    text = clean_query(text)
    words = words_of(text)
    if backend == "text":
        matching = {"$text": {"$search": text}}
    elif words:
        matching = holding(words)
    else:
        NEWEST_FIRST.after(cursor)  # a bad cursor is refused all the same
        return Page([], None)
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
