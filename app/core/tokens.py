"""Token counts: exact and offline for OpenAI's ``cl100k_base`` and ``o200k_base``.

The counter is bpe-openai's Rust tokenizer, used through its public,
tiktoken-compatible API (``bpe_openai.get_encoding(name).encode_ordinary``); its
wheel ships both encodings' BPE ranks: nothing is downloaded, ever (tiktoken would
fetch its ``.tiktoken`` files on first use). Its tokens equal tiktoken's token for
token; the tests check both encodings against tiktoken fed the same shipped rank files.

Which encoding: ``encoding_for(model)``. GPT-4o, GPT-4.1/4.5, GPT-5, o1/o3/o4
and gpt-oss use ``o200k_base``; GPT-4, GPT-3.5 and the ``text-embedding-3`` /
``ada-002`` models use ``cl100k_base``; an encoding name is accepted as a model.
Any other model (Claude, Llama, Mistral…) has no public offline tokenizer here:
its count is an **estimate** made with ``o200k_base`` (modern BPE vocabularies
of 100k-200k entries land within roughly 10-20 % of it on English text), and
``Encoding.exact`` says so.

Chat overhead (OpenAI's chat format, as in OpenAI's cookbook recipe for
counting chat tokens): every message is framed as
``<|start|>{role}<|message|>{content}<|end|>``, so a message costs its text's
tokens plus ``MESSAGE_OVERHEAD`` (3) plus its role's tokens (1 for every role
used here). ``message_tokens`` returns that total; it is what is stored as a
message's ``token_count`` (with the ``token_encoding`` it was counted in). A
request adds 3 more tokens once, for the assistant's reply; no count here includes them.

Long texts are counted in chunks of about ``CHUNK_CHARS`` characters, cut only
before a single space that sits between two non-space characters: no
pre-token of either encoding spans such a cut, so the sum of the chunks'
counts is the exact count. A text with no such place in a chunk (one huge
"word") is cut hard there, which can be off by a token per cut. A chunk also stays
under the library's cap of 200,000 tokens a call (a character is at most 4 UTF-8
bytes, so at most 4 tokens).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import bpe_openai  # the Rust tokenizer behind tiktoken's API; the encodings ship in the wheel

ENCODINGS = ("cl100k_base", "o200k_base")
DEFAULT_ENCODING = "o200k_base"
MESSAGE_OVERHEAD = 3
CHUNK_CHARS = 50_000

_O200K_PREFIXES: tuple[str, ...] = (
    "gpt-4o",
    "chatgpt-4o",
    "gpt-4.1",
    "gpt-4.5",
    "gpt-5",
    "o1",
    "o3",
    "o4",
)
_O200K_PREFIXES += ("gpt-oss", "codex")
_CL100K_PREFIXES = ("gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002")


@dataclass(frozen=True)
class Encoding:
    """The encoding a model's text is counted in; ``exact`` False for an estimate."""

    name: str
    exact: bool


def encoding_for(model: str | None) -> Encoding:
    """The encoding of ``model`` (``None``: the default, counted exactly)."""
    if not model:
        return Encoding(DEFAULT_ENCODING, True)
    name = model.strip().lower().rsplit("/", 1)[-1]  # "openai/gpt-4o" -> "gpt-4o"
    if name in ENCODINGS:
        return Encoding(name, True)
    if name.startswith(_O200K_PREFIXES):
        return Encoding("o200k_base", True)
    if name.startswith(_CL100K_PREFIXES):
        return Encoding("cl100k_base", True)
    return Encoding(DEFAULT_ENCODING, False)


@functools.cache
def _encoding(name: str) -> bpe_openai.Encoding:
    if name not in ENCODINGS:
        raise ValueError(f"unknown encoding {name!r}")
    return bpe_openai.get_encoding(name)


def count_text(text: str | None, encoding: str = DEFAULT_ENCODING) -> int:
    """The exact number of tokens of ``text`` in ``encoding`` (no special tokens)."""
    if not text:
        return 0
    tokenizer = _encoding(encoding)
    return sum(len(tokenizer.encode_ordinary(_encodable(piece))) for piece in chunks(text))


def message_tokens(role: str, text: str | None, encoding: str = DEFAULT_ENCODING) -> int:
    """What one chat message costs: its text, its role and the chat framing."""
    return count_text(text, encoding) + count_text(role, encoding) + MESSAGE_OVERHEAD


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """``text`` in pieces of at most ``size`` characters, cut where counting stays exact."""
    start = 0
    while len(text) - start > size:
        cut = _safe_cut(text, start + size // 2, start + size)
        yield text[start:cut]
        start = cut
    yield text[start:]


def _safe_cut(text: str, lowest: int, highest: int) -> int:
    """The last position in ``[lowest, highest]`` of a lone space between non-spaces."""
    position = text.rfind(" ", lowest, highest + 1)
    while position > lowest:
        before, after = text[position - 1], text[position + 1 : position + 2]
        if not before.isspace() and after and not after.isspace():
            return position
        position = text.rfind(" ", lowest, position)
    return highest


def _encodable(text: str) -> str:
    """``text`` with lone surrogates (valid in JSON, not in UTF-8) replaced."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
