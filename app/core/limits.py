"""Input limits every layer shares, written once: the schemas that validate a request
and the core that stores it read the same numbers.

``deeper_than`` measures how deeply JSON text nests without parsing it, so a hostile
body or cursor is refused before any recursive parser sees it.
"""

from __future__ import annotations

import re

ID_MAX = 200  # any id: conversation, message, user, workspace, assistant, thread
MODEL_MAX = 200  # a model name
TAG_MAX = 128
SOURCE_MAX = 64  # where a conversation came from (api, widget, …), LibreChat's endpoint
BODY_DEPTH_MAX = 64  # a JSON request body: the deepest storable value plus its envelope

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_OPENERS = frozenset(b"[{")


def deeper_than(raw: bytes, limit: int) -> bool:
    """Whether the JSON text ``raw`` nests arrays and objects more than ``limit`` deep.

    Linear time, no recursion: strings are skipped (brackets inside them do not
    count), then brackets are counted. Text that is not JSON gets an answer too;
    the parser that runs next rejects it.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        depth += 1 if bracket[0] in _OPENERS else -1
        if depth > limit:
            return True
    return False
