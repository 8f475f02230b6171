"""A conversation together with its messages: start one with its first messages, read one.

Both are conversation endpoints that need the message tree, so they sit above
``conversations`` and ``messages`` (which never import this module).
"""

from __future__ import annotations

from typing import Any

from . import conversations, deletion, messages, records
from .clock import ROOT_PARENT_ID, require_id
from .errors import Invalid
from .scope import Scope
from .store import Db

INITIAL_MESSAGES_MAX = 1000


def start(db: Db, scope: Scope, initial: list[messages.NewMessage], **fields: Any) -> dict:
    """Create a conversation (``fields`` as in ``conversations.create``) with its first messages.

    Every message is checked before anything is written; a failure while appending
    erases the half-made conversation, so bad input changes nothing.
    """
    if len(initial) > INITIAL_MESSAGES_MAX:
        raise Invalid(f"at most {INITIAL_MESSAGES_MAX} initial messages")
    _check_initial(initial)
    conversation = conversations.create(db, scope, **fields)
    try:
        for new in initial:
            messages.append(db, scope, conversation["_id"], new)
    except BaseException:
        deletion.hard_delete(db, scope, [conversation["_id"]])
        raise
    return records.get(db, scope, conversation["_id"])


def _check_initial(initial: list[messages.NewMessage]) -> None:
    """Validate a batch; a parent must be an earlier message of the same batch."""
    earlier: set[str] = set()
    for new in initial:
        new.validate()
        parent = new.parent_message_id
        if parent not in (None, ROOT_PARENT_ID) and parent not in earlier:
            raise Invalid("an initial message's parent must be an earlier initial message")
        if new.message_id:
            earlier.add(require_id(new.message_id, "message id"))


def detail(
    db: Db,
    scope: Scope,
    conversation_id: object,
    *,
    include_messages: bool = True,
    thread_only: bool = False,
    limit: int = 100,
    cursor: str | None = None,
    order: str = "asc",
) -> dict:
    """A conversation with a page of its messages, or with its thread (the last ``limit``)."""
    conversation = records.get(db, scope, conversation_id)
    if not include_messages:
        return conversation
    if thread_only:
        path = messages.thread_of(db, conversation)[-limit:]
        return {**conversation, "messages": path, "messages_has_more": False}
    page = messages.page_of(db, conversation, order=order, limit=limit, cursor=cursor)
    return {
        **conversation,
        "messages": page.items,
        "messages_has_more": page.has_more,
        "messages_next_cursor": page.next_cursor,
    }
