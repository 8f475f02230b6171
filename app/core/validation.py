"""What a stored conversation value may be: titles, tags, sources, metadata, any JSON.

Every writer checks its input here before anything is written, so bad input is
refused with a domain error and never reaches the store. Two rules hold for
every stored value, because no client could read the value back otherwise:

- strings are valid Unicode: a lone surrogate (``"\\ud800"`` is valid JSON text
  but not UTF-8) is an ``InvalidField`` naming the field;
- numbers are finite: NaN and ±Infinity (accepted by Python's JSON reader, never
  valid JSON on the way out) are ``Invalid``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

from .errors import Invalid, InvalidField
from .limits import MODEL_MAX, SOURCE_MAX, TAG_MAX

TITLE_MAX = 1024
TAGS_PER_CONVERSATION = 100
METADATA_MAX_BYTES = 16 * 1024
METADATA_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
INT64 = 2**63
JSON_DEPTH_MAX = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: str, field: str) -> str:
    """``text`` unless it holds a lone surrogate (then ``InvalidField`` naming ``field``)."""
    if LONE_SURROGATE.search(text):
        raise InvalidField(field, f"{field} must be valid Unicode text (it holds a lone surrogate)")
    return text


def check_texts(**values: object) -> None:
    """``check_text`` for each string among ``values``, named by its keyword."""
    for field, value in values.items():
        if isinstance(value, str):
            check_text(value, field)


LABEL_MAX = {"model": MODEL_MAX, "endpoint": SOURCE_MAX}  # a conversation's model and endpoint


def clean_label(value: object, name: str) -> str:
    """A conversation's ``model`` or ``endpoint`` as a caller sets it: a non-empty string
    within its cap (``LABEL_MAX``)."""
    if not isinstance(value, str) or not value:
        raise InvalidField(name, f"{name} must be a non-empty string")
    if len(value) > LABEL_MAX[name]:
        raise InvalidField(name, f"{name} is at most {LABEL_MAX[name]} characters")
    return check_text(value, name)


def clean_title(title: object) -> str:
    """A title a caller chose, trimmed; empty ones and those over ``TITLE_MAX`` are refused."""
    if not isinstance(title, str):
        raise Invalid("title must be a string")
    cleaned = check_text(title, "title").strip()
    if not cleaned:
        raise Invalid("title must not be empty")
    if len(cleaned) > TITLE_MAX:
        raise InvalidField("title", f"title is at most {TITLE_MAX} characters")
    return cleaned


def fit_title(title: str | None) -> str | None:
    """A title from elsewhere (an import, a title model) made storable: trimmed, cut to
    ``TITLE_MAX`` characters, lone surrogates replaced; ``None`` if nothing is left."""
    fitted = LONE_SURROGATE.sub("\ufffd", title or "").strip()[:TITLE_MAX].strip()
    return fitted or None


def clean_tags(tags: object, field: str = "tags") -> list[str]:
    """Trim, drop empties and repeats (keeping order), and check counts and lengths."""
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise Invalid(f"{field} must be a list of strings")
    cleaned = list(dict.fromkeys(check_text(t, field).strip() for t in tags if t.strip()))
    if any(len(t) > TAG_MAX for t in cleaned):
        raise Invalid(f"a tag is at most {TAG_MAX} characters")
    if len(cleaned) > TAGS_PER_CONVERSATION:
        raise Invalid(f"a conversation has at most {TAGS_PER_CONVERSATION} tags")
    return cleaned


def clean_source(source: object) -> str:
    """A trimmed, non-empty source label of at most ``SOURCE_MAX`` characters."""
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCE_MAX:
        raise Invalid(f"source must be a non-empty string of at most {SOURCE_MAX} characters")
    return check_text(source, "source").strip()


def check_storable(value: object, what: str, depth: int = 0) -> None:
    """Refuse JSON that cannot be stored and read back: integers beyond 64 bits, numbers
    that are not finite, strings that are not valid Unicode, absurd nesting."""
    if depth > JSON_DEPTH_MAX:
        raise Invalid(f"{what} is nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_key(key, what)
            check_storable(item, what, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_storable(item, what, depth + 1)
    else:
        _check_scalar(value, what)


def _check_key(key: object, what: str) -> None:
    if not isinstance(key, str) or key.startswith("$") or "\x00" in key:
        raise Invalid(f"{what} has a key that cannot be stored: {key!r}")
    check_text(key, what)


def _check_scalar(value: object, what: str) -> None:
    if isinstance(value, str):
        check_text(value, what)
    elif isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"{what} holds a number that is not finite (NaN or Infinity)")
    elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise Invalid(f"{what} holds an integer beyond 64 bits")


def merge_metadata(current: dict, patch: object) -> dict:
    """Apply a JSON merge patch (``None`` removes a key) and check keys and total size."""
    if not isinstance(patch, dict):
        raise Invalid("metadata must be an object")
    merged = dict(current or {})
    for key, value in patch.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            raise Invalid(f"metadata key {key!r} must be 1-64 letters, digits, '_' or '-'")
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    check_storable(merged, "metadata")
    try:
        size = len(json.dumps(merged, default=str).encode())
    except (TypeError, ValueError) as exc:
        raise Invalid("metadata must be plain JSON") from exc
    if size > METADATA_MAX_BYTES:
        raise Invalid(f"metadata is at most {METADATA_MAX_BYTES} bytes of JSON")
    return merged


def setting_items(settings: dict) -> Iterator[tuple[str, object]]:
    """The ``(name, value)`` pairs of a settings patch, each name checked like a metadata key."""
    for key, value in settings.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            raise Invalid(f"setting {key!r} is not a valid name")
        check_storable(value, "settings")
        yield key, value
