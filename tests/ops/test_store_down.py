"""The real server with its store down: 40 callers cost one slow call per thread, not 40."""

import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import jwt as pyjwt
import pytest

from tests.ops.server import get, serve

SECRET = "ops-test-secret-of-at-least-thirty-two-bytes"
THREADS = 8


@pytest.fixture
def store_down(tmp_path):
    env = {
        "MONGO_URI": "mongodb://127.0.0.1:1",
        "JWT_SECRET_KEY": SECRET,
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": str(THREADS),
    }
    with serve(tmp_path, ready_path="/healthz", **env) as server:
        yield server


def status_of(url: str, headers: dict) -> int:
    try:
        get(url, timeout=60, headers=headers)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def test_forty_callers_and_healthz_with_the_store_down(store_down):
    token = pyjwt.encode({"sub": "alice", "exp": int(time.time()) + 600}, SECRET, "HS256")
    headers = {"Authorization": f"Bearer {token}"}
    url = store_down.base + "/v1/conversations"
    with ThreadPoolExecutor(max_workers=40) as pool:
        calls = [pool.submit(status_of, url, headers) for _ in range(40)]
        assert get(store_down.base + "/healthz", timeout=10) == '{"status":"ok"}\n'
        statuses = [call.result() for call in calls]
    assert statuses == [503] * 40
    slow = store_down.log_text().count('"message": "store unreachable: ')
    assert 1 <= slow <= THREADS  # the first wave found the store down; the rest were told at once
