"""Deeply nested uploads are refused before the parser pays for them; memory stays flat."""

from __future__ import annotations

import io
import json
import tracemalloc

import ijson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import importers
from app.core.errors import Invalid
from app.core.importers.nesting import NestingGuard, NestingLimits
from tests import samples

MIB = 1024 * 1024


def peak_while_importing(db, scope, body: bytes) -> tuple[Exception | None, float]:
    """Import ``body``; the error it raised (or None) and the peak traced memory in MiB."""
    tracemalloc.start()
    error = None
    try:
        importers.import_file(db, scope, io.BytesIO(body))
    except Invalid as exc:
        error = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
    return error, peak


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 20_000 + b"]" * 20_000, id="20,000 arrays"),
        pytest.param(b"[" * 100_000, id="100,000 arrays, never closed"),
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="100,000 objects"),
        pytest.param(
            b'[{"mapping": ' + b'{"n": [' * 30_000 + b"]}" * 30_000 + b"}]", id="inside ChatGPT"
        ),
    ],
)
def test_deep_nesting_is_refused_naming_the_limit_in_flat_memory(db, alice, body):
    error, peak = peak_while_importing(db, alice, body)

    assert error is not None
    assert "more than 2000 levels deep" in error.message
    assert peak < 24, f"peak {peak:.1f} MiB"
    assert db.conversations.count_documents({}) == 0


def test_long_keys_along_a_deep_path_are_refused(db, alice):
    key = b'"' + b"k" * 50_000 + b'":'
    body = b"[" + b"{" + (key + b"{") * 1_500 + b"1" + b"}" * 1_501 + b"]"
    error, peak = peak_while_importing(db, alice, body)

    assert error is not None and "keys that add up to more than" in error.message
    assert peak < 48, f"peak {peak:.1f} MiB"


def test_many_deep_branches_exhaust_the_work_budget(db, alice):
    limits = NestingLimits(work_base=1_000_000, work_per_byte=1)
    branch = b"[" * 1_500 + b"]" * 1_500
    body = b"[" + b",".join([branch] * 400) + b"]"
    with pytest.raises(Invalid, match="too intricately to read"):
        importers.import_file(db, alice, io.BytesIO(body), limits=importers.Limits(nesting=limits))


def test_a_deep_zip_member_is_named(db, alice):
    body = samples.zip_of({"conversations.json": b"[" * 5_000 + b"]" * 5_000})
    with pytest.raises(Invalid, match=r"ZIP member conversations\.json nests values more than"):
        importers.import_file(db, alice, io.BytesIO(body))


def librechat_chain(messages: int) -> bytes:
    """A LibreChat recursive export whose one branch is ``messages`` long (written by hand:
    ``json.dumps`` recurses)."""
    opening, closing = [], []
    for index in range(messages):
        fields = {
            "messageId": f"m{index}",
            "text": f'turn {index} {{[not structure]}} "quoted" \\',
            "isCreatedByUser": index % 2 == 0,
            "sender": "User" if index % 2 == 0 else "GPT-4o",
            "createdAt": f"2024-05-01T10:{index // 60 % 60:02d}:{index % 60:02d}.000Z",
        }
        opening.append(json.dumps(fields)[:-1] + ', "children": [')
        closing.append("]}")
    head = '{"conversationId": "deep-chain", "title": "A long chain", "recursive": true, '
    body = head + '"messages": [' + "".join(opening) + "".join(closing) + "]}"
    return body.encode()


def test_a_long_librechat_tree_still_imports(db, alice):
    report = importers.import_file(db, alice, io.BytesIO(librechat_chain(600)))
    assert (report.conversations, report.messages) == (1, 600)


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='ab"\\[]{}: \n\u00e9', max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet='ab"\\[]{}: \n\u00e9', max_size=40), inner, max_size=4)
    ),
    max_leaves=30,
)


def parser_work(body: bytes) -> int:
    """What ijson really builds: the length of the path of every object and array it opens."""
    return sum(
        len(prefix.encode())
        for prefix, event, _ in ijson.parse(io.BytesIO(body))
        if event in ("start_map", "start_array")
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, chunk=st.integers(1, 40), indent=st.sampled_from([None, 0, 2]))
def test_the_guard_never_counts_less_than_the_parser_builds(value, chunk, indent):
    """Whatever the strings, escapes, keys and chunk boundaries: depth exact, work bounded above."""
    body = json.dumps(value, indent=indent, ensure_ascii=False).encode()
    guard = NestingGuard(io.BytesIO(body))
    while guard.read(chunk):
        pass
    assert guard.paths == [] and not guard.in_string
    assert guard.work >= parser_work(body)
