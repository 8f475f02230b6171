"""Words: the normalised tokens that search matches, for stored text and queries alike.

``words_of(text)`` gives the distinct words of ``text``, in order of first appearance:

- compatibility-decomposed (NFKD) and case-folded, with combining marks dropped, so
  ``Café``, ``CAFE`` and ``café`` are all ``cafe``, ``ﬁle`` is ``file``, ``Straße`` is
  ``strasse``;
- split on everything that is not a letter or a digit (spaces, punctuation, symbols,
  ``_``), so ``.*``, ``$gt`` or ``{"$gt": ""}`` are at most the plain words ``gt``;
- each Han ideograph and each kana is a word of its own (those scripts put no spaces
  between words), so a query in them matches by its characters;
- bounded: a word keeps its first ``WORD_CHARS_MAX`` characters, and a text yields at
  most ``WORDS_MAX`` words (its first distinct ones). Queries go through the same
  function, so a long word still matches itself; words of a document past the first
  ``WORDS_MAX`` distinct ones are not found by search.

Pure: no I/O, the same answer for the same text.
"""

from __future__ import annotations

import re
import unicodedata

WORDS_MAX = 2000
WORD_CHARS_MAX = 64

_SPACELESS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana, Han ideographs
_WORD = re.compile(rf"[{_SPACELESS}]|[^\W_{_SPACELESS}]+")


def fold(text: str) -> str:
    """``text`` decomposed, case-folded and without combining marks."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def words_of(text: str | None) -> list[str]:
    """The distinct normalised words of ``text`` (module docstring), at most ``WORDS_MAX``."""
    if not text:
        return []
    distinct: dict[str, None] = {}
    for match in _WORD.finditer(fold(text)):
        distinct[match.group()[:WORD_CHARS_MAX]] = None
        if len(distinct) == WORDS_MAX:
            break
    return list(distinct)
