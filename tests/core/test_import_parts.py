"""The importer's parts on their own: detection, ZIP names, tree re-linking, rendering."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from bson import ObjectId

from app.core import exports
from app.core.errors import Invalid, UnsupportedMedia
from app.core.importers import archive, chatgpt_render, detect
from app.core.importers.fields import Record, label
from app.core.importers.model import (
    ImportedConversation,
    ImportedMessage,
    nearest_kept,
    prepare,
)
from app.core.scope import Scope


def detected(document) -> detect.Detected | None:
    return detect.json_format(io.BytesIO(json.dumps(document).encode()))


@pytest.mark.parametrize(
    "document,expected",
    [
        ([{"title": "t", "mapping": {}}], ("chatgpt", "array")),
        ({"title": "t", "mapping": {}}, ("chatgpt", "object")),
        ([{"uuid": "u", "chat_messages": []}], ("claude", "array")),
        ({"history": [], "folders": [], "version": 4}, ("chatbot-ui", "object")),
        ({"conversationId": "c", "title": "t", "messagesTree": []}, ("librechat", "object")),
        ({"messages": [], "conversationId": "c"}, ("librechat", "object")),
        ([{"conversationId": "c", "messages": []}], ("librechat", "array")),
        ({"format": "colloquy.export", "version": 1, "conversations": []}, ("colloquy", "object")),
        ({"conversations": [], "version": 1, "format": "colloquy.export"}, ("colloquy", "object")),
    ],
)
def test_formats_are_told_from_their_keys_in_any_order(document, expected):
    found = detected(document)
    assert (found.format, found.shape) == expected


def test_colloquy_detection_carries_the_version():
    assert detected({"format": "colloquy.export", "version": 7}).version == 7
    assert detected({"format": "colloquy.export"}).version is None


@pytest.mark.parametrize(
    "document",
    [{"hello": "world"}, [{"id": 1}], {"history": []}, {"conversationId": "c"}, [1, 2]],
)
def test_unknown_shapes_are_not_guessed(document):
    assert detected(document) is None


def test_an_empty_list_is_recognised_as_empty():
    assert detected([]) is detect.EMPTY


def test_detection_stops_early_on_a_decisive_key():
    """A huge file is not read to its end to learn its format."""
    body = b'[{"mapping": {}, "title": "x"}' + b", " * 10 + b"<garbage"
    assert detect.json_format(io.BytesIO(body)).format == "chatgpt"


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"PK\x03\x04rest", "zip"),
        (b"PK\x05\x06", "zip"),
        (b"  \n[", "json"),
        (b"{", "json"),
        (b"\xef\xbb\xbf{", "json"),
    ],
)
def test_containers(head, kind):
    stream = io.BytesIO(head)
    assert detect.container(stream) == kind
    assert stream.tell() == 0


@pytest.mark.parametrize("head", [b"GIF89a", b"<html>", b"\x00\x01", b"plain text"])
def test_other_containers_are_unsupported_media(head):
    with pytest.raises(UnsupportedMedia):
        detect.container(io.BytesIO(head))


def test_without_bom_rewinds_past_the_mark():
    stream = detect.without_bom(io.BytesIO(b"\xef\xbb\xbf[1]"))
    assert stream.read() == b"[1]"
    stream.seek(0)
    assert stream.read(1) == b"["
    plain = io.BytesIO(b"[1]")
    assert detect.without_bom(plain) is plain


@pytest.mark.parametrize(
    "name,unsafe",
    [
        ("conversations.json", False),
        ("conversations/abc.json", False),
        ("a..b.json", False),
        ("../x.json", True),
        ("a/../../x.json", True),
        ("/abs.json", True),
        ("C:/x.json", True),
        ("dir\\x.json", True),
        ("nul\x00.json", True),
    ],
)
def test_unsafe_zip_names(name, unsafe):
    assert archive.unsafe_name(name) is unsafe


def test_zip_members_are_listed_in_name_order_and_only_json():
    from tests import samples

    body = samples.zip_of({"b.json": "[]", "a.json": "[]", "x.html": "<p>", "d/": ""})
    names = [name for name, _ in archive.json_members(io.BytesIO(body), archive.ZipLimits())]
    assert names == ["a.json", "b.json"]


def test_a_zip_member_reads_again_after_a_rewind():
    from tests import samples

    body = samples.zip_of({"c.json": "[1, 2, 3]"})
    for _, member in archive.json_members(io.BytesIO(body), archive.ZipLimits()):
        assert member.read() == b"[1, 2, 3]"
        member.seek(0)
        assert member.read(2) == b"[1"
        with pytest.raises(ValueError):
            member.seek(5)


def test_nearest_kept_relinks_through_skipped_nodes():
    parents = {"root": None, "sys": "root", "u": "sys", "hidden": "u", "a": "hidden", "b": "a"}
    assert nearest_kept(parents, {"u", "a", "b"}, "c") == {"u": None, "a": "u", "b": "a"}


def test_nearest_kept_names_a_cycle_of_skipped_nodes():
    parents = {"x": "y", "y": "x", "k": "x"}
    with pytest.raises(Invalid, match="cycle"):
        nearest_kept(parents, {"k"}, "conversation 1")


def test_nearest_kept_treats_a_missing_parent_as_the_root():
    assert nearest_kept({"a": "gone"}, {"a"}, "c") == {"a": None}


def message(source_id, parent, role="user", text="t", at=None, **extra):
    moment = None if at is None else datetime(2024, 1, 1, 0, 0, at)
    return ImportedMessage(source_id, parent, role, text, created_at=moment, **extra)


def conversation(*found, leaf=None, **extra):
    return ImportedConversation(
        "test", "conversation 1", "src", "Title", list(found), current_leaf=leaf, **extra
    )


def stored(imported):
    prepared = prepare(imported, Scope.for_user("alice"), "batch")
    texts = {m["_id"]: m["text"] for m in prepared.messages}
    rows = [(m["text"], texts.get(m["parent_message_id"])) for m in prepared.messages]
    return prepared, rows


def test_the_current_branch_is_written_last_so_it_is_the_thread():
    imported = conversation(
        message("q", None, text="q", at=1),
        message("a1", "q", "assistant", "first", at=2),
        message("a2", "q", "assistant", "second", at=3),
        leaf="a1",
    )
    prepared, rows = stored(imported)
    assert rows == [("q", None), ("second", "q"), ("first", "q")]
    assert prepared.conversation["latest_message_id"] == prepared.messages[-1]["_id"]


def test_siblings_without_a_current_leaf_go_by_time_then_file_order():
    imported = conversation(
        message("q", None, text="q", at=1),
        message("late", "q", "assistant", "late", at=9),
        message("early", "q", "assistant", "early", at=2),
        message("untimed", "q", "assistant", "untimed"),
    )
    _, rows = stored(imported)
    assert [text for text, _ in rows] == ["q", "untimed", "early", "late"]


def test_messages_without_times_follow_the_conversation_start():
    imported = conversation(message("a", None), message("b", "a"))
    imported.created_at = datetime(2024, 3, 1)
    prepared, _ = stored(imported)
    times = [m["created_at"] for m in prepared.messages]
    assert times[0] < times[1]
    assert times[0] >= datetime(2024, 3, 1)


def test_empty_messages_are_dropped_and_their_children_move_up():
    imported = conversation(
        message("q", None, text="q"),
        message("blank", "q", "assistant", "   "),
        message("a", "blank", "assistant", "answer"),
    )
    _, rows = stored(imported)
    assert rows == [("q", None), ("answer", "q")]


def test_counters_are_computed_from_the_messages():
    imported = conversation(
        message("q", None, at=1, token_count=3), message("a", "q", "assistant", at=4)
    )
    prepared, _ = stored(imported)
    document = prepared.conversation
    assert (document["message_count"], document["message_seq"]) == (2, 2)
    assert document["last_message_at"] == datetime(2024, 1, 1, 0, 0, 4)
    assert [m["seq"] for m in prepared.messages] == [1, 2]
    assert prepared.messages[0]["token_count"] == 3
    assert all(m["import_batch"] == "batch" for m in prepared.messages)


def test_a_bad_role_names_the_message():
    with pytest.raises(Invalid, match="conversation 1: message q: role"):
        stored(conversation(message("q", None, role="wizard")))


@pytest.mark.parametrize(
    "content,expected",
    [
        ({"content_type": "code", "language": "unknown", "text": "x = 1"}, "```\nx = 1\n```"),
        ({"content_type": "code", "language": "sql", "text": "select 1"}, "```sql\nselect 1\n```"),
        (
            {"content_type": "code", "language": "python", "parts": ["print(2)"]},
            "```python\nprint(2)\n```",
        ),
        ({"content_type": "execution_output", "text": "42"}, "Output:\n```\n42\n```"),
        ({"content_type": "execution_output", "parts": ["43"]}, "Output:\n```\n43\n```"),
        ({"content_type": "tether_browsing_display", "result": "", "summary": "S"}, "S"),
        (
            {"content_type": "tether_quote", "parts": ["Owls hunt."], "title": "Owls", "url": "u"},
            "> Owls hunt.\n— Owls u",
        ),
        ({"content_type": "system_error", "text": "boom"}, "boom"),
        (
            {
                "content_type": "multimodal_text",
                "parts": [
                    {"content_type": "audio_transcription", "text": "spoken words"},
                    {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://file_9"},
                    7,
                ],
            },
            "spoken words\n[Audio: file_9]",
        ),
        (
            {
                "content_type": "multimodal_text",
                "parts": [
                    {
                        "content_type": "image_asset_pointer",
                        "asset_pointer": "file-service://file-1",
                    }
                ],
            },
            "[Image: owl.jpg]",
        ),
        ({"content_type": "text", "parts": ["a", None, "b"]}, "a\nb"),
        ({"content_type": "mystery"}, ""),
    ],
)
def test_chatgpt_content_types_render_readably(content, expected):
    names = chatgpt_render.attachment_names({"attachments": [{"id": "file-1", "name": "owl.jpg"}]})
    assert chatgpt_render.render(content, names) == expected


@pytest.mark.parametrize(
    "content,field",
    [
        ({"content_type": "text", "parts": 42}, "content.parts"),
        ({"content_type": "code", "text": ["x"]}, "content.text"),
    ],
)
def test_chatgpt_content_of_the_wrong_type_names_the_field(content, field):
    with pytest.raises(Invalid, match=f"field '{field}' must be"):
        chatgpt_render.render(content, {})


def test_chatgpt_thoughts_are_their_contents_or_summaries():
    content = {"thoughts": [{"content": "a"}, {"summary": "b", "content": ""}, 5]}
    assert chatgpt_render.thoughts_text(content) == "a\n\nb"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("See \ue200cite\ue202turn0search0\ue201.", "See ."),
        (
            "Visit \ue200url\ue202Docs\ue202https://d.example\ue201",
            "Visit [Docs](https://d.example)",
        ),
        ('Ask \ue200entity\ue202["disease", "influenza", 0]\ue201 now', "Ask influenza now"),
        ("stray \ue203bold\ue204 marks", "stray bold marks"),
        ("A \ue200filecite\ue202turn0file0\ue202L1-L3\ue201 b", "A  b"),
    ],
)
def test_private_use_markers_never_reach_the_text(text, expected):
    assert chatgpt_render.with_citations(text, {}) == expected


def test_record_reads_with_named_errors():
    record = Record({"n": 3, "s": "x", "b": True, "l": [1], "d": {}}, "conversation 2")
    assert record.text("n") == "3"
    assert record.text("missing", default="d") == "d"
    assert record.items("l") == [1]
    assert record.mapping("d") == {}
    assert record.integer("n") == 3
    with pytest.raises(Invalid, match="conversation 2: field 'b' must be a string"):
        record.text("b")
    with pytest.raises(Invalid, match="field 'missing' must be present"):
        record.text("missing", required=True)
    with pytest.raises(Invalid, match="field 's' must be a list"):
        record.items("s")
    with pytest.raises(Invalid, match="field 'b' must be a number"):
        record.integer("b")
    with pytest.raises(Invalid, match="must be a JSON object"):
        Record([1], "conversation 3")


def test_labels_name_conversations_by_position_and_title():
    assert label(3, "  Trip  ") == 'conversation 3 ("Trip")'
    assert label(3, "") == "conversation 3"
    assert label(3, {"$gt": ""}) == "conversation 3"


@pytest.mark.parametrize(
    "value,problem",
    [
        ({"a": {"b": [1, {"c": 2}]}}, None),
        ({"$gt": ""}, "cannot be stored"),
        ([{"ok": 1}, {"$where": "x"}], "cannot be stored"),
        ({"a": {"nul\x00": 1}}, "cannot be stored"),
        ({"big": 2**70}, "beyond 64 bits"),
    ],
)
def test_values_kept_verbatim_must_be_storable(value, problem):
    record = Record({"v": value}, "conversation 1")
    if problem is None:
        assert record.stored_as_is("v", value) is value
    else:
        with pytest.raises(Invalid, match=f"conversation 1: field 'v' .*{problem}"):
            record.stored_as_is("v", value)


def test_export_values_become_plain_json():
    oid = ObjectId()
    value = {"at": datetime(2024, 1, 2, 3, 4, 5, 678999), "ids": [oid], "n": None}
    assert exports.plain(value) == {"at": "2024-01-02T03:04:05.678Z", "ids": [str(oid)], "n": None}
    record = exports.record({"_id": oid, "import_batch": "b", "x": 1})
    assert record == {"id": str(oid), "x": 1}
