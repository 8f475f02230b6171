"""A real gunicorn server on loopback, started from gunicorn.conf.py as in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_until_up(url: str, process: subprocess.Popen, attempts: int = 100) -> None:
    for _ in range(attempts):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not come up")


@contextmanager
def gunicorn(**settings: str) -> Iterator[str]:
    """Run the app on the embedded store with these environment settings; yield its URL."""
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "SEED_DEMO_DATA": "false",
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    env.pop("MONGO_URI", None)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/readyz", process)  # not /healthz: that one is counted
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
