"""Reading a ZIP upload safely: member by member, streamed, never extracted to disk.

Refused before anything is read: names that are absolute or climb out
(``..``), too many entries, a declared total size above the limit, and a
member whose compression ratio gives it away as a bomb. While reading, a
member never yields more than its declared size (a lying header ends in a
CRC error, reported as a damaged member).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from ..errors import Invalid, PayloadTooLarge

DRIVE = re.compile(r"^[A-Za-z]:")
SMALL_MEMBER = 1024 * 1024  # below this, any ratio is harmless


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 10_000
    max_unpacked_bytes: int = 1024**3
    max_ratio: int = 250


class Bounded:
    """A member's stream that refuses to yield more than ``limit`` bytes."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        self.archive, self.info = archive, info
        self.inner = archive.open(info)
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self.inner.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Invalid(f"ZIP member {self.info.filename} is damaged: {exc}") from exc
        self.count += len(chunk)
        if self.count > self.info.file_size:
            raise PayloadTooLarge(f"ZIP member {self.info.filename} inflates past its stated size")
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise ValueError("a ZIP member can only be rewound")
        self.inner.close()
        self.inner = self.archive.open(self.info)
        self.count = 0
        return 0


def json_members(
    stream: IO[bytes], limits: ZipLimits, on_total: Callable[[int], None] | None = None
) -> Iterator[tuple[str, Bounded]]:
    """``(name, stream)`` for each ``.json`` member, in name order, after the safety checks.

    ``on_total`` learns the members' unpacked size in all before the first is read.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Invalid(f"the ZIP archive is damaged: {exc}") from exc
    with archive:
        infos = archive.infolist()
        check(infos, limits)
        members = sorted(
            (i for i in infos if not i.is_dir() and i.filename.lower().endswith(".json")),
            key=lambda i: i.filename,
        )
        if on_total is not None:
            on_total(sum(i.file_size for i in members))
        for info in members:
            yield info.filename, Bounded(archive, info)


def check(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(infos) > limits.max_entries:
        raise Invalid(f"the ZIP archive has more than {limits.max_entries} entries")
    for info in infos:
        if unsafe_name(info.filename):
            raise Invalid(f"the ZIP archive has an unsafe member name: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise Invalid(f"ZIP member {info.filename} is encrypted")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > SMALL_MEMBER and ratio > limits.max_ratio:
            raise PayloadTooLarge(
                f"ZIP member {info.filename} expands {ratio:.0f}-fold (a ZIP bomb?); "
                f"at most {limits.max_ratio}-fold is accepted"
            )
    if sum(i.file_size for i in infos) > limits.max_unpacked_bytes:
        raise PayloadTooLarge(
            f"the ZIP archive unpacks to more than {limits.max_unpacked_bytes} bytes"
        )


def unsafe_name(name: str) -> bool:
    """Absolute, drive-lettered, backslashed or climbing (``..``) member names."""
    if name.startswith("/") or "\\" in name or DRIVE.match(name) or "\x00" in name:
        return True
    return any(part == ".." for part in name.split("/"))
