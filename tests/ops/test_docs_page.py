"""The docs page in a real headless browser: Swagger UI renders offline from local assets.

Skipped where no Chromium is installed (``.ci/run`` installs Debian's ``chromium``).
"""

import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# No network but loopback: keep Chromium from reaching out at all.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=8000",
]


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def rendered_dom(url: str, profile) -> str:
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_swagger_ui_renders_every_dialect_with_authorize(served, tmp_path):
    dom = rendered_dom(f"{served}/docs", tmp_path / "profile")
    assert "swagger-ui" in dom
    assert "Unable to render this definition" not in dom  # Swagger UI reads OpenAPI 3.1
    assert "authorize" in dom.lower()  # the bearer scheme gives the Authorize button
    for path in ("/v1/conversations", "/api/convos", "/chat/", "/healthz"):
        assert f'data-path="{path}"' in dom, path
