"""A corpus of bad files: each gets its clear 4xx error and leaves the store unchanged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import importers
from app.core.errors import Invalid, PayloadTooLarge, UnsupportedMedia
from app.core.importers.archive import ZipLimits
from tests import samples

COLLECTIONS = ("conversations", "messages", "summaries", "tags")


def snapshot(db) -> dict:
    return {name: sorted(map(repr, db[name].find())) for name in COLLECTIONS}


@pytest.fixture
def seeded(db, alice):
    """A store that already holds one import, so 'unchanged' means something."""
    importers.import_file(db, alice, samples.as_file(samples.chatbot_ui_export()))
    return snapshot(db)


def refuse(db, alice, body: bytes, error, match: str, strict: bool = False, **limits):
    """Import ``body`` in tiny batches (so some batches are written before the failure)."""
    options = importers.Limits(batch_size=1, **limits)
    with pytest.raises(error, match=match):
        importers.import_file(db, alice, io.BytesIO(body), limits=options, strict=strict)


def test_truncated_json_after_a_written_conversation_is_rolled_back(db, alice, seeded):
    whole = json.dumps(samples.chatgpt_export() + samples.chatgpt_export()).encode()
    truncated = whole[: int(len(whole) * 0.8)]
    refuse(db, alice, truncated, Invalid, r"not valid JSON after \d conversations")
    assert snapshot(db) == seeded


def test_strict_a_failure_in_a_later_conversation_removes_the_earlier_ones(db, alice, seeded):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = ["not", "a", "mapping"]
    body = json.dumps([samples.chatgpt_coding(), broken]).encode()
    match = r"conversation 2 \(\"Bird photo\"\): field 'mapping'"
    refuse(db, alice, body, Invalid, match, strict=True)
    assert snapshot(db) == seeded


def test_a_cycle_in_a_chatgpt_mapping_is_named(db, alice, seeded):
    cyclic = samples.chatgpt_coding()
    cyclic["mapping"]["ctx"]["parent"] = "out"  # ctx -> out -> empty -> a2 -> u1 -> ctx
    refuse(db, alice, json.dumps([cyclic]).encode(), Invalid, "Sorting dicts.*cycle")
    assert snapshot(db) == seeded


def test_a_cycle_among_kept_messages_is_found_too(db, alice, seeded):
    cyclic = samples.librechat_flat()
    cyclic["messages"][0]["parentMessageId"] = "m2"
    refuse(db, alice, json.dumps(cyclic).encode(), Invalid, "Haiku.*cycle")
    assert snapshot(db) == seeded


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda d: d["messages"][1].update(messageId={"$gt": ""}), "messageId' must be a string"),
        (lambda d: d.update(conversationId={"$ne": None}), "conversationId' must be a string"),
        (lambda d: d["messages"][2].update(createdAt="yesterday"), "createdAt' must be a date"),
        (lambda d: d["messages"][2].update(tokenCount="many"), "tokenCount' must be a number"),
        (lambda d: d.update(messages="nope"), "field 'messages' must be a list"),
        (lambda d: d["messages"].append(d["messages"][0]), "m1 appears twice"),
    ],
)
def test_wrong_types_and_injection_attempts_name_the_field(db, alice, seeded, mutate, match):
    document = samples.librechat_flat()
    mutate(document)
    refuse(db, alice, json.dumps(document).encode(), Invalid, match)
    assert snapshot(db) == seeded


def test_claude_with_an_unknown_sender_strictly(db, alice, seeded):
    document = samples.claude_export()
    document[1]["chat_messages"][1]["sender"] = "robot"
    body = json.dumps(document).encode()
    refuse(db, alice, body, Invalid, "conversation 2: message 2", strict=True)
    assert snapshot(db) == seeded


@pytest.mark.parametrize(
    "body,error,match",
    [
        (b"%PDF-1.4 not an export", UnsupportedMedia, "neither JSON nor a ZIP"),
        (b"", Invalid, "empty"),
        (b'{"foo": 1, "bar": [1, 2]}', Invalid, "unrecognised file format"),
        (b"[]", Invalid, "holds no conversations"),
        (b'"just a string"', Invalid, "unrecognised file format"),
        (b'{"format": "colloquy.export", "version": 9}', Invalid, "version 9"),
        (b"PK\x03\x04 broken zip", Invalid, "ZIP archive is damaged"),
    ],
)
def test_unreadable_files(db, alice, seeded, body, error, match):
    refuse(db, alice, body, error, match)
    assert snapshot(db) == seeded


def test_the_size_cap(db, alice, seeded):
    body = json.dumps(samples.chatgpt_export()).encode()
    refuse(db, alice, body, PayloadTooLarge, "larger than 100 bytes", max_file_bytes=100)
    assert snapshot(db) == seeded


@pytest.mark.parametrize("name", ["../evil.json", "/etc/evil.json", "a/../../b.json", "C:x.json"])
def test_zip_with_an_unsafe_member_name(db, alice, seeded, name):
    body = samples.chatgpt_zip({name: json.dumps([samples.chatgpt_coding()])})
    refuse(db, alice, body, Invalid, "unsafe member name")
    assert snapshot(db) == seeded


def test_zip_bomb_is_refused_before_inflating(db, alice, seeded):
    body = samples.chatgpt_zip({"bomb.json": b"[" + b" " * (8 * 1024 * 1024) + b"]"})
    refuse(db, alice, body, PayloadTooLarge, "bomb")
    assert snapshot(db) == seeded


def test_zip_that_unpacks_past_the_limit(db, alice, seeded):
    limits = ZipLimits(max_unpacked_bytes=1000)
    refuse(db, alice, samples.chatgpt_zip(), PayloadTooLarge, "unpacks to more", zip=limits)
    assert snapshot(db) == seeded


def test_zip_with_too_many_entries(db, alice, seeded):
    limits = ZipLimits(max_entries=3)
    refuse(db, alice, samples.chatgpt_zip(), Invalid, "more than 3 entries", zip=limits)
    assert snapshot(db) == seeded


def test_zip_member_lying_about_its_size_is_stopped(db, alice, seeded):
    body = bytearray(samples.zip_of({"conversations.json": json.dumps(samples.chatgpt_export())}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(body)))
    info = archive.infolist()[0]
    central = bytes(body).rindex(b"PK\x01\x02")
    body[central + 24 : central + 28] = (100).to_bytes(4, "little")  # stated size: 100 bytes
    assert info.file_size > 100
    refuse(db, alice, bytes(body), Invalid, "conversations.json is damaged")
    assert snapshot(db) == seeded


def test_zip_without_any_conversation_file(db, alice, seeded):
    body = samples.zip_of({"user.json": "{}", "chat.html": "<html></html>"})
    refuse(db, alice, body, Invalid, "no conversation file")
    assert snapshot(db) == seeded


def test_zip_with_a_corrupt_conversation_file_rolls_back_the_good_ones(db, alice, seeded):
    body = samples.chatgpt_zip({"conversations-002.json": '[{"mapping": {'})
    refuse(db, alice, body, Invalid, "conversations-002.json is not valid JSON")
    assert snapshot(db) == seeded


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda d: d["options"].update({"$where": "sleep(1000)"}), "field 'options'"),
        (lambda d: d["options"].update(seed=2**70), "integer"),
        (lambda d: d["messages"][0].update(content=[{"$set": 1}]), "field 'content'"),
        (lambda d: d.update(conversationId="x" * 201), "an id of 1-200 characters"),
        (lambda d: d["messages"][0].update(messageId=""), "an id of 1-200 characters"),
    ],
)
def test_operator_keys_and_oversized_ids_are_refused(db, alice, seeded, mutate, match):
    document = samples.librechat_flat()
    mutate(document)
    refuse(db, alice, json.dumps(document).encode(), Invalid, match)
    assert snapshot(db) == seeded


def colloquy_file(**changes) -> bytes:
    conversation = {"id": "c1", "title": "Mine", "messages": [], "summaries": []}
    message = {"id": "m1", "parent_message_id": "0", "role": "user", "text": "hi", "seq": 1}
    conversation["messages"].append({**message, **changes.pop("message", {})})
    conversation.update(changes)
    document = {"format": "colloquy.export", "version": 1, "conversations": [conversation]}
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "changes,match",
    [
        ({"id": 42}, "field 'id' must be a string id"),
        ({"metadata": {"$gt": ""}}, "field 'metadata'"),
        ({"extra": {"n": 2**70}}, "integer"),
        ({"status": "gone"}, "field 'status'"),
        ({"created_at": "last week"}, "field 'created_at'"),
        ({"message": {"role": "wizard"}}, "message 1: field 'role'"),
        ({"message": {"seq": "first"}}, "field 'seq' must be a number"),
        ({"summaries": [{"text": "no id"}]}, "summary 1: field 'id'"),
        ({"metadata": {"bad key!": 1}}, "field 'metadata' must be valid"),
        ({"message": {"text": "x" * 1_000_001}}, "field 'text' must be at most"),
    ],
)
def test_a_tampered_colloquy_export_is_refused(db, alice, seeded, changes, match):
    refuse(db, alice, colloquy_file(**changes), Invalid, match)
    assert snapshot(db) == seeded


def test_a_valid_minimal_colloquy_file_imports(db, alice):
    report = importers.import_file(db, alice, io.BytesIO(colloquy_file()))
    assert (report.conversations, report.messages) == (1, 1)
    assert db.conversations.find_one({"_id": "c1"})["user_id"] == "alice"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(samples.CHATGPT_PATHS), value=json_values)
def test_any_value_anywhere_in_a_chatgpt_file_is_a_clean_outcome(db, alice, path, value):
    """Whatever sits at a field, the import succeeds or says why: never a crash."""
    document = samples.chatgpt_coding()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    before = db.conversations.count_documents({})
    try:
        importers.import_file(db, alice, samples.as_file([document]), duplicates=True)
    except (Invalid, PayloadTooLarge, UnsupportedMedia):
        assert db.conversations.count_documents({}) == before


EVERY_FORMAT = [
    samples.chatgpt_export,
    samples.librechat_flat,
    samples.librechat_tree,
    samples.claude_export,
    samples.chatbot_ui_export,
    samples.colloquy_export,
]


def draw_location(data, document):
    """A random container inside ``document`` and one of its keys (or indexes)."""
    target = document
    while True:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        key = data.draw(st.sampled_from(keys))
        child = target[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            return target, key
        target = child


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_value_anywhere_in_any_format_is_a_clean_outcome(db, alice, data):
    document = data.draw(st.sampled_from(EVERY_FORMAT))()
    target, key = draw_location(data, document)
    target[key] = data.draw(json_values)
    before = db.conversations.count_documents({})
    try:
        importers.import_file(db, alice, samples.as_file(document), duplicates=True)
    except (Invalid, PayloadTooLarge, UnsupportedMedia):
        assert db.conversations.count_documents({}) == before
