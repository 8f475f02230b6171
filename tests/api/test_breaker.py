"""The store breaker: once the store is known down, data routes answer 503 at once."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from app.api.breaker import Breaker, Verdict
from tests.conftest import TEST_SECRET

UNREACHABLE = "mongodb://127.0.0.1:1"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_closed_until_a_failure_then_open_for_its_window():
    clock = Clock()
    breaker = Breaker(5, clock=clock)
    assert breaker.admit() is Verdict.PASS
    breaker.record_failure()
    assert breaker.admit() is Verdict.REFUSE
    assert breaker.retry_after() == 5
    clock.now += 4.2
    assert breaker.admit() is Verdict.REFUSE
    assert breaker.retry_after() == 1


@pytest.fixture
def window_over():
    """A breaker that failed 5 s ago (its whole window), and its clock."""
    clock = Clock()
    breaker = Breaker(5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    return breaker, clock


def test_after_the_window_one_probe_then_its_outcome_decides(window_over):
    breaker, clock = window_over
    assert breaker.admit() is Verdict.PROBE
    assert [breaker.admit() for _ in range(3)] == [Verdict.REFUSE] * 3  # one probe at a time
    breaker.record_failure()
    clock.now += 5
    assert breaker.admit() is Verdict.PROBE
    breaker.record_success()
    assert breaker.admit() is Verdict.PASS


def test_a_probe_that_never_reports_frees_its_slot_after_a_window(window_over):
    breaker, clock = window_over
    assert breaker.admit() is Verdict.PROBE
    clock.now += 5
    assert breaker.admit() is Verdict.PROBE


def test_zero_seconds_never_opens():
    breaker = Breaker(0, clock=Clock())
    breaker.record_failure()
    assert breaker.admit() is Verdict.PASS


@pytest.fixture
def down_client():
    app = create_app({"MONGO_URI": UNREACHABLE, "JWT_SECRET_KEY": TEST_SECRET, "TESTING": True})
    yield app.test_client(), app
    app.extensions["mongo"].client.close()


def test_store_down_costs_one_slow_call_per_thread_not_per_request(down_client, caplog):
    client, app = down_client
    from app.api.auth import mint_token

    with app.app_context():
        headers = {"Authorization": f"Bearer {mint_token('alice')}"}
    paths = ["/v1/conversations", "/api/convos", "/chat/"] * 14
    with caplog.at_level(logging.WARNING), ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda path: client.get(path, headers=headers), paths[:40]))
    assert [response.status_code for response in responses] == [503] * 40
    assert all(int(response.headers["Retry-After"]) > 0 for response in responses)
    slow = [record for record in caplog.records if record.getMessage().startswith("store unr")]
    assert 1 <= len(slow) <= 8  # the first wave of the 8 threads, not 40
    assert client.get("/healthz").status_code == 200
    chat = responses[-2]  # each dialect answers in its own shape, breaker or not
    assert chat.json == {"error": True, "message": "The database is unavailable, retry later"}
