"""The real server: gunicorn with two workers, metrics merged across them."""

import pytest

from tests.ops.server import get, serve


@pytest.fixture
def two_workers(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    with serve(tmp_path, **env) as server:  # ready on /readyz: /healthz is counted
        yield server.base


def test_metrics_add_up_across_workers(two_workers):
    for _ in range(30):
        get(two_workers + "/healthz")
    line = 'colloquy_http_requests_total{method="GET",route="/healthz",status="200"}'
    for _ in range(4):  # whichever worker answers, the total is the same
        metrics = get(two_workers + "/metrics")
        counted = [row for row in metrics.splitlines() if row.startswith(line)]
        assert counted and float(counted[0].split()[-1]) == 30.0
