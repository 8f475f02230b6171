"""What an upload is: a ZIP or JSON container, and which export format the JSON holds.

The format is told from the keys of the top-level object (or of the first
item of a top-level list), read as a stream of parser events, so detection
costs no memory however large the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import ijson

from ..errors import Invalid, UnsupportedMedia
from .stream import Stream

SNIFF_BYTES = 64
BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
FORMATS_KNOWN = "LibreChat, ChatGPT, Claude, Open WebUI, chatbot-ui or Colloquy"


@dataclass(frozen=True)
class Detected:
    format: str  # librechat | chatgpt | claude | openwebui | chatbot-ui | colloquy | …-ndjson
    shape: str  # "object" (one conversation or a wrapper) or "array" (a list of them)
    version: object = None


EMPTY = Detected("none", "array")


def container(stream: Stream) -> str:
    """``"zip"`` or ``"json"`` from the first bytes; ``UnsupportedMedia`` otherwise."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head:
        raise Invalid("the file is empty")
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.removeprefix(BOM).lstrip()[:1] in (b"{", b"[", b'"'):
        return "json"
    raise UnsupportedMedia("the file is neither JSON nor a ZIP archive")


def json_format(stream: Stream) -> Detected | None:
    """The export format of a JSON stream; ``EMPTY`` for ``[]``; ``None`` if unknown."""
    events = ijson.parse(stream, use_float=True, multiple_values=True)
    _, first, _ = next(events)
    if first not in ("start_map", "start_array"):
        return None
    shape = "object" if first == "start_map" else "array"
    item = "" if shape == "object" else "item"
    keys: set[str] = set()
    scalars: dict = {}
    has_items = shape == "object"
    for prefix, event, value in events:
        has_items = has_items or prefix.startswith("item")
        if prefix == item and event == "map_key":
            keys.add(value)
        elif shape == "object" and prefix in ("format", "version", "type"):
            scalars[prefix] = value
        elif prefix == item and event in ("end_map", "end_array"):
            break
        found = _decide(keys, scalars)
        if found:
            return Detected(found, shape, scalars.get("version"))
    found = _decide(keys, scalars, complete=True)
    if not has_items:
        return EMPTY
    return Detected(found, shape, scalars.get("version")) if found else None


def _decide(keys: set[str], scalars: dict, complete: bool = False) -> str | None:
    if scalars.get("format") == "colloquy.export" and ("version" in scalars or complete):
        return "colloquy-ndjson" if scalars.get("type") == "header" else "colloquy"
    if "mapping" in keys:
        return "chatgpt"
    if "chat_messages" in keys:
        return "claude"
    if "chat" in keys:
        return "openwebui"
    if {"history", "version"} <= keys:
        return "chatbot-ui"
    if "conversationId" in keys and keys & {"messages", "messagesTree"}:
        return "librechat"
    return None


def unknown_format() -> Invalid:
    return Invalid(f"unrecognised file format: expected a {FORMATS_KNOWN} export")


class WithoutBOM:
    """A JSON stream that starts after a UTF-8 byte order mark (Windows tools write one)."""

    def __init__(self, inner: Stream) -> None:
        self.inner = inner
        self.seek(0)

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise ValueError("only a rewind is supported")
        self.inner.seek(0)
        self.inner.read(len(BOM))
        return 0


def without_bom(stream: Stream) -> Stream:
    """``stream`` itself, or a view of it past its byte order mark."""
    head = stream.read(len(BOM))
    stream.seek(0)
    return WithoutBOM(stream) if head == BOM else stream
