"""The container image, checked without a Docker daemon.

What the Dockerfile does in which order, what the build context holds (``.dockerignore``),
and that the files the image copies serve the image's own health check on ``$PORT``.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.ops.server import ROOT, free_port, serve

LOCK = "requirements.lock"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    logical, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1].strip()) for text in logical]


def copied_sources() -> list[str]:
    """Every path a COPY instruction takes from the build context."""
    sources = []
    for keyword, arguments in instructions():
        if keyword == "COPY":
            words = [word for word in arguments.split() if not word.startswith("--")]
            sources += [word.rstrip("/") for word in words[:-1]]
    return sources


def position(predicate) -> int:
    return next(i for i, step in enumerate(instructions()) if predicate(*step))


def test_dependencies_get_their_own_layer_from_the_lock_before_the_source():
    copy_lock = position(lambda k, a: k == "COPY" and a.split()[:-1] == [LOCK])
    install_lock = position(lambda k, a: k == "RUN" and f"--require-hashes -r {LOCK}" in a)
    first_source = position(lambda k, a: k == "COPY" and a.split()[:-1] != [LOCK])
    install_project = position(lambda k, a: k == "RUN" and "pip install --no-deps ." in a)
    assert copy_lock < install_lock < first_source < install_project
    pip_runs = [a for k, a in instructions() if k == "RUN" and "pip install" in a]
    assert len(pip_runs) == 2, "every dependency comes from the lock, nothing else is resolved"


def healthcheck_argv() -> list[str]:
    (arguments,) = [a for k, a in instructions() if k == "HEALTHCHECK"]
    return json.loads(arguments.split(" CMD ", 1)[1])


def test_the_health_check_follows_port():
    command = " ".join(healthcheck_argv())
    assert "PORT" in command
    assert "8000" not in command.replace("'PORT', '8000'", "")  # only as PORT's default


def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def in_context(path: str) -> bool:
    """Whether Docker sends ``path`` to the build: the last pattern matching it or a parent
    directory decides, ``!`` patterns put back what earlier ones left out."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    sent = True
    for pattern in ignore_patterns():
        keep = pattern.startswith("!")
        glob = pattern.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatchcase(prefix, glob) for prefix in prefixes):
            sent = keep
    return sent


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return listing.stdout.split()


def test_the_build_context_holds_exactly_what_the_image_copies():
    sources = copied_sources()
    copied = {
        path
        for path in tracked_files()
        if any(path == source or path.startswith(source + "/") for source in sources)
    }
    assert {path for path in tracked_files() if in_context(path)} == copied
    assert "scripts" not in sources
    for path in ("scripts/bench/harness.py", "tests/conftest.py", "docs/architecture.md"):
        assert not in_context(path)
    for path in (".git/HEAD", ".venv/bin/python", "venv/bin/python", ".env", "data/x.bson"):
        assert not in_context(path)
    assert not in_context("app/__pycache__/db.cpython-311.pyc")


def image_files(destination: Path) -> Path:
    """The files the Dockerfile copies, laid out as in the image's working directory."""
    destination.mkdir()
    for source in copied_sources():
        origin = ROOT / source
        if origin.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(origin, destination / source, ignore=ignore)
        else:
            shutil.copy2(origin, destination / source)
    return destination


def run_healthcheck(cwd: Path, port: int) -> int:
    argv = [sys.executable, *healthcheck_argv()[1:]]  # the image's `python`
    env = {**os.environ, "PORT": str(port)}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=30).returncode


def test_the_images_files_alone_pass_its_health_check_on_port(tmp_path):
    image = image_files(tmp_path / "srv")
    port = free_port()
    with serve(tmp_path, ready_path="/healthz", root=image, HOST="127.0.0.1", PORT=str(port)):
        assert run_healthcheck(image, port) == 0
        assert run_healthcheck(image, free_port()) != 0  # nothing answers there
