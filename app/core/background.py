"""Work that must not hold up a request (LLM titles, automatic compaction).

``run_in_background`` starts a daemon thread; tests replace it with an inline
call (``monkeypatch.setattr(background, "run_in_background", lambda job: job())``)
so they never wait on real time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def run_in_background(job: Callable[[], None], name: str = "background") -> None:
    """Run ``job`` on a daemon thread; an exception is logged, never lost silently."""

    def guarded() -> None:
        try:
            job()
        except Exception:
            log.exception("background job %s failed", name)

    threading.Thread(target=guarded, name=name, daemon=True).start()
