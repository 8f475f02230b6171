"""The byte streams importers read: an upload, a ZIP member, or a view over either."""

from __future__ import annotations

from typing import Protocol


class Stream(Protocol):
    """Readable, and rewindable with ``seek(0)`` (detection reads a document's start twice)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...
