"""The append flow: add a message, then run what an append sets off.

The follow-ups, in order: a title while the conversation still has the
default one (``titles.after_append``: the local heuristic inline, or the LLM
through the background runner), then automatic compaction when the
conversation's setting says it is due (``compaction.after_append``, through
the background runner). ``messages.append`` is the bare append, without them.
"""

from __future__ import annotations

from typing import Any

from . import compaction, messages, records, titles, transcripts
from .messages import NewMessage
from .scope import Scope
from .services import Services
from .store import Db


def append(
    db: Db, scope: Scope, conversation_id: object, new: NewMessage, services: Services
) -> dict:
    """Append ``new`` (as ``messages.append``), then run the follow-ups; returns the message."""
    new.validate()
    conversation = records.get_live(db, scope, conversation_id)
    message = messages.append_to(db, scope, conversation, new)
    follow_up(db, scope, conversation, services)
    return message


def start(
    db: Db, scope: Scope, initial: list[NewMessage], services: Services, **fields: Any
) -> dict:
    """Create a conversation with its first messages (as ``transcripts.start``), then run the
    follow-ups once for them all; returns the conversation as they left it."""
    conversation = transcripts.start(db, scope, initial, **fields)
    if not initial:
        return conversation
    follow_up(db, scope, conversation, services)
    return records.get(db, scope, conversation["_id"])


def follow_up(db: Db, scope: Scope, conversation: dict, services: Services) -> None:
    """What appending to ``conversation`` sets off (it reads the id, title source and
    settings of ``conversation``, as read before the append or after a batch)."""
    if conversation.get("title_source") == "default":
        titles.after_append(
            db, scope, conversation["_id"], services.title_llm, services.run_in_background
        )
    compaction.after_append(
        db, scope, conversation, services.summariser, services.run_in_background
    )
