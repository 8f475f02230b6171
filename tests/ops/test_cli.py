"""The commands, as a user runs them: ``colloquy …`` and ``flask --app wsgi …``.

They never seed demo data or print the server's banner, and a store they cannot reach
stops them with one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COLLOQUY = [str(BIN / "colloquy")]
FLASK = [str(BIN / "flask"), "--app", "wsgi"]
UNREACHABLE = "mongodb://127.0.0.1:1"


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """``command`` in ``cwd`` with a clean environment plus ``env`` (no store settings)."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    base.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(command, cwd=cwd, env=base, capture_output=True, text=True, timeout=120)


def test_commands_on_a_fresh_embedded_store_seed_nothing_and_print_no_banner(tmp_path):
    data = tmp_path / "data"
    exported = tmp_path / "alice.json"
    done = run([*COLLOQUY, "export", "--user", "alice", "--out", str(exported)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "exported 0 conversations of alice" in done.stdout  # no demo data appeared
    token = run([*FLASK, "create-token", "alice"], tmp_path)
    assert token.returncode == 0, token.stderr
    assert len(token.stdout.splitlines()) == 1
    for output in (done.stdout + done.stderr, token.stdout + token.stderr):
        assert "Seeded" not in output and "Colloquy is up" not in output
    assert not (data / "colloquy.bson").exists()
    assert json.loads(exported.read_text())["conversations"] == []


@pytest.mark.parametrize(
    "command",
    [
        [*COLLOQUY, "import", "conversations.json", "--user", "alice"],
        [*COLLOQUY, "export", "--user", "alice", "--out", "alice.json"],
        [*FLASK, "seed"],
    ],
    ids=["colloquy import", "colloquy export", "flask seed"],
)
def test_an_unreachable_store_is_one_line_and_a_failure(tmp_path, command):
    (tmp_path / "conversations.json").write_text("[]")
    done = run(command, tmp_path, MONGO_URI=UNREACHABLE, JWT_SECRET_KEY=TEST_SECRET)
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"Error: nothing done: the store at {UNREACHABLE} cannot be reached "
        "(ServerSelectionTimeoutError)"
    ]
    assert not (tmp_path / "alice.json").exists()


def test_create_token_needs_no_store(tmp_path):
    done = run(
        [*COLLOQUY, "create-token", "bob"],
        tmp_path,
        MONGO_URI=UNREACHABLE,
        JWT_SECRET_KEY=TEST_SECRET,
    )
    assert done.returncode == 0 and done.stdout.count(".") == 2, done.stderr
