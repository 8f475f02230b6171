"""The indexes every query relies on: one table, created at start and audited by the tests.

The test suite checks every query's filter and sort against ``DECLARED`` (``tests/shapes``)
and ``docs/indexes.md`` is generated from it, so an index's ``serves`` text says which
queries would scan without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel

from .core.store import Db


@dataclass(frozen=True)
class Index:
    """A declared index: its keys, its name, and the queries it serves (for docs/indexes.md)."""

    keys: tuple[tuple[str, int | str], ...]
    name: str
    serves: str
    options: dict = field(default_factory=dict)

    def model(self) -> IndexModel:
        return IndexModel(list(self.keys), name=self.name, **self.options)


def _index(*keys: tuple[str, int | str], name: str, serves: str, **options: object) -> Index:
    return Index(tuple(keys), name, serves, options)


def _scoped(*keys: tuple[str, int], name: str, serves: str, **options: object) -> Index:
    """An index led by the scope fields, then ``keys`` (equality, then sort, then _id)."""
    return _index(
        ("workspace_id", ASCENDING),
        ("user_id", ASCENDING),
        *keys,
        name=name,
        serves=serves,
        **options,
    )


def _batch_index() -> Index:
    """Only documents written by an import carry ``import_batch``; only they are indexed."""
    return _scoped(
        ("import_batch", ASCENDING),
        name="scope_import_batch",
        partialFilterExpression={"import_batch": {"$exists": True}},
        serves="rolling back a failed import: everything its batch wrote",
    )


DECLARED: dict[str, list[Index]] = {
    "conversations": [
        _scoped(
            ("status", ASCENDING),
            ("updated_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_status_updated",
            serves="a user's list sorted by `updated_at` with a status filter; keyset cursor "
            "on `(updated_at, _id)`",
        ),
        _scoped(
            ("status", ASCENDING),
            ("created_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_status_created",
            serves="the same sorted by `created_at`; stats over a creation-date range",
        ),
        _scoped(
            ("status", ASCENDING),
            ("title", ASCENDING),
            ("_id", ASCENDING),
            name="scope_status_title",
            serves="the same sorted by `title`",
        ),
        _scoped(
            ("status", ASCENDING),
            ("archived_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_status_archived",
            serves="a user's list by status sorted by `archived_at` (LibreChat's archived list)",
        ),
        _scoped(
            ("tags", ASCENDING),
            ("status", ASCENDING),
            name="scope_tags",
            serves="tag filter; tag counts (the user's tags by `distinct`, then a count per tag "
            "of the conversations not deleted)",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("status", ASCENDING),
            ("updated_at", DESCENDING),
            ("_id", DESCENDING),
            name="workspace_updated",
            serves="admin lists and stats across every user of a workspace",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("words", ASCENDING),
            ("user_id", ASCENDING),
            name="workspace_words_user",
            serves="word search over titles (`words` holds every query word: `$all`), a "
            "user's or, without `user_id`, an admin's across the workspace",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("title", TEXT),
            name="workspace_title_text",
            serves="`SEARCH_BACKEND=text`: word search over titles (the `workspace_id` prefix "
            "keeps each search inside one workspace)",
        ),
        _scoped(
            ("_id", ASCENDING),
            name="scope_id",
            serves="a user's GDPR export, streamed in `_id` order",
        ),
        _scoped(
            ("import_source.format", ASCENDING),
            ("import_source.id", ASCENDING),
            name="scope_import_source",
            serves="import: skip a conversation this user imported before",
        ),
        _batch_index(),
    ],
    "messages": [
        _index(
            ("conversation_id", ASCENDING),
            ("seq", ASCENDING),
            ("_id", ASCENDING),
            name="conversation_seq_id",
            serves="a conversation's messages in append order; message pages (keyset cursor "
            "on `(seq, _id)`); thread walks; fork and duplicate reads; the first exchange for a "
            "generated title",
        ),
        _index(
            ("conversation_id", ASCENDING),
            ("parent_message_id", ASCENDING),
            name="conversation_parent",
            serves="children of a message (forks, tree walks)",
        ),
        _scoped(
            ("conversation_id", ASCENDING),
            ("seq", ASCENDING),
            name="scope_conversation_seq",
            serves="a user's export (one cursor over every message, by conversation then "
            "order); erasing conversations' messages; a user's messages (activity by day, GDPR "
            "erasure)",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("words", ASCENDING),
            ("user_id", ASCENDING),
            ("created_at", DESCENDING),
            ("_id", DESCENDING),
            name="workspace_words_user_created",
            serves="word search over message text: the conversations whose messages hold every "
            "query word (a user's, or an admin's across the workspace); message hits newest "
            "first (keyset cursor on `(created_at, _id)`)",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("text", TEXT),
            name="workspace_text_text",
            serves="`SEARCH_BACKEND=text`: word search over message text",
        ),
        _batch_index(),
    ],
    "summaries": [
        _index(
            ("conversation_id", ASCENDING),
            ("created_at", ASCENDING),
            ("_id", ASCENDING),
            name="conversation_created_id",
            serves="a conversation's summaries in order (exports)",
        ),
        _scoped(
            ("conversation_id", ASCENDING),
            ("created_at", ASCENDING),
            ("_id", ASCENDING),
            name="scope_conversation_created",
            serves="a user's export (one cursor over every summary, by conversation then "
            "order); erasing conversations' summaries; GDPR erasure",
        ),
        _batch_index(),
        _index(
            ("conversation_id", ASCENDING),
            ("number", ASCENDING),
            name="conversation_number",
            serves="summaries in compaction order and the latest one (compact, context, "
            "`/summaries`)",
        ),
    ],
    "idempotency_keys": [
        _scoped(
            ("conversation_id", ASCENDING),
            ("key", ASCENDING),
            name="scope_key_unique",
            unique=True,
            serves="one record per `Idempotency-Key`: a retried or concurrent duplicate append "
            "hits it instead of appending",
        ),
        _index(
            ("created_at", ASCENDING),
            name="created_ttl",
            expireAfterSeconds=86_400,
            serves="keys are forgotten after a day (TTL)",
        ),
    ],
    "shares": [
        _index(
            ("share_id", ASCENDING),
            name="share_id_unique",
            unique=True,
            serves="the public read of a shared link",
        ),
        _scoped(
            ("conversation_id", ASCENDING),
            ("target_message_id", ASCENDING),
            name="scope_conversation_target_unique",
            unique=True,
            serves="one share per conversation and target message; a conversation's link",
        ),
        _scoped(
            ("is_public", ASCENDING),
            ("created_at", DESCENDING),
            ("_id", DESCENDING),
            name="scope_public_created",
            serves="a user's links newest first (keyset pages)",
        ),
        _scoped(
            ("is_public", ASCENDING),
            ("title", ASCENDING),
            ("_id", ASCENDING),
            name="scope_public_title",
            serves="a user's links sorted by title (keyset pages)",
        ),
        _index(
            ("workspace_id", ASCENDING),
            ("conversation_id", ASCENDING),
            name="workspace_conversation",
            serves="erasing the links of erased conversations (an admin erases workspace-wide)",
        ),
    ],
    "tags": [
        _scoped(
            ("tag", ASCENDING),
            name="scope_tag_unique",
            unique=True,
            serves="one tag document per user and name; tag rename / delete / lookup",
        ),
        _scoped(
            ("position", ASCENDING),
            ("tag", ASCENDING),
            name="scope_position_tag",
            serves="a user's tags in their chosen order (then by name); shifting positions",
        ),
        _batch_index(),
    ],
}

INDEXES: dict[str, list[IndexModel]] = {
    collection: [index.model() for index in declared] for collection, declared in DECLARED.items()
}


def ensure_indexes(db: Db) -> list[str]:
    """Create every declared index; safe to run any number of times."""
    created = []
    for collection, models in INDEXES.items():
        created.extend(db[collection].create_indexes(models))
    return created
