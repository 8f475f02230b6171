"""The embedded default through a real gunicorn start: this machine only, its own secret."""

from __future__ import annotations

import os
import re
import runpy
import stat
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import jwt as pyjwt
import pytest

from app.embedded_secret import SECRET_FILE
from tests.ops.server import ROOT, free_port, get, serve

COLLOQUY = Path(sys.executable).with_name("colloquy")
# The development secret the embedded store once used, published in the source.
PUBLISHED_SECRET = "colloquy-embedded-dev-secret-not-for-production"
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel lists them) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == LISTEN:
                found.add(address)
    return found


def status(url: str, token: str) -> int:
    try:
        get(url, headers={"Authorization": f"Bearer {token}"})
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def signed(secret: str) -> str:
    return pyjwt.encode({"sub": "alice", "exp": int(time.time()) + 600}, secret, "HS256")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """gunicorn as ``make run`` starts it: no BIND, no HOST, no secret; data in a temp dir."""
    tmp = tmp_path_factory.mktemp("embedded")
    data = tmp / "data"
    port = str(free_port())
    with serve(tmp, PORT=port, DATA_DIR=str(data), LOG_LEVEL="INFO") as server:
        yield server, data


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_the_loopback_address_only(embedded):
    server, _ = embedded
    assert listening_addresses(server.port) == {LOOPBACK_HEX}
    assert f"Listening at: http://127.0.0.1:{server.port}" in server.log_text()


def test_it_signs_with_a_random_secret_kept_private_in_its_data(embedded):
    server, data = embedded
    path = data / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    url = server.base + "/v1/conversations"
    assert status(url, signed(path.read_text().strip())) == 200
    assert status(url, signed(PUBLISHED_SECRET)) == 401


def test_the_cli_mints_tokens_it_accepts_while_it_runs(embedded, tmp_path):
    server, data = embedded
    env = {**os.environ, "DATA_DIR": str(data)}
    env.pop("MONGO_URI", None)
    done = subprocess.run(
        [str(COLLOQUY), "create-token", "alice"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert len(done.stdout.splitlines()) == 1 and "Colloquy is up" not in done.stderr
    assert status(server.base + "/v1/conversations", token) == 200


def test_the_banner_gives_the_docs_url_and_a_working_curl(embedded):
    server, _ = embedded
    log = server.log_text()
    assert f"API docs (Swagger UI) at http://127.0.0.1:{server.port}/docs" in log
    curl = re.search(r'curl -H "Authorization: Bearer (\S+)" "(\S+)"', log)
    assert curl and curl[2] == f"http://127.0.0.1:{server.port}/v1/conversations?limit=5"
    assert status(curl[2], curl[1]) == 200


def bind_for(**env: str) -> str:
    names = ("BIND", "HOST", "PORT", "MONGO_URI", "GUNICORN_WORKERS", "PROMETHEUS_MULTIPROC_DIR")
    saved = {name: os.environ.pop(name, None) for name in names}
    try:
        os.environ.update({"GUNICORN_WORKERS": "1", **env})  # one: no metrics directory made
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"]
    finally:
        for name in names:
            os.environ.pop(name, None)
            if saved[name] is not None:
                os.environ[name] = saved[name]


def test_only_a_real_store_listens_on_every_address_by_default():
    assert bind_for() == "127.0.0.1:8000"
    assert bind_for(MONGO_URI="mongomock://localhost", PORT="9000") == "127.0.0.1:9000"
    assert bind_for(MONGO_URI="mongodb://db") == "0.0.0.0:8000"
    assert bind_for(HOST="0.0.0.0") == "0.0.0.0:8000"
    assert bind_for(HOST="", BIND="", PORT="") == "127.0.0.1:8000"  # empty counts as unset
    assert bind_for(BIND="unix:/tmp/colloquy.sock") == "unix:/tmp/colloquy.sock"
