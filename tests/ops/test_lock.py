"""The lock files: made from pyproject.toml as it is, every declared dependency pinned
within its bounds and with hashes, and the service pinned as the tests run it."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.ops.server import ROOT

_spec = importlib.util.spec_from_file_location("lockfile", ROOT / "scripts" / "lockfile.py")
assert _spec and _spec.loader
lockfile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lockfile)

PYPROJECT = """
[project]
name = "x"
requires-python = ">=3.11"
dependencies = ["flask>=3.1,<4", "gunicorn>=22"]
[project.optional-dependencies]
test = ["pytest>=8"]
"""


def test_the_committed_lock_files_were_made_from_pyproject():
    assert lockfile.stale() == [], "run `make lock`"


def test_the_fingerprint_ignores_comments_and_order():
    reordered = PYPROJECT.replace(
        '["flask>=3.1,<4", "gunicorn>=22"]', '[\n  "gunicorn>=22",  # why\n  "flask>=3.1,<4",\n]'
    )
    assert lockfile.fingerprint(reordered) == lockfile.fingerprint(PYPROJECT)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('"gunicorn>=22"]', '"gunicorn>=22", "flask-cors>=5"]'),  # a dependency added
        ('"gunicorn>=22"]', '"gunicorn>=23"]'),  # re-bounded
        ('["pytest>=8"]', '["pytest>=8", "jsonschema"]'),  # a test dependency added
        ('">=3.11"', '">=3.12"'),
    ],
)
def test_a_changed_declaration_makes_both_locks_stale(tmp_path, before, after):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    for name in lockfile.LOCK_FILES:
        (tmp_path / name).write_text("# made by uv\nflask==3.1.0\n")
    assert lockfile.stale(tmp_path) == list(lockfile.LOCK_FILES)
    lockfile.stamp(tmp_path)
    lockfile.stamp(tmp_path)  # stamping again replaces the stamp
    assert lockfile.stale(tmp_path) == []
    assert (tmp_path / "requirements.lock").read_text().count(lockfile.STAMP_PREFIX) == 1
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace(before, after))
    assert lockfile.stale(tmp_path) == list(lockfile.LOCK_FILES)


def pins(lock: str) -> dict[str, set[str]]:
    """Each package of a lock file with its pinned versions (one per platform marker)."""
    pinned: dict[str, set[str]] = {}
    for line in (ROOT / lock).read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            requirement = Requirement(line.rstrip(" \\"))
            (version,) = [spec.version for spec in requirement.specifier if spec.operator == "=="]
            pinned.setdefault(canonicalize_name(requirement.name), set()).add(version)
    return pinned


def declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))]
)
def test_every_declared_dependency_is_pinned_within_its_bounds(lock, extras):
    pinned = pins(lock)
    for requirement in declared(*extras):
        versions = pinned.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {lock}: run `make lock`"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in versions)


def test_the_service_is_pinned_as_the_tests_run_it():
    service, tests = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: tests.get(name) for name in service} == service


@pytest.mark.parametrize("lock", lockfile.LOCK_FILES)
def test_every_pin_carries_hashes(lock):
    lines = (ROOT / lock).read_text().splitlines()
    requirements = [line for line in lines if line and not line[0].isspace() and line[0] != "#"]
    assert requirements
    assert all(line.endswith("\\") for line in requirements), "a pin without --hash"
