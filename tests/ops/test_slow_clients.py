"""The embedded default (1 worker x 8 threads) keeps answering while slow clients hang on."""

import contextlib
import json
import socket
import time

import jwt as pyjwt
import pytest

from buffering_worker import BODY_BUFFER, buffered_body_length, request_arrived
from tests.conftest import TEST_SECRET
from tests.ops.server import get, serve

GENEROUS = 10  # seconds: a socket timeout that only a stalled server reaches


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("slow"), JWT_SECRET_KEY=TEST_SECRET) as running:
        yield running


@contextlib.contextmanager
def stalled(port: int, opening: bytes, count: int = 20):
    """``count`` connections that send ``opening`` and then nothing more."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=GENEROUS)
            sock.sendall(opening)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def exchange(port: int, raw: bytes) -> tuple[str, dict, bytes]:
    """Send ``raw`` on a fresh connection; the status line, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=GENEROUS) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (x.split(":", 1) for x in lines)}
    return status, headers, body


def test_unfinished_headers_do_not_stall_the_server(server):
    with stalled(server.port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "):
        assert json.loads(get(server.base + "/healthz", timeout=GENEROUS)) == {"status": "ok"}


def test_unfinished_bodies_do_not_stall_the_server(server):
    opening = (
        b"POST /v1/conversations HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    with stalled(server.port, opening):
        assert json.loads(get(server.base + "/healthz", timeout=GENEROUS)) == {"status": "ok"}


def test_a_request_sent_in_pieces_is_served(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS) as sock:
        for piece in (b"GET /hea", b"lthz HTTP/1.1\r\nHo", b"st: x\r\nConnection: close\r\n\r\n"):
            sock.sendall(piece)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b'{"status":"ok"}\n')


def test_keep_alive_and_pipelined_requests_are_served(server):
    two = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 2
    with socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS) as sock:
        sock.sendall(two)
        answer = b""
        while answer.count(b'{"status":"ok"}') < 2:
            answer += sock.recv(65536)
    assert answer.count(b"HTTP/1.1 200") == 2


@pytest.mark.parametrize(
    "raw,status",
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    ],
)
def test_the_servers_own_errors_are_json(server, raw, status):
    line, headers, body = exchange(server.port, raw)
    assert line.split()[1] == str(status)
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["type"] and error["message"]


def test_a_large_body_is_read_whole_by_its_thread(server):
    token = pyjwt.encode({"sub": "alice", "exp": int(time.time()) + 600}, TEST_SECRET, "HS256")
    body = json.dumps({"title": "t" * (3 * 1024 * 1024)}).encode()  # over the buffered size
    raw = (
        b"POST /v1/conversations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    line, _, answer = exchange(server.port, raw)
    assert line.split()[1] == "422"  # parsed, then refused as too long: the body came whole
    assert json.loads(answer)["error"]["type"] == "validation_error"


def test_a_request_that_never_arrives_is_answered_408(tmp_path):
    with serve(tmp_path, CLIENT_REQUEST_TIMEOUT="1") as quick:
        line, headers, body = exchange(quick.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    assert line.split()[1] == "408"
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["type"] == "request_timeout"


@pytest.mark.parametrize(
    "fields,waits_for",
    [
        (b"Content-Length: 10", 10),
        (b"content-length: 10", 10),
        (b"Content-Length: 10\r\nExpect: 100-continue", 0),  # the client waits for us
        (b"Transfer-Encoding: chunked", 0),
        (b"Content-Length: 10\r\nContent-Length: 11", 0),  # the parser refuses it
        (b"Content-Length: -1", 0),
        (f"Content-Length: {BODY_BUFFER + 1}".encode(), 0),  # the thread reads it
        (b"Host: x", 0),
    ],
)
def test_which_bodies_are_read_before_a_thread_is_involved(fields, waits_for):
    head = b"POST / HTTP/1.1\r\n" + fields
    assert buffered_body_length(head) == waits_for
    assert request_arrived(head + b"\r\n\r\n" + b"x" * waits_for)
    assert not waits_for or not request_arrived(head + b"\r\n\r\n" + b"x" * (waits_for - 1))
