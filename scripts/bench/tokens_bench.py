"""Token counting throughput: our counter against the tokenizer libraries' raw encode.

Same text, same process: ``app.core.tokens.count_text`` (bpe-openai's Rust
tokenizer, chunked where counting stays exact) against bpe-openai's raw
``encode_ordinary`` over plain slices of the same size (one call takes at most
200,000 tokens) and tiktoken's ``encode_ordinary`` of the whole text (fed the same
shipped rank files, when tiktoken is installed). Figures are ratios to the raw
encode, measured in this run.

    .venv/bin/python scripts/bench/tokens_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bpe_openai
from bpe_openai import registry

from app.core import tokens

PARAGRAPH = (
    "Long conversations must fit a model's context without losing what matters. "
    "def compact(messages):\n    return [m for m in messages if m.pinned]\n"
    "Zusammenfassungen sparen Tokens; 要約はトークンを節約します。 Numbers: 3.14159, 2026-11-22.\n"
)
REPEATS = 5


def best_seconds(function, text: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def raw_count(encoding: str):
    """bpe-openai's own ``encode_ordinary`` over plain ``CHUNK_CHARS`` slices."""
    encode = bpe_openai.get_encoding(encoding).encode_ordinary
    size = tokens.CHUNK_CHARS
    return lambda text: sum(len(encode(text[i : i + size])) for i in range(0, len(text), size))


def tiktoken_encoder(encoding: str):
    try:
        import tiktoken
    except ImportError:
        return None
    spec = registry.ENCODING_CONSTRUCTORS[encoding]()
    return tiktoken.Encoding(
        name=f"bench-{encoding}",
        pat_str=spec["pat_str"],
        mergeable_ranks=spec["mergeable_ranks"],
        special_tokens=spec["special_tokens"],
    ).encode_ordinary


def main() -> None:
    text = PARAGRAPH * 4000  # ~900 k characters
    megabytes = len(text.encode()) / 1e6
    print(f"text: {len(text):,} characters ({megabytes:.2f} MB)")
    for encoding in tokens.ENCODINGS:
        ours = best_seconds(lambda t, e=encoding: tokens.count_text(t, e), text)
        baseline = best_seconds(raw_count(encoding), text)
        count = tokens.count_text(text, encoding)
        print(
            f"{encoding}: {count:,} tokens; count_text {megabytes / ours:.1f} MB/s, "
            f"bpe-openai raw encode {megabytes / baseline:.1f} MB/s "
            f"(ratio {baseline / ours:.2f}x)"
        )
        reference = tiktoken_encoder(encoding)
        if reference is not None:
            theirs = best_seconds(reference, text)
            assert len(reference(text)) == count, "chunked count must equal the whole count"
            print(
                f"  tiktoken encode_ordinary {megabytes / theirs:.1f} MB/s "
                f"(count_text is {theirs / ours:.2f}x its speed)"
            )


if __name__ == "__main__":
    main()
