"""Bounding how deeply an uploaded JSON document nests, before the parser pays for it.

ijson keeps, for every open object or array, the whole path of keys that leads
to it (``item.mapping.<id>.message.content``) as a string of its own: memory
grows with the square of the depth (20,000 levels of ``[`` cost a gigabyte)
and the work with the path's length times the number of values under it.
``NestingGuard`` wraps the stream ijson reads and follows the structure of the
raw bytes chunk by chunk, before handing each chunk on, so a document past
``NestingLimits`` is refused (``Invalid``, naming the limit) with memory flat.

The scan keeps to a few C-speed passes per chunk: escape pairs are blanked,
the chunk is reduced to its quotes, brackets and colons, strings are dropped,
and depths come from ``itertools.accumulate``. Depth is exact; path lengths are
bounded above by charging every level opened in a chunk the chunk's longest key
of an object or array (at least ``SHORT_KEY``), so the checks are conservative.
Ordinary exports nest a dozen levels; LibreChat's recursive ``children`` trees
nest two levels per message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from ..errors import Invalid
from .stream import Stream

LEVEL_OVERHEAD = 64  # bytes a parser keeps per open level beside its path
SHORT_KEY = 8  # keys up to this long are charged this long ("children", "content")
ESCAPE_PAIR = re.compile(rb'\\[\\"]')
# the colon after a key of an object or array: longer than SHORT_KEY, or spaced from its key
LONG_OR_SPACED_KEY = re.compile(
    rb':(?=[ \t\r\n]*[\[{])(?:(?<=[^"]{%d}":)|(?<=[ \t\r\n]:))' % (SHORT_KEY + 1)
)
SEPARATORS = b" \t\r\n:"
TRAILING_KEY = re.compile(rb'"[ \t\r\n:]*\Z')
LEADING_CONTAINER = re.compile(rb"[ \t\r\n]*(?::[ \t\r\n]*)?[\[{]")
ALL = bytes(range(256))
BUT_STRUCTURE = bytes(set(ALL) - set(b'"[]{}:'))
STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


@dataclass(frozen=True)
class NestingLimits:
    max_depth: int = 2000  # a LibreChat tree of about 1,000 messages in one branch
    max_path_bytes: int = 32 * 1024 * 1024  # the paths of every open level, together
    work_base: int = 64 * 1024 * 1024  # path bytes a parser may build in all, plus ...
    work_per_byte: int = 16  # ... this many for every byte of the document


class NestingGuard:
    """A readable stream that refuses to yield JSON nested past ``limits``.

    Reading and rewinding pass through to ``inner``; a rewind starts the count
    again. Each chunk is scanned before it is returned, so the parser never
    sees a byte past the chunk where a limit was crossed.
    """

    def __init__(self, inner: Stream, limits: NestingLimits | None = None, name: str = "the file"):
        self.inner, self.limits, self.name = inner, limits or NestingLimits(), name
        self._reset()

    def _reset(self) -> None:
        self.paths: list[int] = []  # an upper bound of the path length of each open level
        self.work = 0
        self.seen = 0
        self.in_string = False
        self.string_length = 0  # of the string open (or just closed) at the chunk's end
        self.key_pending = False  # that string may key a container opening further on
        self.escape_pending = False  # the previous chunk ended inside an escape pair

    def read(self, size: int = -1) -> bytes:
        chunk = self.inner.read(size)
        if chunk:
            self.seen += len(chunk)
            self._scan(chunk)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise ValueError("only a rewind is supported")
        position = self.inner.seek(0)
        self._reset()
        return position

    def _scan(self, chunk: bytes) -> None:
        data = self._without_escapes(chunk)
        reduced = data.translate(None, BUT_STRUCTURE)
        started_in_string = self.in_string
        key = max(self._boundary_key(data, reduced.count(b'"')), self._longest_key(data))
        if started_in_string:
            reduced = b'"' + reduced
        if self.in_string:
            reduced = reduced[: reduced.rfind(b'"')]
        parts = reduced.replace(b'""', b"").split(b'"')  # structure, string, structure, ...
        structure = b"".join(parts[0::2]).replace(b":", b"")
        self._walk(structure, max(len(".item"), key + 1))
        if self.work > self.limits.work_base + self.limits.work_per_byte * self.seen:
            raise Invalid(
                f"{self.name} nests its values too intricately to read: its key paths add up "
                f"to more than {mebibytes(self.limits.work_base)} plus "
                f"{self.limits.work_per_byte} bytes per byte of the file"
            )

    def _without_escapes(self, chunk: bytes) -> bytes:
        """``chunk`` with every escape pair (``\\\\``, ``\\"``) blanked to ``__``."""
        if self.escape_pending:
            chunk = b"_" + chunk[1:]
        if b"\\" not in chunk:
            self.escape_pending = False
            return chunk
        run = len(chunk) - len(chunk.rstrip(b"\\"))
        self.escape_pending = bool(run % 2)
        if self.escape_pending:
            chunk = chunk[:-1] + b"_"
        return ESCAPE_PAIR.sub(b"__", chunk)

    @staticmethod
    def _longest_key(data: bytes) -> int:
        """At least the longest key of an object or array that starts and ends in ``data``."""
        longest = SHORT_KEY
        for colon in LONG_OR_SPACED_KEY.finditer(data):
            closing = data.rfind(b'"', 0, colon.start())
            opening = data.rfind(b'"', 0, closing)
            if opening >= 0:
                longest = max(longest, closing - opening - 1)
        return longest

    def _boundary_key(self, data: bytes, quotes: int) -> int:
        """The length of a key the last chunk ended with, if its container opens here.

        Also notes how ``data`` ends: inside a string, or after a string that
        only separators follow (it may key a container of the next chunk).
        """
        key, first = 0, data.find(b'"')
        if self.in_string and first < 0:
            self.string_length += len(data)
            return 0
        after = 0
        if self.in_string:
            self.string_length += first
            after, self.key_pending = first + 1, True
        if self.key_pending:
            if LEADING_CONTAINER.match(data, after):
                key = self.string_length
            elif not data[after:].strip(SEPARATORS):
                self.in_string = False
                return 0  # still only separators: the key stays pending
        last = data.rfind(b'"')
        self.in_string = bool((quotes + self.in_string) % 2)
        self.key_pending = False
        if self.in_string:
            self.string_length = len(data) - last - 1
        elif TRAILING_KEY.match(data, last):
            opening = data.rfind(b'"', 0, last)
            self.key_pending = True
            if opening >= 0:
                self.string_length = last - opening - 1
        return key

    def _walk(self, brackets: bytes, step: int) -> None:
        """Follow the chunk's brackets; each level opened here is at most ``step`` longer."""
        if not brackets:
            return
        start = len(self.paths)
        depths = list(accumulate(memoryview(brackets.translate(STEPS)).cast("b"), initial=start))
        deepest, low, end = max(depths), max(min(depths), 0), max(depths[-1], 0)
        if deepest > self.limits.max_depth:
            raise Invalid(f"{self.name} nests values more than {self.limits.max_depth} levels deep")
        kept = self.paths[:low]
        base = kept[-1] if kept else 0
        rise = deepest - low
        peak = sum(kept) + rise * base + step * rise * (rise + 1) // 2
        if peak + deepest * LEVEL_OVERHEAD > self.limits.max_path_bytes:
            raise Invalid(
                f"{self.name} nests values under keys that add up to more than "
                f"{mebibytes(self.limits.max_path_bytes)}"
            )
        opens = brackets.count(b"[") + brackets.count(b"{")
        self.work += opens * base + step * (sum(depths) - low * len(depths))
        self.paths = kept + [base + step * level for level in range(1, end - low + 1)]


def mebibytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"
