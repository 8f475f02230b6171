"""A conversation of an import file that was left out, and why.

An import takes every valid conversation of a file; each one is all or
nothing, and the ones refused are reported with their position in the file,
title, id and the reason (which names the field).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import DomainError

# what a malformed conversation raises, from a check or from a shape no check foresaw
CONVERSATION_ERRORS = (DomainError, TypeError, ValueError, KeyError, AttributeError)


@dataclass(frozen=True)
class Rejected:
    index: int  # position of the conversation in its file (or ZIP member), from 1
    title: str | None
    id: str | int | None
    reason: str

    def as_dict(self) -> dict:
        return {**asdict(self), "id": None if self.id is None else str(self.id)}


def reason_of(error: Exception, where: str) -> str:
    """The message of ``error``, naming the conversation it is about."""
    message = error.message if isinstance(error, DomainError) else f"malformed ({error!r})"
    return message if message.startswith(where) else f"{where}: {message}"
