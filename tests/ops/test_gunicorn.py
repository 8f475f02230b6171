"""The real server: gunicorn with two workers, metrics merged across them."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


def start_gunicorn(port: int, **settings: str) -> subprocess.Popen:
    """``make run``'s server on ``port`` with ``settings`` as environment, once it is ready."""
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING", **settings}
    env.pop("MONGO_URI", None)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_up(f"http://127.0.0.1:{port}/readyz", process)  # not /healthz: it is counted
    return process


@pytest.fixture
def two_workers(tmp_path):
    port = free_port()
    process = start_gunicorn(
        port,
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        SEED_DEMO_DATA="false",
        DATA_DIR=":memory:",  # two embedded workers cannot share one data directory
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_metrics_add_up_across_workers(two_workers):
    for _ in range(30):
        get(two_workers + "/healthz")
    line = 'colloquy_http_requests_total{method="GET",route="/healthz",status="200"}'
    for _ in range(4):  # whichever worker answers, the total is the same
        metrics = get(two_workers + "/metrics")
        counted = [row for row in metrics.splitlines() if row.startswith(line)]
        assert counted and float(counted[0].split()[-1]) == 30.0
