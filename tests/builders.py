"""Conversations and chats built through the core, for tests that need a few in place."""

from __future__ import annotations

from datetime import timedelta

from app.core import conversations, messages
from app.core.clock import utcnow


def chat(db, scope, n, **options):
    """A conversation with ``n`` chained messages ``m0``..``m{n-1}``; returns it and the ids."""
    conv = conversations.create(db, scope, **options)
    ids = [
        messages.append(db, scope, conv["_id"], messages.NewMessage(role="user", text=f"m{i}"))[
            "_id"
        ]
        for i in range(n)
    ]
    return conv, ids


def titled(db, scope, *titles, **options):
    """Conversations with these titles, created a minute apart (oldest first)."""
    base = utcnow() - timedelta(days=1)
    return [
        conversations.create(db, scope, title=t, created_at=base + timedelta(minutes=i), **options)[
            "_id"
        ]
        for i, t in enumerate(titles)
    ]


def ids_of(items):
    return [m["_id"] for m in items]
