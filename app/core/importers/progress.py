"""Progress of an import over the bytes it parses: one count that only moves forward.

Every document of an upload (the JSON file, or each JSON member of a ZIP) is
read through ``Progress.document``; a byte counts the first time it is read,
however often a document is rewound (detection reads its start twice), and a
document counts whole once it is done, read or skipped. So the count grows
monotonically from 0 to the total of the documents' sizes.
"""

from __future__ import annotations

from collections.abc import Callable

from .stream import Stream

Report = Callable[[int, int], None]  # (bytes done, bytes in all)


class Progress:
    def __init__(self, report: Report | None = None, total: int = 0):
        self.report, self.total, self.done = report, total, 0

    def expect(self, total: int) -> None:
        self.total = total
        self._tell()

    def document(self, inner: Stream, size: int) -> Counted:
        return Counted(inner, size, self)

    def advance(self, count: int) -> None:
        if count > 0:
            self.done += count
            self._tell()

    def _tell(self) -> None:
        if self.report is not None:
            self.report(self.done, max(self.total, self.done))


class Counted:
    """A readable, rewindable stream whose first reading of each byte advances ``progress``."""

    def __init__(self, inner: Stream, size: int, progress: Progress):
        self.inner, self.size, self.progress = inner, size, progress
        self.position = self.furthest = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.inner.read(size)
        self.position += len(chunk)
        if self.position > self.furthest:
            self.progress.advance(min(self.position, self.size) - min(self.furthest, self.size))
            self.furthest = self.position
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.inner.seek(offset, whence)
        self.position = position
        return position

    def tell(self) -> int:
        return self.position

    def finish(self) -> None:
        """The document is done with: all of it counts."""
        self.progress.advance(self.size - min(self.furthest, self.size))
        self.furthest = max(self.furthest, self.size)
