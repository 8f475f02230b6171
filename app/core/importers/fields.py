"""Typed reads of one record of an uploaded file, with errors that say where."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import ijson

from ..clock import parse_time
from ..errors import Invalid
from ..limits import ID_MAX
from ..validation import check_storable

MISSING = object()


class Record:
    """A JSON object from the file, named (``conversation 3 ("Trip")``) for error messages."""

    def __init__(self, raw: object, where: str):
        if not isinstance(raw, dict):
            raise Invalid(f"{where} must be a JSON object")
        self.raw = raw
        self.where = where

    def fail(self, key: str, expected: str) -> Invalid:
        return Invalid(f"{self.where}: field '{key}' must be {expected}")

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.raw.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                raise self.fail(key, "present (a string)")
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # numeric ids occur in the wild
        if not isinstance(value, str):
            raise self.fail(key, "a string")
        return value

    def identifier(self, key: str, *, required: bool = False) -> str | None:
        """An id from the file: a string (or number) of 1-``ID_MAX`` characters."""
        value = self.text(key, required=required)
        if value is not None and not 0 < len(value) <= ID_MAX:
            raise self.fail(key, f"an id of 1-{ID_MAX} characters")
        return value

    def items(self, key: str, *, required: bool = False) -> list:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return value

    def mapping(self, key: str, *, required: bool = False) -> dict:
        value = self.raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "an object")
        return value

    def time(self, key: str) -> datetime | None:
        value = self.raw.get(key)
        moment = parse_time(value)
        if value is not None and moment is None:
            raise self.fail(key, "a date (ISO 8601 or epoch seconds)")
        return moment

    def integer(self, key: str) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a number")
        return int(value)

    def stored_as_is(self, key: str, value):
        """``value`` (kept verbatim in the store) if BSON can hold it and no key is an operator."""
        check_storable(value, f"{self.where}: field '{key}'")
        return value

    def child(self, raw: object, label: str) -> Record:
        return Record(raw, f"{self.where}: {label}")


def label(index: int, title: object) -> str:
    """How an error names the ``index``-th conversation of a file."""
    if isinstance(title, str) and title.strip():
        return f'conversation {index} ("{title.strip()[:60]}")'
    return f"conversation {index}"


def records(stream, prefix: str, title_key: str = "title") -> Iterator[Record]:
    """Each conversation object under ``prefix`` of a JSON stream, parsed one at a time."""
    for index, raw in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
        title = raw.get(title_key) if isinstance(raw, dict) else None
        yield Record(raw, label(index, title))


def item_prefix(shape: str) -> str:
    """Where conversations sit: the items of a top-level list, or the top-level object."""
    return "item" if shape == "array" else ""
