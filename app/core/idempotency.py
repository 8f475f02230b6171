"""Idempotent appends: a retry carrying the same ``Idempotency-Key`` gets the first result.

The first request with a key reserves it by inserting a record whose unique
index is (workspace, user, conversation, key); the append then runs and the
record is completed with the message id. A retry, or a concurrent duplicate,
hits the unique index instead of appending: it waits (briefly, configurable)
for the first request to finish and returns the same message. If the first
request fails, it releases the key so a retry can append. Records expire after
a day (TTL index), as with most payment-style APIs.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict

from pymongo.errors import DuplicateKeyError

from . import appending, conversations, messages
from .clock import utcnow
from .errors import Conflict, Invalid
from .scope import Scope
from .services import Services
from .store import Db

KEY_MAX = 255
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
RESERVE_ATTEMPTS = 3


def clean_key(key: object) -> str:
    """A printable key of at most ``KEY_MAX`` characters, or ``Invalid``."""
    if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX:
        raise Invalid(f"Idempotency-Key must be 1-{KEY_MAX} characters")
    if not key.isprintable():
        raise Invalid("Idempotency-Key must be printable text")
    return key.strip()


def fingerprint(new: messages.NewMessage) -> str:
    """A digest of the request, so a key reused for a different message is refused."""
    raw = json.dumps(asdict(new), sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


def append_once(
    db: Db,
    scope: Scope,
    conversation_id: object,
    new: messages.NewMessage,
    services: Services,
    key: str | None,
    *,
    wait_seconds: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict, bool]:
    """Append ``new`` (the append flow, ``appending.append``) unless ``key`` was already
    used; return (message, replayed)."""
    if key is None:
        return appending.append(db, scope, conversation_id, new, services), False
    new.validate()
    conversation = conversations.get_live(db, scope, conversation_id)
    record = {
        "workspace_id": scope.workspace_id,
        "user_id": scope.actor_id,
        "conversation_id": conversation["_id"],
        "key": clean_key(key),
    }
    digest = fingerprint(new)
    for _ in range(RESERVE_ATTEMPTS):
        if _reserve(db, record, digest):
            appended = _append_reserved(db, scope, conversation["_id"], new, services, record)
            return appended, False
        replay = _await_first(db, scope, record, digest, wait_seconds, sleep)
        if replay is not None:
            return replay, True
    raise Conflict("Idempotency-Key is contended; retry later")


def _reserve(db: Db, record: dict, digest: str) -> bool:
    try:
        db.idempotency_keys.insert_one(
            {**record, "fingerprint": digest, "message_id": None, "created_at": utcnow()}
        )
    except DuplicateKeyError:
        return False
    return True


def _append_reserved(
    db: Db,
    scope: Scope,
    conversation_id: object,
    new: messages.NewMessage,
    services: Services,
    record: dict,
) -> dict:
    try:
        message = appending.append(db, scope, conversation_id, new, services)
    except BaseException:
        db.idempotency_keys.delete_one({**record, "message_id": None})
        raise
    db.idempotency_keys.update_one(record, {"$set": {"message_id": message["_id"]}})
    return message


def _await_first(
    db: Db,
    scope: Scope,
    record: dict,
    digest: str,
    wait_seconds: float,
    sleep: Callable[[float], object],
) -> dict | None:
    """The first request's message once it is done; ``None`` if it gave the key back."""
    deadline = time.monotonic() + wait_seconds
    while True:
        first = db.idempotency_keys.find_one(record)
        if first is None:
            return None
        if first["fingerprint"] != digest:
            raise Conflict("Idempotency-Key was already used for a different message")
        if first["message_id"] is not None:
            return messages.get(db, scope, record["conversation_id"], first["message_id"])
        if time.monotonic() >= deadline:
            raise Conflict("A request with this Idempotency-Key is still in progress")
        sleep(POLL_SECONDS)
