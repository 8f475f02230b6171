"""A tiny OpenAI-compatible chat-completions server on loopback, for tests.

``server.mode`` picks the answer: ``ok`` (a completion with ``server.answer``),
``slow`` (holds the request until the test ends, so the client times out),
``error`` (HTTP 500), ``garbage`` (200 with a body that is not JSON) or
``empty`` (a completion with no content). Requests are kept in
``server.requests`` (path, lower-cased headers, JSON body).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLlmServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.answer = "The user planned a Friday deployment with a database migration."
        self.requests: list[dict] = []
        self.release = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLlmServer

    def log_message(self, *_args):  # keep test output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "json": body,
            }
        )
        mode = self.server.mode
        if mode == "slow":
            self.server.release.wait(timeout=10)
            return
        if mode == "error":
            self._send(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
        elif mode == "garbage":
            self._send_raw(200, b"<html>definitely not json", "text/html")
        else:
            content = None if mode == "empty" else self.server.answer
            self._send(200, _completion(body.get("model"), content))

    def _send(self, status: int, payload: dict) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json")

    def _send_raw(self, status: int, raw: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


def _completion(model: str | None, content: str | None) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model or "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


ANSWERING_TIMEOUT = 10.0  # generous: on a loaded machine an answer must not become a timeout
HANGING_TIMEOUT = 0.3  # the client gives up quickly on the ``slow`` server


def timeout_for(mode: str) -> float:
    """The client timeout a test with the server in ``mode`` should use."""
    return HANGING_TIMEOUT if mode == "slow" else ANSWERING_TIMEOUT


def serve(monkeypatch, mode: str = "ok"):
    """Yield a running ``FakeLlmServer`` in ``mode``; stop it (releasing slow requests) after.

    ``tests/conftest.py`` wraps it in the ``fake_llm`` fixture (mode from ``llm_mode``).
    """
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeLlmServer()
    server.mode = mode
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
