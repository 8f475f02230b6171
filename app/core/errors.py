"""Domain exceptions, raised by core services and rendered by each HTTP dialect."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a failure the caller caused or can act on.

    ``status`` is the HTTP status a dialect uses unless it maps the type itself,
    ``code`` a stable machine-readable name, ``details`` optional structured data.
    """

    status = 400
    code = "invalid_request"

    def __init__(self, message: str, details: Any = None):
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(DomainError):
    """The request is well-formed but its values are not acceptable."""

    status = 400
    code = "invalid_request"


class InvalidField(Invalid):
    """One named field holds a value that cannot be accepted (``details``: field -> messages).

    Each dialect answers it as it answers its own request validation errors.
    """

    code = "validation_error"

    def __init__(self, field: str, message: str):
        super().__init__(message, {field: [message]})
        self.field = field


class Unauthenticated(DomainError):
    """No valid credentials came with the request."""

    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    status = 403
    code = "forbidden"


class NotOwned(Forbidden):
    """The resource exists but belongs to another user of the workspace.

    Dialects that must not reveal existence render it as their 404.
    """

    code = "not_owned"


class NotFound(DomainError):
    """No such resource in the caller's scope."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The resource's current state forbids the change (e.g. a compaction is running)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    """An uploaded body exceeds the configured limit."""

    status = 413
    code = "payload_too_large"


class UnsupportedMedia(DomainError):
    """An uploaded body is of a type the service cannot read."""

    status = 415
    code = "unsupported_media_type"


class Unavailable(DomainError):
    """A dependency (the store, an LLM) cannot be reached right now."""

    status = 503
    code = "unavailable"
