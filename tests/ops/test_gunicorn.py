"""The real server: gunicorn with two workers, metrics merged across them."""

import pytest

from tests.ops.servers import get, gunicorn


@pytest.fixture
def two_workers(tmp_path):
    settings = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"}
    with gunicorn(**settings, PROMETHEUS_MULTIPROC_DIR=str(tmp_path)) as base:
        yield base


def test_metrics_add_up_across_workers(two_workers):
    for _ in range(30):
        get(two_workers + "/healthz")
    line = 'colloquy_http_requests_total{method="GET",route="/healthz",status="200"}'
    for _ in range(4):  # whichever worker answers, the total is the same
        metrics = get(two_workers + "/metrics")
        counted = [row for row in metrics.splitlines() if row.startswith(line)]
        assert counted and float(counted[0].split()[-1]) == 30.0
