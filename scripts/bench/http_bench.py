"""HTTP overhead: the service against a bare Flask app, both under the same gunicorn settings.

    .venv/bin/python scripts/bench/http_bench.py [--requests 300]

Starts ``make run``'s gunicorn (gunicorn.conf.py, embedded store in memory, demo data)
and then a bare Flask app (bare_app.py) that answers the service's own response bytes
for ``GET /v1/conversations?limit=25``, on the same settings; sends the same requests
to each over one keep-alive connection and prints latency percentiles and the ratio:
what the service adds (auth, validation, the store, serialisation) over Flask + gunicorn.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
URL = "/v1/conversations?limit=25"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, port: int, **env: str) -> subprocess.Popen:
    settings = {**os.environ, "BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING", **env}
    settings.pop("MONGO_URI", None)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "--pythonpath", "scripts/bench", target],
        cwd=ROOT,
        env=settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{target} did not start")


def token() -> str:
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.api.auth import mint_token

    with create_app({"TESTING": True, "DATA_DIR": ":memory:"}).app_context():
        return mint_token("alice")


def timings(port: int, headers: dict, requests: int) -> tuple[list[float], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body, spent = b"", []
    for _ in range(requests + 10):  # the first ten warm up
        started = time.perf_counter()
        connection.request("GET", URL, headers=headers)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:200]
        spent.append((time.perf_counter() - started) * 1000)
    connection.close()
    return spent[10:], body


def describe(name: str, spent: list[float]) -> str:
    cuts = statistics.quantiles(spent, n=100)
    return f"{name:34} p50 {cuts[49]:7.2f} ms   p95 {cuts[94]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {token()}"}

    port = free_port()
    service = serve("wsgi:app", port, DATA_DIR=":memory:", SEED_DEMO_DATA="true")
    try:
        served, payload = timings(port, headers, args.requests)
    finally:
        service.terminate()
        service.wait(timeout=30)

    with tempfile.NamedTemporaryFile(suffix=".json") as canned:
        canned.write(payload)
        canned.flush()
        port = free_port()
        bare = serve("bare_app:app", port, BARE_PAYLOAD=canned.name)
        try:
            baseline, _ = timings(port, headers, args.requests)
        finally:
            bare.terminate()
            bare.wait(timeout=30)

    workers = os.environ.get("GUNICORN_WORKERS", "1")
    threads = os.environ.get("GUNICORN_THREADS", "8")
    print(f"GET {URL}: {len(payload)} bytes, gunicorn {workers} worker x {threads} threads")
    print(describe("bare Flask, same payload", baseline))
    print(describe("Colloquy (embedded, demo data)", served))
    ratio = statistics.median(served) / statistics.median(baseline)
    print(f"service / bare Flask (p50): {ratio:.1f}x")


if __name__ == "__main__":
    main()
