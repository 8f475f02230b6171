"""How long ``gen_title`` may wait for a title, without starving the service.

Waiting holds a request thread, so only titles that can still appear are
waited for, and only by a bounded number of callers at once:

- without an LLM (``LLM_BASE_URL`` unset) titles are written by the append
  itself, so there is nothing to wait for: one look;
- with an LLM, at most ``TITLE_WAITERS_MAX`` calls per process wait through
  ``TITLE_WAIT_SCHEDULE`` at a time; the others look once and answer at once
  (the title, or LibreChat's 404 that its client takes as "no title yet").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

KEY = "librechat_title_waiters"


def install(state) -> None:
    """Blueprint ``record_once`` hook: one waiting-slot semaphore per app."""
    limit = max(0, state.app.config["TITLE_WAITERS_MAX"])
    state.app.extensions[KEY] = threading.BoundedSemaphore(limit) if limit else None


@contextmanager
def wait_schedule() -> Iterator[tuple[float, ...]]:
    """The pauses this call may wait through: the configured ones while it holds one of
    the waiting slots, else none (look once)."""
    config = current_app.config
    slots = current_app.extensions.get(KEY)
    if not config.get("LLM_BASE_URL") or slots is None or not slots.acquire(blocking=False):
        yield ()
        return
    try:
        yield config["TITLE_WAIT_SCHEDULE"]
    finally:
        slots.release()
