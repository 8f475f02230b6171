"""A gunicorn ``gthread`` worker that gives a thread only to a request that has arrived.

gunicorn's threaded worker hands each connection to a thread, which then blocks
reading the request: a handful of clients that never finish their headers hold
every thread, and nothing else is answered, ``/healthz`` included. This worker
reads in its event loop instead: a thread gets the connection once the request
head has arrived, with its body too when the body is small (``BODY_BUFFER``).
What a thread still reads or writes (a large upload, a streamed download) gives
up after ``CLIENT_IDLE_TIMEOUT`` seconds without progress, and a request that
has not arrived within ``CLIENT_REQUEST_TIMEOUT`` seconds is answered 408.

The server's own error answers (414 URI too long, 431 headers too large, 400,
408) are JSON in the platform shape, ``{"error": {"type", "message"}}``, like the
application's. TLS and HTTP/2 connections are served as gunicorn serves them.

gunicorn.conf.py names this class; like that file, it must not import the app.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn import util
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import TConn, ThreadWorker

REQUEST_TIMEOUT = float(os.environ.get("CLIENT_REQUEST_TIMEOUT", 20))
IDLE_TIMEOUT = float(os.environ.get("CLIENT_IDLE_TIMEOUT", 30))
BODY_BUFFER = 1024 * 1024  # bodies up to this size are read before a thread is involved
HEAD_CAP = 64 * 1024  # past this, the parser decides (it answers 414 or 431)
RECV_SIZE = 64 * 1024


def request_arrived(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a whole request head, and its body if that is small and sized."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) >= HEAD_CAP
    return len(data) >= end + 4 + buffered_body_length(data[:end])


def buffered_body_length(head: bytes | bytearray) -> int:
    """How much body to wait for: a ``Content-Length`` up to ``BODY_BUFFER``, else none.

    A chunked body, a large one, an ``Expect: 100-continue`` (the client waits for
    an answer before sending) or a malformed length leave the body to the thread.
    """
    fields: dict[bytes, list[bytes]] = {}
    for line in bytes(head).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    if b"transfer-encoding" in fields or b"expect" in fields:
        return 0
    lengths = fields.get(b"content-length", [])
    if len(lengths) != 1 or not lengths[0].isdigit():
        return 0
    length = int(lengths[0])
    return length if length <= BODY_BUFFER else 0


def json_error(status: int, reason: str) -> bytes:
    """A complete HTTP/1.1 answer: the platform's JSON error body, then close."""
    error = {"type": reason.lower().replace(" ", "_"), "message": reason, "request_id": None}
    body = json.dumps({"error": error}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class IdleTimeoutSocket(socket.socket):
    """A client socket whose blocking reads and writes give up after ``IDLE_TIMEOUT``.

    A read that times out returns end-of-file: a client silent that long counts
    as gone (a short body then answers 400, a head is dropped).
    """

    @classmethod
    def adopt(cls, sock: socket.socket) -> IdleTimeoutSocket:
        return cls(sock.family, sock.type, sock.proto, fileno=sock.detach())

    def setblocking(self, flag: bool) -> None:
        self.settimeout(IDLE_TIMEOUT if flag else 0.0)

    def recv(self, size: int, flags: int = 0) -> bytes:
        try:
            return super().recv(size, flags)
        except TimeoutError:
            return b""


class _Answer:
    """Stands in for a client socket to catch the answer gunicorn writes for its own errors."""

    def __init__(self):
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


class ArrivingConn(TConn):
    """A connection and the bytes of its next request read so far."""

    def __init__(self, *args):
        super().__init__(*args)
        self.arrived = bytearray()
        self.deadline = 0.0


class BufferingThreadWorker(ThreadWorker):
    """``gthread``, with each request read in the event loop before a thread serves it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arriving: deque[ArrivingConn] = deque()  # oldest deadline first

    def accept(self, listener):
        try:
            sock, client = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = ArrivingConn(self.cfg, IdleTimeoutSocket.adopt(sock), client, listener.getsockname())
        if self.cfg.is_ssl or negotiation.prior_knowledge_allowed(self.cfg, client):
            self.enqueue_req(conn)  # handshakes are read by the thread, as gunicorn does
        else:
            self._await_request(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has a next request coming: read it here too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        if isinstance(conn, ArrivingConn) and not conn.is_http2 and not self.cfg.is_ssl:
            self._await_request(conn)
        else:
            self.enqueue_req(conn)

    def _await_request(self, conn: ArrivingConn) -> None:
        conn.sock.setblocking(False)
        conn.deadline = time.monotonic() + REQUEST_TIMEOUT
        self.arriving.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_request_bytes, conn))

    def _on_request_bytes(self, conn: ArrivingConn, _sock) -> None:
        try:
            chunk = conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._drop(conn)
            return
        conn.arrived += chunk
        if request_arrived(conn.arrived):
            self._stop_awaiting(conn)
            conn.data_ready = True
            self.enqueue_req(conn)

    def _stop_awaiting(self, conn: ArrivingConn) -> None:
        self.poller.unregister(conn.sock)
        self.arriving.remove(conn)

    def _drop(self, conn: ArrivingConn, answer: bytes = b"") -> None:
        self._stop_awaiting(conn)
        self.nr_conns -= 1
        if answer:
            with contextlib.suppress(OSError):
                conn.sock.send(answer)
        conn.close()

    def murder_pending(self):
        """Also answer 408 to the requests that did not arrive in time, and close them."""
        super().murder_pending()
        now = time.monotonic()
        while self.arriving and self.arriving[0].deadline <= now:
            self._drop(self.arriving[0], json_error(408, "Request Timeout"))

    def handle(self, conn):
        """Serve the request read so far (a thread's work from here, as in ``gthread``)."""
        arrived = getattr(conn, "arrived", None)
        if arrived:
            conn.init()  # the parser of a new connection; reads nothing
            conn.parser.unreader.unread(bytes(arrived))
            arrived.clear()
        return super().handle(conn)

    def handle_error(self, req, client, addr, exc):
        """gunicorn's own error answers, as JSON instead of an HTML page."""
        answer = _Answer()
        # logs, and decides the status; _Answer stands in for the client socket
        super().handle_error(req, answer, addr, exc)  # type: ignore[arg-type]
        status_line = answer.data.split(b"\r\n", 1)[0].decode("latin-1")
        _version, status, reason = status_line.split(" ", 2)
        try:
            util.write_nonblock(client, json_error(int(status), reason))
        except Exception:
            self.log.debug("Failed to send error message.")
