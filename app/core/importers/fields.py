"""Typed reads of one record of an uploaded file, with errors that say where."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Literal, TypeVar, overload

import ijson

from ..clock import parse_time
from ..errors import Invalid
from ..limits import ID_MAX
from ..validation import check_storable
from .rejection import CONVERSATION_ERRORS, Rejected, reason_of
from .stream import Stream

MISSING = object()
T = TypeVar("T")


class Record:
    """A JSON object from the file, named (``conversation 3 ("Trip")``) for error messages."""

    def __init__(self, raw: object, where: str, index: int = 0):
        if not isinstance(raw, dict):
            raise Invalid(f"{where} must be a JSON object")
        self.raw: dict = raw
        self.where = where
        self.index = index  # the conversation's position in its file, from 1

    def fail(self, key: str, expected: str) -> Invalid:
        return Invalid(f"{self.where}: field '{key}' must be {expected}")

    @overload
    def text(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def text(
        self, key: str, *, required: bool = False, default: str | None = None
    ) -> str | None: ...
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

    @overload
    def string(self, key: str, *, default: str) -> str: ...
    @overload
    def string(self, key: str, *, default: None = None) -> str | None: ...
    def string(self, key: str, *, default: str | None = None) -> str | None:
        """A field that must be text when present (no number stands in for it)."""
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, "a string")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.raw.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    @overload
    def identifier(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def identifier(self, key: str, *, required: bool = False) -> str | None: ...
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

    def stored_as_is(self, key: str, value: T) -> T:
        """``value`` (kept verbatim in the store) if BSON can hold it and no key is an operator."""
        check_storable(value, f"{self.where}: field '{key}'")
        return value

    def child(self, raw: object, label: str) -> Record:
        return Record(raw, f"{self.where}: {label}", self.index)

    def attempt(
        self, build: Callable[[Record], T], id_key: str, title_key: str = "title"
    ) -> T | Rejected:
        """``build(self)``, or the ``Rejected`` conversation when the record is malformed."""
        try:
            return build(self)
        except CONVERSATION_ERRORS as exc:
            raw = self.raw if isinstance(self.raw, dict) else {}
            title, source_id = raw.get(title_key), raw.get(id_key)
            return Rejected(
                self.index,
                title if isinstance(title, str) else None,
                source_id if isinstance(source_id, str | int) else None,
                reason_of(exc, self.where),
            )


def label(index: int, title: object) -> str:
    """How an error names the ``index``-th conversation of a file."""
    if isinstance(title, str) and title.strip():
        return f'conversation {index} ("{title.strip()[:60]}")'
    return f"conversation {index}"


def records(
    stream: Stream, prefix: str, build: Callable[[Record], T], id_key: str, title_key: str = "title"
) -> Iterator[T | Rejected]:
    """``build`` applied to each conversation object under ``prefix`` of a JSON stream, one
    at a time; a malformed one becomes a ``Rejected`` and the next is read all the same."""
    for index, raw in enumerate(ijson.items(stream, prefix, use_float=True), start=1):
        title = raw.get(title_key) if isinstance(raw, dict) else None
        where = label(index, title)
        if not isinstance(raw, dict):
            yield Rejected(index, None, None, f"{where} must be a JSON object")
            continue
        yield Record(raw, where, index).attempt(build, id_key, title_key)


def item_prefix(shape: str) -> str:
    """Where conversations sit: the items of a top-level list, or the top-level object."""
    return "item" if shape == "array" else ""
