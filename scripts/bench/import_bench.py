"""Import benchmark: a generated ChatGPT export of 100+ MB, parsed two ways in one run.

(a) the plain incremental parse: ``ijson.items`` over the file, counting nodes;
(b) parse and transform: Colloquy's importer up to the documents it would
    write (detection, tree re-linking, rendering, ids, counters), no database.

Each runs in its own subprocess so its peak memory (``ru_maxrss``) is its
own; both load the app and the tokenizer tables first, so the growth shown is
what the parse itself needs. Prints messages/s, time and peak memory of both, and (b)'s time as a
multiple of (a)'s. Usage: ``python scripts/bench/import_bench.py [--mb 110]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "the model answer python list dict sort key value function return loop data file "
    "error request server client cache index query token context summary branch"
)
WORDS = VOCABULARY.split()


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def node(node_id, parent, role, content, at, model=None, hidden=False):
    metadata = {"model_slug": model} if model else {}
    if hidden:
        metadata["is_visually_hidden_from_conversation"] = True
    return {
        "id": node_id,
        "parent": parent,
        "children": [],
        "message": {
            "id": node_id,
            "author": {"role": role, "name": "python" if role == "tool" else None},
            "create_time": at,
            "content": content,
            "status": "finished_successfully",
            "metadata": metadata,
            "recipient": "all",
        },
    }


def conversation(rng: random.Random, index: int) -> dict:
    """A conversation with a hidden system node, turns, code, output and regenerations."""
    start = 1_700_000_000 + index * 600
    mapping = {"root": {"id": "root", "message": None, "parent": None, "children": []}}
    mapping["sys"] = node("sys", "root", "system", {"content_type": "text", "parts": [""]}, None)
    mapping["sys"]["message"]["metadata"]["is_visually_hidden_from_conversation"] = True
    parent, at = "sys", start
    for turn in range(rng.randint(4, 24)):
        at += 7
        user = f"c{index}u{turn}"
        text = {"content_type": "text", "parts": [sentence(rng, rng.randint(8, 60))]}
        mapping[user] = node(user, parent, "user", text, at)
        answers = 2 if rng.random() < 0.15 else 1  # regenerations branch the tree
        for variant in range(answers):
            reply = f"c{index}a{turn}v{variant}"
            if rng.random() < 0.2:
                body = {"content_type": "code", "language": "python", "text": "print(1)\n" * 5}
            else:
                parts = [sentence(rng, rng.randint(30, 260)) for _ in range(rng.randint(1, 3))]
                body = {"content_type": "text", "parts": ["\n\n".join(parts)]}
            mapping[reply] = node(reply, user, "assistant", body, at + 1 + variant, "gpt-4o")
        parent = reply
        if body["content_type"] == "code":
            output = f"c{index}o{turn}"
            result = {"content_type": "execution_output", "text": "1\n" * 5}
            mapping[output] = node(output, parent, "tool", result, at + 3)
            parent = output
    for key, value in mapping.items():
        if value["parent"] in mapping:
            mapping[value["parent"]]["children"].append(key)
    return {
        "title": f"Conversation {index}",
        "create_time": start,
        "update_time": at,
        "mapping": mapping,
        "current_node": parent,
        "conversation_id": f"bench-{index}",
        "default_model_slug": "gpt-4o",
    }


def generate(path: Path, megabytes: int) -> tuple[int, int]:
    """Write a ChatGPT ``conversations.json`` of at least ``megabytes`` MB; (convs, nodes)."""
    rng = random.Random(5)
    target = megabytes * 1_000_000
    written = conversations = nodes = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        while written < target:
            body = json.dumps(conversation(rng, conversations))
            out.write(("," if conversations else "") + body)
            written += len(body) + 1
            conversations += 1
            nodes += body.count('"author"')
        out.write("]")
    return conversations, nodes


def measure_plain(path: str) -> int:
    import ijson

    messages = 0
    with open(path, "rb") as stream:
        for item in ijson.items(stream, "item", use_float=True):
            messages += sum(1 for n in item["mapping"].values() if n.get("message"))
    return messages


def measure_import(path: str) -> int:
    from app.core import importers
    from app.core.scope import Scope

    owner = Scope.for_user("bench")
    messages = 0
    with open(path, "rb") as stream:
        for prepared, _ in importers.prepared_documents(
            stream, owner, "bench-batch", importers.Limits()
        ):
            messages += len(prepared.messages)
    return messages


def child(mode: str, path: str) -> None:
    """Run one measurement and print JSON: messages, seconds, peak RSS (MiB)."""
    import ijson  # noqa: F401  (import cost outside the timing, for both modes)

    from app.core import importers, tokens  # noqa: F401

    for encoding in tokens.ENCODINGS:  # the tokenizer tables load once, whatever the file
        tokens.count_text("warm up", encoding)

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    messages = measure_plain(path) if mode == "plain" else measure_import(path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"messages": messages, "seconds": seconds, "peak": peak, "base": baseline}))


def run(mode: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=110, help="size of the generated export")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    import ijson

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conversations.json"
        started = time.perf_counter()
        conversations, nodes = generate(path, args.mb)
        size = os.path.getsize(path) / 1_000_000
        print(
            f"generated {size:.1f} MB: {conversations} conversations, {nodes} nodes "
            f"in {time.perf_counter() - started:.1f} s (ijson backend: {ijson.backend})"
        )
        plain, full = run("plain", path), run("import", path)
    for name, result in (("(a) plain ijson parse", plain), ("(b) parse + transform", full)):
        rate = result["messages"] / result["seconds"]
        print(
            f"{name:24} {result['messages']:>8} messages  {result['seconds']:6.2f} s  "
            f"{rate:>9,.0f} msg/s  peak RSS {result['peak']:6.1f} MiB "
            f"(+{result['peak'] - result['base']:.1f} over the loaded interpreter)"
        )
    print(f"parse + transform takes {full['seconds'] / plain['seconds']:.2f}x the plain parse")


if __name__ == "__main__":
    main()
