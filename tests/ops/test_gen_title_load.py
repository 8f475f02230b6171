"""gen_title under load on the embedded default (gunicorn, one worker of 8 threads).

Fifty callers ask for a title that has not appeared yet, with an LLM configured so
waiting is allowed. Only ``TITLE_WAITERS_MAX`` of them may hold a thread while they
wait; everyone else (and ``/healthz``) is answered while those still wait. The
waiters finish only when the test gives the conversation a title, so nothing here
depends on how long anything takes.
"""

import json
import threading
import time
import urllib.error
import urllib.request

import jwt as pyjwt
import pytest

from tests.conftest import TEST_SECRET
from tests.ops.server import free_port, serve

CALLERS = 50
WAITERS = 2
PATIENCE = 120  # seconds a client waits for any one answer before the test fails


@pytest.fixture
def server(tmp_path):
    settings = {
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "8",
        "JWT_SECRET_KEY": TEST_SECRET,
        "LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",  # never reached: no exchange
        "TITLE_WAIT_SCHEDULE": ",".join(["0.5"] * 240),  # two minutes of looking
        "TITLE_WAITERS_MAX": str(WAITERS),
    }
    with serve(tmp_path, **settings) as running:
        yield running.base


def call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=PATIENCE) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token_for(user_id: str) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "type": "access", "iat": now, "exp": now + 3600}
    return pyjwt.encode(claims, TEST_SECRET, algorithm="HS256")


def test_waiting_callers_do_not_starve_the_service(server):
    token = token_for("alice")
    status, created = call("POST", server + "/v1/conversations", token, {})
    assert status == 201, created
    conversation_id = created["data"]["id"]
    answers: list[tuple[int, dict]] = []
    answered = threading.Condition()

    def ask_for_title():
        answer = call("GET", f"{server}/api/convos/gen_title/{conversation_id}", token)
        with answered:
            answers.append(answer)
            answered.notify_all()

    callers = [threading.Thread(target=ask_for_title) for _ in range(CALLERS)]
    for caller in callers:
        caller.start()
    with answered:  # all but the waiters are answered while the waiters wait
        assert answered.wait_for(lambda: len(answers) == CALLERS - WAITERS, timeout=PATIENCE)
        assert {status for status, _ in answers} == {404}
    assert call("GET", server + "/healthz", token)[0] == 200
    with answered:
        assert len(answers) == CALLERS - WAITERS  # the waiters are still waiting

    status, _ = call(
        "PATCH", f"{server}/v1/conversations/{conversation_id}", token, {"title": "At last"}
    )
    assert status == 200
    for caller in callers:
        caller.join(timeout=PATIENCE)
    assert len(answers) == CALLERS
    assert answers[-WAITERS:] == [(200, {"title": "At last"})] * WAITERS
