"""Token counts: known values for both encodings, a second implementation, chunking."""

import functools

import pytest
import tiktoken
from bpe_openai import registry
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import conversations, messages, tokens

# Known token ids (OpenAI's published tiktoken examples and tests) and counts.
KNOWN_IDS = {
    ("cl100k_base", "hello world"): [15339, 1917],
    ("o200k_base", "hello world"): [24912, 2375],
    ("cl100k_base", "Hello, world!"): [9906, 11, 1917, 0],
    ("o200k_base", "Hello, world!"): [13225, 11, 2375, 0],
}
KNOWN_COUNTS = [
    ("cl100k_base", "The quick brown fox jumps over the lazy dog.", 10),
    ("o200k_base", "The quick brown fox jumps over the lazy dog.", 10),
    ("cl100k_base", "こんにちは世界", 4),
    ("o200k_base", "こんにちは世界", 2),  # o200k's larger vocabulary covers CJK better
    ("cl100k_base", "I'm can't we'll", 6),
    ("o200k_base", "I'm can't we'll", 3),
    ("cl100k_base", "x" * 5000, 625),
]


@functools.cache
def reference(encoding: str) -> tiktoken.Encoding:
    """tiktoken's own BPE fed the rank files bpe-openai ships: no download."""
    spec = registry.ENCODING_CONSTRUCTORS[encoding]()
    return tiktoken.Encoding(
        name=f"reference-{encoding}",
        pat_str=spec["pat_str"],
        mergeable_ranks=spec["mergeable_ranks"],
        special_tokens=spec["special_tokens"],
    )


@pytest.mark.parametrize(("encoding", "text"), list(KNOWN_IDS))
def test_known_token_ids_and_counts(encoding, text):
    assert reference(encoding).encode_ordinary(text) == KNOWN_IDS[(encoding, text)]
    assert tokens.count_text(text, encoding) == len(KNOWN_IDS[(encoding, text)])


@pytest.mark.parametrize(("encoding", "text", "expected"), KNOWN_COUNTS)
def test_known_counts(encoding, text, expected):
    assert tokens.count_text(text, encoding) == expected
    assert len(reference(encoding).encode_ordinary(text)) == expected


def test_counts_are_per_encoding():
    text = "Compaction keeps conversations inside the model's context window."
    counts = {name: tokens.count_text(text, name) for name in tokens.ENCODINGS}
    assert counts == {name: len(reference(name).encode_ordinary(text)) for name in counts}


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), encoding=st.sampled_from(tokens.ENCODINGS))
def test_matches_tiktoken_on_any_text(text, encoding):
    expected = len(reference(encoding).encode_ordinary(text.encode("utf-8", "replace").decode()))
    assert tokens.count_text(text, encoding) == expected


def test_empty_and_none_count_zero():
    assert tokens.count_text("") == 0
    assert tokens.count_text(None) == 0


def test_lone_surrogates_are_counted_not_fatal():
    assert tokens.count_text("bad \ud800 text") > 0


@pytest.mark.parametrize(
    ("model", "encoding", "exact"),
    [
        ("gpt-4o", "o200k_base", True),
        ("gpt-4o-mini-2024-07-18", "o200k_base", True),
        ("openai/gpt-4.1", "o200k_base", True),
        ("o3-mini", "o200k_base", True),
        ("gpt-5", "o200k_base", True),
        ("gpt-4", "cl100k_base", True),
        ("gpt-4-turbo", "cl100k_base", True),
        ("gpt-3.5-turbo", "cl100k_base", True),
        ("text-embedding-3-small", "cl100k_base", True),
        ("cl100k_base", "cl100k_base", True),
        ("claude-3-5-sonnet", "o200k_base", False),
        ("llama-3-70b", "o200k_base", False),
        (None, "o200k_base", True),
        ("", "o200k_base", True),
    ],
)
def test_encoding_for_model(model, encoding, exact):
    assert tokens.encoding_for(model) == tokens.Encoding(encoding, exact)


def test_message_tokens_add_role_and_chat_framing():
    # OpenAI's chat format: 3 framing tokens + the role's token + the text.
    assert tokens.message_tokens("user", "hello world", "cl100k_base") == 2 + 1 + 3
    assert tokens.message_tokens("assistant", "", "o200k_base") == 1 + 3


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError):
        tokens.count_text("x", "p50k_base")


def _spaced(words: list[str]) -> str:
    return " ".join(words)


@settings(max_examples=40, deadline=None)
@given(
    words=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=120),
    size=st.integers(min_value=8, max_value=80),
    encoding=st.sampled_from(tokens.ENCODINGS),
)
def test_chunked_count_equals_whole_count(words, size, encoding):
    text = _spaced(words)
    pieces = list(tokens.chunks(text, size))
    assert "".join(pieces) == text
    assert all(len(p) <= size for p in pieces)
    tokenizer = reference(encoding)
    whole = len(tokenizer.encode_ordinary(text.encode("utf-8", "replace").decode()))
    if all(_cut_is_safe(text, pieces)):
        chunked = sum(len(tokenizer.encode_ordinary(p)) for p in pieces)
        assert chunked == whole


def _cut_is_safe(text: str, pieces: list[str]):
    """Whether each cut was made at a lone space (hard cuts are documented as approximate)."""
    position = 0
    for piece in pieces[:-1]:
        position += len(piece)
        yield text[position] == " " and not text[position - 1].isspace()


def test_long_text_is_counted_in_chunks_exactly():
    sentence = "Long conversations must fit a model's context without losing what matters. "
    text = sentence * 2000  # ~150k characters: three or more chunks
    assert len(list(tokens.chunks(text))) >= 3
    for encoding in tokens.ENCODINGS:
        assert tokens.count_text(text, encoding) == len(reference(encoding).encode_ordinary(text))


def test_append_stores_exact_count_in_the_models_encoding(db, alice):
    conv = conversations.create(db, alice, model="gpt-4")
    stored = messages.append(db, alice, conv["_id"], messages.NewMessage("user", "hello world"))
    assert stored["token_count"] == 6
    assert stored["token_encoding"] == "cl100k_base"
    other = messages.append(
        db, alice, conv["_id"], messages.NewMessage("assistant", "こんにちは世界", model="gpt-4o")
    )
    assert (other["token_count"], other["token_encoding"]) == (2 + 1 + 3, "o200k_base")


def test_append_keeps_a_count_the_caller_supplied(db, alice):
    conv = conversations.create(db, alice)
    stored = messages.append(
        db, alice, conv["_id"], messages.NewMessage("user", "hello world", token_count=42)
    )
    assert stored["token_count"] == 42
    assert "token_encoding" not in stored
