"""Query shapes no index serves on purpose: rules, each with its reason.

A shape the suite issues that no index serves (a scan, or a blocking sort) must
match one of these rules, or the run fails. A rule names the collection, what the
index must at least bound (``prefix``: the leading index keys) and what may be left
to filter on the documents it selects (``residual``).
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_FILTERS = frozenset(
    {"pinned", "tags", "source", "assistant_id", "created_at", "updated_at", "$or"}
)


@dataclass(frozen=True)
class Rule:
    collection: str
    prefix: tuple[str, ...]  # the index keys that must bound the query, in order
    residual: frozenset[str] | None  # what may be filtered; None: anything
    reason: str

    def allows(self, collection: str, prefix: tuple[str, ...], residual: tuple[str, ...]) -> bool:
        return (
            collection == self.collection
            and prefix[: len(self.prefix)] == self.prefix
            and (self.residual is None or set(residual) <= self.residual)
        )

    def describe(self) -> str:
        left = "anything" if self.residual is None else ", ".join(sorted(self.residual))
        return f"{self.collection}: bounded by `{', '.join(self.prefix)}`, filtering {left}"


ALLOWED: tuple[Rule, ...] = (
    Rule(
        "conversations",
        ("workspace_id",),
        LIST_FILTERS,
        "Lists, counts and statistics narrowed by optional filters (pinned, tags, source, "
        "assistant, date ranges, title search) walk the caller's conversations (a user's, "
        "or an admin's workspace) through the scope and status index and filter them; an "
        "index for every combination of filters would tax every write.",
    ),
    Rule(
        "conversations",
        ("_id",),
        None,
        "Search results: the conversations a search matched (their ids, at most two caps of "
        "matches) are fetched by `_id`, filtered by the list filters and sorted in memory.",
    ),
    Rule(
        "messages",
        ("workspace_id", "words"),
        frozenset({"conversation_id", "$or"}),
        "Message search hits: the index bounds the caller's messages holding the query's "
        "words, newest first; those of deleted conversations (`conversation_id` not among "
        "them) and those before the keyset position are filtered out of that walk.",
    ),
    *(
        Rule(
            collection,
            ("_id",),
            frozenset({"words"}),
            f"The one-off backfill of `words` walks the {collection} in `_id` order, in "
            "batches, once per store (it records that it finished).",
        )
        for collection in ("messages", "conversations")
    ),
    Rule(
        "messages",
        ("conversation_id",),
        None,
        "Bounded by one conversation's (or the listed conversations') messages: finding the "
        "first message of a role, marking a compacted range, erasing them.",
    ),
    Rule(
        "summaries",
        ("conversation_id",),
        None,
        "Bounded by one conversation's (or the listed conversations') summaries.",
    ),
    *(
        Rule(
            collection,
            ("workspace_id", "user_id", "conversation_id"),
            frozenset({"import_batch"}),
            f"Rolling back an import part-way: the listed conversations' {collection} "
            "that carry the batch id.",
        )
        for collection in ("messages", "summaries")
    ),
    Rule(
        "idempotency_keys",
        ("workspace_id",),
        None,
        "Idempotency records live one day (TTL index): releasing or erasing them reads a "
        "handful of records.",
    ),
    Rule(
        "shares",
        ("share_id",),
        frozenset({"is_public", "user_id", "workspace_id"}),
        "`share_id` is unique: at most one link is left to filter.",
    ),
    Rule(
        "shares",
        ("workspace_id", "user_id"),
        None,
        "A user's shared links (a few per conversation shared): finding a conversation's "
        "link and listing the links of the conversations a title search matched.",
    ),
    Rule(
        "tags",
        ("workspace_id", "user_id"),
        None,
        "A user's tag documents (tens): shifting positions after a move or a delete.",
    ),
)


def reason_for(collection: str, prefix, residual) -> str | None:
    """Why a shape no index serves is fine, or ``None``."""
    for rule in ALLOWED:
        if rule.allows(collection, tuple(prefix), tuple(residual)):
            return rule.reason
    return None
