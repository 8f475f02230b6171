"""Work that must not hold up a request (LLM titles, automatic compaction).

A runner takes a job and a name for the logs. ``run_in_background`` starts a
daemon thread; ``run_inline`` runs the job at once, for callers (and tests)
that must not leave work behind::

    services = Services(run_in_background=background.run_inline)
    appending.append(db, scope, conversation_id, new, services)  # follow-ups done on return
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Job = Callable[[], object]  # what it returns is ignored
Runner = Callable[[Job, str], None]


def run_in_background(job: Job, name: str = "background") -> None:
    """Run ``job`` on a daemon thread; an exception is logged, never lost silently."""
    threading.Thread(target=_guarded, args=(job, name), name=name, daemon=True).start()


def run_inline(job: Job, name: str = "inline") -> None:
    """Run ``job`` now, in the caller's thread; an exception is logged as in the background."""
    _guarded(job, name)


def _guarded(job: Job, name: str) -> None:
    try:
        job()
    except Exception:
        log.exception("background job %s failed", name)
