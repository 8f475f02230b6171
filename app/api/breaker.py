"""The store breaker: once the store is known down, data routes fail fast.

An unreachable store costs each request the server-selection timeout (~2 s),
so a crowd of callers would hold every thread and queue ``/healthz`` behind
them. After a connection failure the breaker opens for
``STORE_BREAKER_SECONDS``: data routes answer 503 at once, with
``Retry-After``. When the window ends, one request probes the store with a
ping: if it answers the breaker closes, else it opens for another window.
Public routes (health, readiness, metrics, docs) never pass through it.
"""

from __future__ import annotations

import enum
import math
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask, current_app, request
from pymongo.errors import ConnectionFailure, PyMongoError

from ..extensions import mongo
from .errors import Problem, handle_store_error, respond

EXTENSION = "colloquy_store_breaker"
UNAVAILABLE = "The database is unavailable, retry later"


class Verdict(enum.Enum):
    PASS = "pass"  # the store is believed up
    PROBE = "probe"  # the window is over: this caller checks the store
    REFUSE = "refuse"  # the store is known down: answer 503 now


class Breaker:
    """Open for ``seconds`` after each failure; then one probe at a time until a success.

    A probe takes the next window for itself, so one that never reports back
    frees the slot for another probe when that window ends. ``seconds <= 0``
    never opens.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None

    def admit(self) -> Verdict:
        with self._lock:
            now = self._clock()
            if self._open_until is None:
                return Verdict.PASS
            if now < self._open_until:
                return Verdict.REFUSE
            self._open_until = now + self.seconds
            return Verdict.PROBE

    def record_failure(self) -> None:
        if self.seconds > 0:
            with self._lock:
                self._open_until = self._clock() + self.seconds

    def record_success(self) -> None:
        with self._lock:
            self._open_until = None

    def retry_after(self) -> int:
        """Whole seconds until the next probe (at least 1)."""
        with self._lock:
            left = (self._open_until or 0) - self._clock()
        return max(1, math.ceil(left))


def init_app(app: Flask, gated: Iterable[str]) -> None:
    """Put the breaker in front of the blueprints named in ``gated`` (the data routes)."""
    app.extensions[EXTENSION] = Breaker(app.config["STORE_BREAKER_SECONDS"])
    names = frozenset(gated)
    app.before_request(lambda: _gate() if _reads_store(names) else None)
    app.register_error_handler(ConnectionFailure, _store_unreachable)


def _reads_store(gated: frozenset[str]) -> bool:
    """A request to a gated blueprint, other than a CORS preflight (which never reads the
    store, and which a browser must see answered 2xx to show the page the real answer)."""
    return request.blueprint in gated and request.method != "OPTIONS"


def _breaker() -> Breaker:
    return current_app.extensions[EXTENSION]


def _unavailable(breaker: Breaker):
    return respond(Problem(503, "unavailable", UNAVAILABLE, headers=_retry(breaker)))


def _retry(breaker: Breaker) -> dict:
    return {"Retry-After": str(breaker.retry_after())}


def _gate():
    breaker = _breaker()
    verdict = breaker.admit()
    if verdict is Verdict.PASS:
        return None
    if verdict is Verdict.PROBE:
        try:
            mongo.ping()
        except PyMongoError:
            breaker.record_failure()
            return _unavailable(breaker)
        breaker.record_success()
        return None
    return _unavailable(breaker)


def _store_unreachable(error: ConnectionFailure):
    """A request found the store down: open the breaker, answer 503 as usual."""
    breaker = _breaker()
    breaker.record_failure()
    response = handle_store_error(error)
    response.headers.update(_retry(breaker))
    return response
