"""Import conversations from other tools' exports (and Colloquy's own).

``import_file`` takes a seekable binary stream: a JSON file or a ZIP of JSON
files (ChatGPT's newer export splits conversations across many). The format
of each JSON document is detected from its content (``detect``); a reader per
format (``librechat``, ``chatgpt``, ``claude``, ``chatbot_ui``, ``colloquy``)
parses it incrementally with ijson, one conversation at a time, so memory
stays flat however large the file; ``BatchWriter`` writes in batches and, if
anything fails, removes every document the import wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import ijson

from ..clock import new_id
from ..errors import Invalid, PayloadTooLarge
from ..scope import Scope
from . import chatbot_ui, chatgpt, claude, colloquy, librechat
from .archive import ZipLimits, json_members
from .detect import EMPTY, Detected, container, json_format, unknown_format, without_bom
from .model import Prepared
from .nesting import NestingGuard, NestingLimits
from .writer import BatchWriter

log = logging.getLogger(__name__)
READERS = {
    librechat.FORMAT: librechat.read,
    chatgpt.FORMAT: chatgpt.read,
    claude.FORMAT: claude.read,
    chatbot_ui.FORMAT: chatbot_ui.read,
    colloquy.FORMAT: colloquy.read,
    colloquy.NDJSON_FORMAT: colloquy.read_ndjson,
}
DEFAULT_MAX_BYTES = 250 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = DEFAULT_MAX_BYTES
    batch_size: int = 1000
    zip: ZipLimits = field(default_factory=ZipLimits)
    nesting: NestingLimits = field(default_factory=NestingLimits)


@dataclass(frozen=True)
class ImportReport:
    batch_id: str
    formats: tuple[str, ...]
    conversations: int
    messages: int
    skipped: int
    tags: int
    empty: int = 0  # conversations without a visible message, left out


def import_file(
    db, scope: Scope, stream, *, duplicates: bool = False, limits: Limits | None = None
) -> ImportReport:
    """Import every conversation of ``stream`` for the caller, all or nothing.

    ``PayloadTooLarge`` past ``limits.max_file_bytes`` (or for a ZIP bomb),
    ``UnsupportedMedia`` for neither JSON nor ZIP, ``Invalid`` naming the
    conversation and field for a malformed or unknown format.
    """
    limits = limits or Limits()
    owner = scope.narrowed_to(scope.actor_id)  # an import is always the caller's own
    check_size(stream, limits.max_file_bytes)
    batch_id = new_id()
    writer = BatchWriter(db, owner, batch_id, duplicates=duplicates, batch_size=limits.batch_size)
    try:
        for prepared, detected in prepared_documents(stream, owner, batch_id, limits):
            writer.counts.formats.add(detected.format)
            writer.add(prepared)
        writer.flush()
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        writer.rollback()  # a shape no reader check foresaw: still the file's fault
        log.warning("import %s: unexpected file shape: %r", batch_id, exc)
        raise Invalid(f"the file is malformed: {exc}") from exc
    except BaseException:
        writer.rollback()
        raise
    counts = writer.counts
    return ImportReport(
        batch_id,
        tuple(sorted(counts.formats)),
        counts.conversations,
        counts.messages,
        counts.skipped,
        counts.tags,
        counts.empty,
    )


def check_size(stream, max_bytes: int) -> int:
    """The stream's size in bytes; ``PayloadTooLarge`` above ``max_bytes``."""
    size = stream.seek(0, 2)
    stream.seek(0)
    if size > max_bytes:
        raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes")
    return size


def prepared_documents(
    stream, owner: Scope, batch_id: str, limits: Limits
) -> Iterator[tuple[Prepared, Detected]]:
    """Parse and transform: the documents to write, one conversation at a time."""
    for detected, item in read_items(stream, limits):
        yield item.prepare(owner, batch_id), detected


def read_items(stream, limits: Limits | None = None) -> Iterator[tuple[Detected, object]]:
    """Every conversation (and tag list) of a JSON or ZIP stream, parsed, not yet prepared."""
    limits = limits or Limits()
    if container(stream) == "json":
        yield from _json_items(stream, "the file", limits.nesting, required=True)
        return
    recognised = 0
    for name, member in json_members(stream, limits.zip):
        for found in _json_items(member, f"ZIP member {name}", limits.nesting, required=False):
            recognised += 1
            yield found
    if not recognised:
        raise Invalid("the ZIP archive holds no conversation file of a known format")


def _json_items(
    raw, name: str, nesting: NestingLimits, *, required: bool
) -> Iterator[tuple[Detected, object]]:
    """The items of one JSON document, its nesting bounded before the parser sees it."""
    stream = NestingGuard(without_bom(raw), nesting, name)
    count = 0
    try:
        detected = json_format(stream)
        if detected is EMPTY and required:
            raise Invalid(f"{name} holds no conversations")
        if detected is None and required:
            raise unknown_format()
        if detected is None or detected is EMPTY:
            return
        if detected.format in (colloquy.FORMAT, colloquy.NDJSON_FORMAT):
            colloquy.check_version(detected.version)
        stream.seek(0)
        for item in READERS[detected.format](stream, detected.shape):
            count += 1
            yield detected, item
    except ijson.JSONError as exc:
        where = f" after {count} conversations" if count else ""
        raise Invalid(f"{name} is not valid JSON{where}: {exc}") from exc
