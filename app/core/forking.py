"""Fork and duplicate: copy a conversation, or part of its message tree, into a new one.

Fork options follow LibreChat (``api/server/utils/import/fork.js``):

- ``directPath``: the target and its ancestors up to the root (the visible thread);
- ``includeBranches``: that path plus the immediate children of every message on it,
  except the target's own children;
- ``targetLevel`` (also when no option is given): every message, on every branch,
  whose depth is at most the target's.

With ``split_at_target`` the messages shallower than the target are dropped and
those at its depth become roots; the option then applies to ``latest_message_id``.
Unknown options are rejected (LibreChat silently produced an empty fork).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from . import conversations, messages, searchable
from .clock import ROOT_PARENT_ID, new_id, require_id
from .errors import Invalid, NotFound
from .scope import Scope
from .store import Db
from .tree import children_of, depths, path_to

DIRECT_PATH = "directPath"
INCLUDE_BRANCHES = "includeBranches"
TARGET_LEVEL = "targetLevel"
OPTIONS = (DIRECT_PATH, INCLUDE_BRANCHES, TARGET_LEVEL)
SETTINGS_COPIED = ("endpoint", "model", "model_label", "assistant_id", "source", "metadata")
ONE_MS = timedelta(milliseconds=1)


@dataclass
class Copy:
    """The new conversation and its messages, parents first."""

    conversation: dict
    messages: list[dict]


# --- selecting messages (pure functions over message documents) -------------------------


def direct_path(tree: list[dict], target_id: str) -> list[dict]:
    """The target and its ancestors, root first."""
    return path_to({m["_id"]: m for m in tree}, target_id)


def with_branches(tree: list[dict], target_id: str) -> list[dict]:
    """The direct path plus the children of each message on it, but not the target's."""
    on_path = {m["_id"] for m in direct_path(tree, target_id)}
    return [
        m
        for m in tree
        if m["_id"] in on_path
        or (m["parent_message_id"] in on_path and m["parent_message_id"] != target_id)
    ]


def up_to_level(tree: list[dict], target_id: str) -> list[dict]:
    """Every message whose depth is at most the target's."""
    level = depths(tree)
    limit = level[target_id]
    return [m for m in tree if level.get(m["_id"], limit + 1) <= limit]


def split_at(tree: list[dict], target_id: str) -> list[dict]:
    """Drop what is shallower than the target; messages at its depth become roots."""
    level = depths(tree)
    cut = level[target_id]
    kept = [m for m in tree if level.get(m["_id"], -1) >= cut]
    return [
        {**m, "parent_message_id": ROOT_PARENT_ID} if level[m["_id"]] == cut else m for m in kept
    ]


SELECTORS = {DIRECT_PATH: direct_path, INCLUDE_BRANCHES: with_branches, TARGET_LEVEL: up_to_level}


def select(
    tree: list[dict], target_id: str, option: str | None, split: bool, latest_id: str | None
) -> tuple[list[dict], str]:
    """The messages a fork copies and the id its visible thread ends at."""
    option = option or TARGET_LEVEL
    if option not in SELECTORS:
        raise Invalid(f"option must be one of {', '.join(OPTIONS)}")
    known = {m["_id"] for m in tree}
    _require_in(known, target_id)
    if split:
        if not latest_id:
            raise Invalid("latestMessageId is required when splitAtTarget is set")
        _require_in(known, latest_id)
        tree = split_at(tree, target_id)
        if latest_id not in {m["_id"] for m in tree}:
            raise Invalid("latestMessageId must not be shallower than the target message")
        target_id = latest_id
    if target_id not in depths(tree):
        raise Invalid("the target message is not reachable from a root")
    return SELECTORS[option](tree, target_id), target_id


def _require_in(known: set[str], message_id: str) -> None:
    if message_id not in known:
        raise NotFound("Message not found")


# --- copying ----------------------------------------------------------------------------


