"""Import conversations from other tools' exports (and Colloquy's own).

``import_file`` takes a seekable binary stream: a JSON file or a ZIP of JSON
files (ChatGPT's newer export splits conversations across many). The format
of each JSON document is detected from its content (``detect``); a reader per
format (``librechat``, ``chatgpt``, ``claude``, ``openwebui``, ``chatbot_ui``,
``colloquy``) parses it incrementally with ijson, one conversation at a time,
so memory stays flat however large the file (``nesting`` bounds what the
parser may build first). Each conversation is all or nothing: a malformed one
is reported as ``Rejected`` and the rest are imported, unless the import is
``strict``. ``BatchWriter`` writes in batches and, if the file itself fails,
removes every document the import wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import IO

import ijson

from ..clock import new_id
from ..errors import Invalid, PayloadTooLarge
from ..scope import Scope
from ..store import Db
from . import chatbot_ui, chatgpt, claude, colloquy, librechat, openwebui
from .archive import ZipLimits, json_members
from .detect import EMPTY, Detected, container, json_format, unknown_format, without_bom
from .model import Importable, Prepared
from .nesting import NestingGuard, NestingLimits
from .progress import Counted, Progress, Report
from .rejection import CONVERSATION_ERRORS, Rejected, reason_of
from .stream import Stream
from .writer import BatchWriter, Counts

log = logging.getLogger(__name__)
READERS: dict[str, Callable[[Stream, str], Iterable[Importable | Rejected]]] = {
    librechat.FORMAT: librechat.read,
    chatgpt.FORMAT: chatgpt.read,
    claude.FORMAT: claude.read,
    openwebui.FORMAT: openwebui.read,
    chatbot_ui.FORMAT: chatbot_ui.read,
    colloquy.FORMAT: colloquy.read,
    colloquy.NDJSON_FORMAT: colloquy.read_ndjson,
}
DEFAULT_MAX_BYTES = 250 * 1024 * 1024
WHOLE_FILE = "the file"


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
    rejected: tuple[Rejected, ...] = ()  # malformed conversations, left out


def import_file(
    db: Db,
    scope: Scope,
    stream: IO[bytes],
    *,
    duplicates: bool = False,
    strict: bool = False,
    limits: Limits | None = None,
    progress: Report | None = None,
) -> ImportReport:
    """Import every valid conversation of ``stream`` for the caller, each all or nothing.

    A malformed conversation is left out and reported in ``rejected`` (its
    index, title, id and the reason, naming the field); with ``strict`` it
    fails the whole file instead, as does anything wrong with the file itself:
    ``PayloadTooLarge`` past ``limits.max_file_bytes`` (or for a ZIP bomb),
    ``UnsupportedMedia`` for neither JSON nor ZIP, ``Invalid`` for a file that
    is not valid JSON, of an unknown format, nested too deeply, or whose every
    conversation was rejected. A failed file leaves nothing behind.
    ``progress(done, total)`` follows the bytes parsed.
    """
    limits = limits or Limits()
    owner = scope.narrowed_to(scope.actor_id)  # an import is always the caller's own
    size = check_size(stream, limits.max_file_bytes)
    batch_id = new_id()
    writer = BatchWriter(
        db, owner, batch_id, duplicates=duplicates, batch_size=limits.batch_size, strict=strict
    )
    try:
        for outcome, detected in prepared_documents(
            stream, owner, batch_id, limits, Progress(progress, size)
        ):
            writer.counts.formats.add(detected.format)
            if isinstance(outcome, Rejected):
                writer.reject(outcome)
            else:
                writer.add(outcome)
        writer.flush()
        refuse_if_nothing_imported(writer.counts)
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
        tuple(counts.rejected),
    )


def refuse_if_nothing_imported(counts: Counts) -> None:
    """A file whose every conversation was rejected is a bad request, not an empty success."""
    if counts.rejected and not (counts.conversations or counts.skipped or counts.tags):
        first = counts.rejected[0].reason
        more = len(counts.rejected) - 1
        also = f" (and {more} more conversation{'s' * (more > 1)} rejected)" if more else ""
        raise Invalid(first + also, details=[r.as_dict() for r in counts.rejected[:100]])


def check_size(stream: Stream, max_bytes: int) -> int:
    """The stream's size in bytes; ``PayloadTooLarge`` above ``max_bytes``."""
    size = stream.seek(0, 2)
    stream.seek(0)
    if size > max_bytes:
        raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes")
    return size


def prepared_documents(
    stream: IO[bytes],
    owner: Scope,
    batch_id: str,
    limits: Limits,
    progress: Progress | None = None,
) -> Iterator[tuple[Prepared | Rejected, Detected]]:
    """Parse and transform: the documents to write (or the reason a conversation is left
    out), one conversation at a time."""
    for detected, item, name in read_items(stream, limits, progress):
        yield prepared_or_rejected(item, owner, batch_id, name), detected


def prepared_or_rejected(
    item: Importable | Rejected, owner: Scope, batch_id: str, name: str
) -> Prepared | Rejected:
    """``item``'s documents, or why it is left out (naming the ZIP member it came from)."""
    if not isinstance(item, Rejected):
        try:
            return item.prepare(owner, batch_id)
        except CONVERSATION_ERRORS as exc:
            item = item.rejected(reason_of(exc, getattr(item, "where", "")))
    return item if name == WHOLE_FILE else replace(item, reason=f"{name}: {item.reason}")


def read_items(
    stream: IO[bytes], limits: Limits | None = None, progress: Progress | None = None
) -> Iterator[tuple[Detected, Importable | Rejected, str]]:
    """Every conversation (and tag list) of a JSON or ZIP stream, parsed, not yet prepared,
    with the name of the document it came from."""
    limits, progress = limits or Limits(), progress or Progress()
    if container(stream) == "json":
        size = stream.seek(0, 2)
        stream.seek(0)
        document = progress.document(stream, size)
        for detected, item in _json_items(document, WHOLE_FILE, limits.nesting, required=True):
            yield detected, item, WHOLE_FILE
        return
    recognised = 0
    for name, member in json_members(stream, limits.zip, progress.expect):
        label = f"ZIP member {name}"
        document = progress.document(member, member.info.file_size)
        for detected, item in _json_items(document, label, limits.nesting, required=False):
            recognised += 1
            yield detected, item, label
    if not recognised:
        raise Invalid("the ZIP archive holds no conversation file of a known format")


def _json_items(
    raw: Counted, name: str, nesting: NestingLimits, *, required: bool
) -> Iterator[tuple[Detected, Importable | Rejected]]:
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
    finally:
        raw.finish()
