"""The real server for ops tests: gunicorn with ``gunicorn.conf.py`` on a loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5, headers: dict | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read().decode()


@dataclass
class Server:
    base: str
    port: int
    log: Path  # gunicorn's stderr (the app's JSON log lines)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, attempts: int = 150) -> None:
    for _ in range(attempts):
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace"))
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not come up")


@contextlib.contextmanager
def serve(
    tmp_path: Path, ready_path: str = "/readyz", root: Path = ROOT, **env: str
) -> Iterator[Server]:
    """Run gunicorn with the embedded store (unless ``MONGO_URI`` is given) until the block ends.

    It runs in ``root`` (the checkout unless told) and binds a free loopback port, or
    ``HOST``:``PORT`` when ``PORT`` is given (as a container sets them).
    """
    port = int(env["PORT"]) if "PORT" in env else free_port()
    settings = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "SEED_DEMO_DATA": "false",
        "DATA_DIR": ":memory:",  # unless a test gives one: never the checkout's data/
        "LOG_LEVEL": "WARNING",
        **env,
    }
    if "MONGO_URI" not in env:
        settings.pop("MONGO_URI", None)
    if "PORT" in env:
        settings.pop("BIND")
        if "HOST" not in env:
            settings.pop("HOST", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=root,
            env=settings,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    server = Server(base=f"http://127.0.0.1:{port}", port=port, log=log)
    try:
        _wait_until_up(server.base + ready_path, process, log)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