def parents_first(chosen: list[dict]) -> list[dict]:
    """Order messages so each parent precedes its children; append order otherwise."""
    ids = {m["_id"] for m in chosen}
    waiting = children_of([m for m in chosen if m["parent_message_id"] in ids])
    ready = [_order_key(m) for m in chosen if m["parent_message_id"] not in ids]
    heapq.heapify(ready)
    ordered = []
    while ready:
        message = heapq.heappop(ready)[2]
        ordered.append(message)
        for child in waiting.pop(message["_id"], []):
            heapq.heappush(ready, _order_key(child))
    return ordered


def _order_key(message: dict) -> tuple:
    return (message.get("seq") or 0, message["_id"], message)


def clone_messages(chosen: list[dict], conversation: dict) -> tuple[list[dict], dict[str, str]]:
    """Copies under ``conversation`` with new ids, remapped parents and ordered timestamps.

    Each copy keeps its original time unless that is not after its parent's copy,
    in which case it becomes the parent's time plus one millisecond.
    """
    new_ids: dict[str, str] = {}
    copies: dict[str, dict] = {}
    for seq, original in enumerate(parents_first(chosen), start=1):
        parent = copies.get(original["parent_message_id"])
        created = original["created_at"]
        if parent is not None and created <= parent["created_at"]:
            created = parent["created_at"] + ONE_MS
        copy = {
            **original,
            "_id": new_id(),
            "conversation_id": conversation["_id"],
            "workspace_id": conversation["workspace_id"],
            "user_id": conversation["user_id"],
            "parent_message_id": parent["_id"] if parent else ROOT_PARENT_ID,
            "seq": seq,
            "created_at": created,
            "compacted_by": None,
            **searchable.words_field(original.get("text")),
        }
        new_ids[original["_id"]] = copy["_id"]
        copies[original["_id"]] = copy
    return list(copies.values()), new_ids


def copy_into(
    db: Db, scope: Scope, source: dict, chosen: list[dict], leaf_id: str | None, **overrides: Any
) -> Copy:
    """A new conversation of the caller with ``source``'s title and settings and copies of
    ``chosen`` (fresh ids and timestamps); its latest message is the copy of ``leaf_id``."""
    fields = {name: source.get(name) for name in SETTINGS_COPIED}
    fields.update(
        title=source["title"],
        title_source=source.get("title_source"),
        source=source.get("source") or "api",
        tags=source.get("tags") or [],
        settings=source.get("settings") or {},
    )
    conversation = conversations.create(db, scope, **{**fields, **overrides})
    copies, new_ids = clone_messages(chosen, conversation)
    messages.insert_many(db, conversation, copies)
    latest = new_ids.get(leaf_id) if leaf_id is not None else None
    if latest is not None:
        db.conversations.update_one(
            {"_id": conversation["_id"]}, {"$set": {"latest_message_id": latest}}
        )
    stored = conversations.get(db, scope, conversation["_id"])
    return Copy(conversation=stored, messages=copies)


def _source_and_tree(db: Db, scope: Scope, conversation_id: object) -> tuple[dict, list[dict]]:
    source = conversations.get_live(db, scope, conversation_id)
    return source, messages.list_all(db, scope, source["_id"])


def fork(
    db: Db,
    scope: Scope,
    conversation_id: object,
    message_id: object,
    option: str | None = None,
    split_at_target: bool = False,
    latest_message_id: object = None,
) -> Copy:
    """A new conversation holding the part of the tree ``option`` selects (module doc)."""
    message_id = require_id(message_id, "messageId")
    if latest_message_id is not None:
        latest_message_id = require_id(latest_message_id, "latestMessageId")
    source, tree = _source_and_tree(db, scope, conversation_id)
    chosen, leaf = select(tree, message_id, option, split_at_target, latest_message_id)
    forked_from = {"conversation_id": source["_id"], "message_id": message_id}
    return copy_into(db, scope, source, chosen, leaf, forked_from=forked_from)


def duplicate(db: Db, scope: Scope, conversation_id: object, title: str | None = None) -> Copy:
    """A full copy (every branch) under ``title`` or the original's title."""
    source, tree = _source_and_tree(db, scope, conversation_id)
    forked_from = {"conversation_id": source["_id"], "message_id": None}
    overrides: dict = {"forked_from": forked_from}
    if title is not None:
        overrides.update(title=title, title_source="user")
    return copy_into(db, scope, source, tree, source.get("latest_message_id"), **overrides)
