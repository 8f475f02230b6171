"""pytest plugin: audit the query shapes the whole run issued (workers included).

Each process records shapes (``recorder``) and writes its verdicts to a shared
directory when it finishes; the controlling process merges them, prints the counts
of served / blocking-sort / scan shapes, and fails the run on any violation.
``QUERY_SHAPES_OUT=path.json`` also writes every verdict there.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from . import recorder
from .audit import Audit

DIRECTORY_VARIABLE = "COLLOQUY_QUERY_SHAPES_DIR"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if not _is_worker(config):
        os.environ[DIRECTORY_VARIABLE] = tempfile.mkdtemp(prefix="colloquy-shapes-")
    recorder.install()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    directory = Path(os.environ[DIRECTORY_VARIABLE])
    own = Audit.of(recorder.recorded).rows
    (directory / f"{os.getpid()}.json").write_text(json.dumps(own))
    if _is_worker(session.config):
        return
    audit = Audit()
    for path in directory.glob("*.json"):
        audit.merge(json.loads(path.read_text()))
    session.config._query_shape_audit = audit
    if os.environ.get("QUERY_SHAPES_OUT"):
        Path(os.environ["QUERY_SHAPES_OUT"]).write_text(json.dumps(audit.rows, indent=1))
    if audit.violations() and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    audit = getattr(config, "_query_shape_audit", None)
    if audit is None:
        return
    counts = ", ".join(f"{n} {c}" for c, n in audit.counts().items())
    terminalreporter.write_line(f"query shapes: {len(audit.rows)} ({counts})")
    violations = audit.violations()
    if violations:
        terminalreporter.write_sep("=", f"{len(violations)} query shapes no index serves")
        for shape, row in violations:
            terminalreporter.write_line(f"{row['category']}: {shape}")
            terminalreporter.write_line(f"    {row['detail']} ({', '.join(row['operations'])})")
        terminalreporter.write_line(
            "Serve them with an index in app/indexes.py, or explain them in "
            "tests/shapes/allowed.py."
        )
