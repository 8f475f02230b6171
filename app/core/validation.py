"""What a stored conversation value may be: titles, tags, sources, metadata, any JSON.

Every writer checks its input here before anything is written, so bad input is
refused with a domain error and never reaches the store.
"""

from __future__ import annotations

import json
import re

from .errors import Invalid

TITLE_MAX = 1024
SOURCES_MAX = 64
TAG_MAX = 128
TAGS_PER_CONVERSATION = 100
METADATA_MAX_BYTES = 16 * 1024
METADATA_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
INT64 = 2**63
JSON_DEPTH_MAX = 32


def clean_title(title: object) -> str:
    """Trim a title and cut it to ``TITLE_MAX`` characters; reject empty ones."""
    if not isinstance(title, str):
        raise Invalid("title must be a string")
    cleaned = title.strip()[:TITLE_MAX].strip()
    if not cleaned:
        raise Invalid("title must not be empty")
    return cleaned


def clean_tags(tags: object) -> list[str]:
    """Trim, drop empties and repeats (keeping order), and check counts and lengths."""
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise Invalid("tags must be a list of strings")
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if any(len(t) > TAG_MAX for t in cleaned):
        raise Invalid(f"a tag is at most {TAG_MAX} characters")
    if len(cleaned) > TAGS_PER_CONVERSATION:
        raise Invalid(f"a conversation has at most {TAGS_PER_CONVERSATION} tags")
    return cleaned


def clean_source(source: object) -> str:
    """A trimmed, non-empty source label of at most ``SOURCES_MAX`` characters."""
    if not isinstance(source, str) or not source.strip() or len(source) > SOURCES_MAX:
        raise Invalid(f"source must be a non-empty string of at most {SOURCES_MAX} characters")
    return source.strip()


def check_storable(value: object, what: str, depth: int = 0) -> None:
    """Refuse JSON a BSON document cannot hold: integers beyond 64 bits, absurd nesting."""
    if depth > JSON_DEPTH_MAX:
        raise Invalid(f"{what} is nested too deeply")
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise Invalid(f"{what} holds an integer beyond 64 bits")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$") or "\x00" in key:
                raise Invalid(f"{what} has a key that cannot be stored: {key!r}")
            check_storable(item, what, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_storable(item, what, depth + 1)


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


def setting_items(settings: dict):
    """The ``(name, value)`` pairs of a settings patch, each name checked like a metadata key."""
    for key, value in settings.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            raise Invalid(f"setting {key!r} is not a valid name")
        yield key, value
