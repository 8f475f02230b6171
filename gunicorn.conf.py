"""Gunicorn settings, from the environment.

Embedded store (MONGO_URI unset or mongomock://): one process with threads,
because the store lives in that process, listening on 127.0.0.1 only (a development
store holding someone's history; ``BIND`` or ``HOST`` open it wider). Real store: every
address, several workers, each with threads, and Prometheus metrics merged across them.
This file must not import the app at its top: metrics have to be set up per worker
(``post_worker_init`` runs once the worker has loaded it).
A ``.env`` file in the working directory is read first (set variables win), as in wsgi.py.
"""

import multiprocessing
import os
import sys
import tempfile

from dotenv import find_dotenv, load_dotenv

load_dotenv(find_dotenv(usecwd=True))

_uri = os.environ.get("MONGO_URI", "")
embedded = _uri == "" or _uri.startswith("mongomock://")

_host = os.environ.get("HOST") or ("127.0.0.1" if embedded else "0.0.0.0")  # empty = unset
bind = os.environ.get("BIND") or f"{_host}:{os.environ.get('PORT') or '8000'}"
# gthread, reading each request in its event loop first: slow clients hold no thread
worker_class = "buffering_worker.BufferingThreadWorker"
workers = int(
    os.environ.get("GUNICORN_WORKERS", 1 if embedded else multiprocessing.cpu_count() * 2 + 1)
)
threads = int(os.environ.get("GUNICORN_THREADS", 8 if embedded else 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # gen_title may wait ~15.5 s
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app logs one JSON line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

if embedded and workers > 1:
    print(
        f"warning: GUNICORN_WORKERS={workers} with the embedded store: one worker owns its "
        "data and the others answer 503 (with DATA_DIR=:memory: each has its own); "
        "use a real MONGO_URI for several workers.",
        file=sys.stderr,
    )

if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="colloquy-metrics-")


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the merged metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The worker has loaded the app: prepare the store; the first worker prints the banner."""
    from app.startup import on_server_start

    on_server_start(worker.wsgi, url=str(worker.sockets[0]), first=worker.age == 1)
