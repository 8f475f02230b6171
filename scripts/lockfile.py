"""Whether the lock files were made from pyproject.toml's dependencies as they are now.

``requirements.lock`` (the service's dependencies) and ``requirements-test.lock``
(those plus the ``test`` extra) pin every package with its hashes. ``make lock``
makes them from pyproject.toml with uv, then ``stamp`` writes into each a
fingerprint of pyproject.toml's dependency declarations (``requires-python``,
``dependencies``, ``optional-dependencies``; comments and order aside). ``check``
computes it again: a dependency added, dropped or re-bounded in pyproject.toml
without ``make lock`` fails every install (``make run``, ``make test``, CI) at
once, naming the command to run. Standard library only: it runs before anything
is installed.

    python3 scripts/lockfile.py check
    python3 scripts/lockfile.py stamp
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK_FILES = ("requirements.lock", "requirements-test.lock")
STAMP_PREFIX = "# pyproject.toml dependencies sha256: "


def fingerprint(pyproject: str) -> str:
    """A digest of the dependency declarations in the text of a pyproject.toml."""
    project = tomllib.loads(pyproject)["project"]
    declared = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            extra: sorted(requirements)
            for extra, requirements in project.get("optional-dependencies", {}).items()
        },
    }
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def stamped(lock: str) -> str | None:
    """The fingerprint a lock file was stamped with, if any."""
    for line in lock.splitlines():
        if line.startswith(STAMP_PREFIX):
            return line.removeprefix(STAMP_PREFIX).strip()
    return None


def with_stamp(lock: str, digest: str) -> str:
    """The lock file's text with its stamp line (first) replaced by ``digest``."""
    kept = [line for line in lock.splitlines(keepends=True) if not line.startswith(STAMP_PREFIX)]
    return STAMP_PREFIX + digest + "\n" + "".join(kept)


def stale(root: Path = ROOT) -> list[str]:
    """The lock files missing, or made from other dependencies than pyproject.toml's."""
    digest = fingerprint((root / "pyproject.toml").read_text())
    return [
        name
        for name in LOCK_FILES
        if not (root / name).is_file() or stamped((root / name).read_text()) != digest
    ]


def stamp(root: Path = ROOT) -> None:
    digest = fingerprint((root / "pyproject.toml").read_text())
    for name in LOCK_FILES:
        path = root / name
        path.write_text(with_stamp(path.read_text(), digest))


def main(argv: list[str]) -> int:
    if argv == ["stamp"]:
        stamp()
        return 0
    if argv != ["check"]:
        print(__doc__, file=sys.stderr)
        return 2
    out_of_date = stale()
    if not out_of_date:
        return 0
    print(
        f"error: {' and '.join(out_of_date)} do not match pyproject.toml's dependencies.\n"
        "Run `make lock` (it keeps every other pin) and commit pyproject.toml with both "
        "lock files.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
