"""Import fidelity on exports as the tools write them: times, thinking, isolation, types,
markers, content shapes, senders and models, Open WebUI, progress."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta

import pytest

from app.core import importers, messages
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Invalid
from app.core.importers.rejection import Rejected
from tests import samples, samples_wild

PRIVATE_USE = re.compile(r"[\ue200-\ue2ff]")
MS = timedelta(milliseconds=1)


def run(db, scope, document, **options):
    return importers.import_file(db, scope, samples.as_file(document), **options)


def stored(db, source_id: str) -> tuple[dict, list[dict]]:
    conversation = db.conversations.find_one({"import_source.id": source_id})
    assert conversation is not None, source_id
    found = list(db.messages.find({"conversation_id": conversation["_id"]}).sort("seq"))
    return conversation, found


def assert_children_after_parents(found: list[dict]) -> None:
    """Along every branch, each message is strictly later than its parent."""
    by_id = {m["_id"]: m for m in found}
    for message in found:
        parent = by_id.get(message["parent_message_id"])
        if parent is not None:
            assert message["created_at"] > parent["created_at"], message["text"]


EVERY_SAMPLE = [
    samples_wild.chatgpt_reasoning,
    samples_wild.chatgpt_hidden_loop,
    samples_wild.claude_thinking,
    samples_wild.openwebui_export,
    samples_wild.librechat_without_endpoint,
    samples.chatgpt_export,
    samples.librechat_flat,
    samples.claude_export,
    samples.chatbot_ui_export,
]


@pytest.mark.parametrize("build", EVERY_SAMPLE)
def test_every_branch_moves_forward_in_time_and_no_marker_survives(db, alice, build):
    report = run(db, alice, build())
    assert report.rejected == ()
    for conversation in db.conversations.find():
        found = list(db.messages.find({"conversation_id": conversation["_id"]}))
        assert_children_after_parents(found)
        assert conversation["last_message_at"] == max(m["created_at"] for m in found)
        for message in found:
            assert not PRIVATE_USE.search(message["text"]), message["text"]
            assert message["text"].strip()


def test_chatgpt_reasoning_turn_keeps_thinking_on_the_answer(db, alice):
    run(db, alice, samples_wild.chatgpt_reasoning())
    conversation, found = stored(db, "wild-reasoning")
    texts = [m["text"] for m in found]
    assert not any("Thought for" in t or t == samples_wild.THOUGHT for t in texts)
    answer = found[1]
    expected = (
        "Lisbon has mild winters  [1].\n\nSources:\n"
        "[1] Lisbon climate — https://climate.example/lisbon\n"
        "[2] Weather averages — https://weather.example/pt"
    )
    assert answer["text"] == expected
    assert answer["content"] == [
        {"type": "think", "think": samples_wild.THOUGHT},
        {"type": "text", "text": expected},
    ]
    assert answer["parent_message_id"] == found[0]["_id"]
    assert (answer["sender"], answer["model"]) == ("GPT-5-thinking", "gpt-5-thinking")
    assert (found[0]["sender"], found[0]["model"]) == ("user", "gpt-5")
    assert conversation["model"] == "gpt-5"


def test_chatgpt_times_follow_each_branch(db, alice):
    run(db, alice, samples_wild.chatgpt_reasoning())
    conversation, found = stored(db, "wild-reasoning")
    by_text = {m["text"].split("\n")[0]: m for m in found}
    start = datetime(2024, 5, 1, 10, 0, 0)
    assert conversation["created_at"] == start
    answer = by_text["Lisbon has mild winters  [1]."]
    assert answer["created_at"] == start + timedelta(seconds=18)  # its own time, recap aside
    chart = by_text["[Image: lows.png]"]
    assert chart["created_at"] == answer["created_at"] + MS  # no time: after its parent
    quote = by_text["> Lows near 8 °C."]
    assert quote["created_at"] == chart["created_at"] + MS  # dated before its parent
    output = by_text["Output:"]
    code = by_text["```python"]
    assert output["created_at"] == code["created_at"] + MS
    assert [m["text"] for m in messages.thread(db, alice, conversation["_id"])][-1] == "Done."


def test_a_message_without_a_time_takes_the_conversations(db, alice):
    document = samples.chatgpt_coding()
    document["mapping"]["u1"]["message"]["create_time"] = None
    run(db, alice, [document])
    conversation, found = stored(db, "chatgpt-conv-1")
    assert found[0]["created_at"] == conversation["created_at"] == datetime(2024, 5, 1, 10)


def test_chatgpt_content_shapes_render_from_parts_and_name_files(db, alice):
    run(db, alice, samples_wild.chatgpt_reasoning())
    texts = [m["text"] for m in stored(db, "wild-reasoning")[1]]
    assert "```python\nplot(lows)\n```" in texts
    assert "Output:\n```\n<Figure 1>\n```" in texts
    assert "> Lows near 8 °C.\n— IPMA" in texts
    assert "[Image: lows.png]\nChart this" in texts


def test_a_loop_among_hidden_nodes_does_not_reject_the_visible_tree(db, alice):
    report = run(db, alice, [samples_wild.chatgpt_hidden_loop()])
    assert (report.conversations, report.rejected) == (1, ())
    _, found = stored(db, "wild-loop")
    assert [(m["text"], m["parent_message_id"]) for m in found] == [
        ("Still there?", ROOT_PARENT_ID),
        ("Yes.", found[0]["_id"]),
    ]


def test_one_corrupt_conversation_is_reported_and_the_rest_imported(db, alice):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = ["not", "a", "mapping"]
    document = [samples.chatgpt_coding(), broken, samples_wild.chatgpt_hidden_loop()]
    report = run(db, alice, document, limits=importers.Limits(batch_size=1))
    assert (report.conversations, report.messages) == (2, 7)
    assert report.rejected == (
        Rejected(
            2,
            "Bird photo",
            "chatgpt-conv-2",
            "conversation 2 (\"Bird photo\"): field 'mapping' must be an object",
        ),
    )
    assert db.conversations.count_documents({"title": "Bird photo"}) == 0
    assert db.messages.count_documents({}) == 7


def test_strict_keeps_the_whole_file_all_or_nothing(db, alice):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = ["not", "a", "mapping"]
    with pytest.raises(Invalid, match="field 'mapping' must be an object"):
        run(db, alice, [samples.chatgpt_coding(), broken], strict=True)
    assert db.conversations.count_documents({}) == 0
    assert db.messages.count_documents({}) == 0


def test_a_file_whose_every_conversation_is_rejected_is_a_400(db, alice):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = 7
    with pytest.raises(Invalid, match=r"field 'mapping' must be an object \(and 1 more") as error:
        run(db, alice, [broken, broken])
    assert [r["index"] for r in error.value.details] == [1, 2]


def with_change(build, change):
    document = build()
    change(document)
    return document


def chatgpt_node(document, key):
    return document["mapping"][key]["message"]


@pytest.mark.parametrize(
    "document,field",
    [
        (
            with_change(
                samples.chatgpt_coding,
                lambda d: chatgpt_node(d, "u1")["content"].update(parts=42),
            ),
            "field 'content.parts' must be a list",
        ),
        (
            with_change(
                samples.chatgpt_coding, lambda d: chatgpt_node(d, "a1")["author"].update(role=7)
            ),
            "message: field 'author.role' must be a string",
        ),
        (
            with_change(
                samples.librechat_flat, lambda d: d["messages"][0].update(isCreatedByUser="true")
            ),
            "field 'isCreatedByUser' must be true or false",
        ),
        (
            with_change(
                samples.chatbot_ui_export,
                lambda d: d["history"][0]["messages"][1].update(content=12345),
            ),
            "message 2: field 'content' must be a string",
        ),
        (
            with_change(
                samples_wild.openwebui_export,
                lambda d: d[0]["chat"]["history"]["messages"]["a1"].update(content=5),
            ),
            "message a1: field 'content' must be a string or a list of parts",
        ),
    ],
)
def test_wrong_types_reject_the_conversation_naming_the_field(db, alice, document, field):
    with pytest.raises(Invalid, match=re.escape(field)):
        run(db, alice, document, strict=True)
    if isinstance(document, list) and len(document) > 1:
        report = run(db, alice, document)
        assert [r.reason for r in report.rejected if field in r.reason]
    assert db.messages.count_documents({"text": "42"}) == 0


def test_claude_thinking_becomes_a_think_part_and_an_unnamed_chat_gets_a_name(db, alice):
    run(db, alice, samples_wild.claude_thinking())
    conversation, found = stored(db, "cl-think")
    assert (conversation["title"], conversation["model"]) == (
        "Imported Claude Chat",
        "claude-3-5-sonnet-latest",
    )
    question, answer = found
    assert answer["text"] == "No: 221 = 13 * 17."
    assert answer["content"] == [
        {"type": "think", "think": "221 = 13 * 17, so not prime."},
        {"type": "text", "text": "No: 221 = 13 * 17."},
    ]
    assert (question["sender"], answer["sender"]) == ("user", "Claude")
    assert answer["created_at"] == question["created_at"] + MS


def test_librechat_without_endpoint_is_openai_and_keeps_think_parts(db, alice):
    run(db, alice, samples_wild.librechat_without_endpoint())
    conversation, (question, answer) = stored(db, "lc-think")
    assert conversation["endpoint"] == "openAI"
    assert answer["content"][0] == {"type": "think", "think": "Recall the capital."}
    assert answer["text"] == "Paris."
    assert answer["created_at"] == question["created_at"] + MS


def test_open_webui_export_keeps_branches_thinking_and_the_current_thread(db, alice):
    report = run(db, alice, samples_wild.openwebui_export())
    assert (report.formats, report.conversations, report.messages) == (("openwebui",), 2, 5)
    conversation, found = stored(db, "owui-1")
    assert (conversation["title"], conversation["model"], conversation["endpoint"]) == (
        "Arithmetic",
        "deepseek-r1:8b",
        "openAI",
    )
    question, first, second = found
    assert question["text"] == "What is 17 * 3?\n\n[File: sums.csv]"
    assert (question["sender"], question["parent_message_id"]) == ("user", ROOT_PARENT_ID)
    assert first["text"] == "51"
    assert first["content"][0] == {"type": "think", "think": "17 * 3 = 51\nso the answer is 51"}
    assert second["text"] == "It is 51."
    assert second["content"][0] == {"type": "think", "think": "3 * 17 is 51."}
    assert (second["sender"], second["model"]) == ("qwen3:4b", "qwen3:4b")
    assert first["parent_message_id"] == second["parent_message_id"] == question["_id"]
    thread = messages.thread(db, alice, conversation["_id"])
    assert [m["text"] for m in thread] == ["What is 17 * 3?\n\n[File: sums.csv]", "It is 51."]
    assert conversation["created_at"] == datetime(2024, 10, 27, 3, 33, 20)


def test_an_older_open_webui_chat_with_a_flat_list_is_a_chain(db, alice):
    run(db, alice, samples_wild.openwebui_export())
    _, (hello, hi) = stored(db, "owui-2")
    assert hi["parent_message_id"] == hello["_id"]
    assert (hi["sender"], hi["model"]) == ("llama3:8b", "llama3:8b")
    assert hi["created_at"] == hello["created_at"] + MS  # no time: the chat's, then moved


def test_progress_over_a_zip_moves_forward_to_the_total(db, alice):
    seen: list[tuple[int, int]] = []
    body = samples.chatgpt_zip(
        {"conversations-002.json": json.dumps([samples_wild.chatgpt_reasoning()])}
    )
    importers.import_file(
        db, alice, io.BytesIO(body), progress=lambda done, total: seen.append((done, total))
    )
    dones = [done for done, _ in seen]
    assert dones == sorted(dones)
    assert seen[-1][0] == seen[-1][1] > 0


def colloquy_pair_sharing_a_message_id() -> dict:
    document = samples.colloquy_export()
    twin = json.loads(json.dumps(document["conversations"][0]))
    twin.update(id="col-2", title="Trip again")
    for part in (*twin["messages"], *twin["summaries"]):
        part["conversation_id"] = "col-2"
    twin["summaries"][0]["id"] = "s2"
    document["conversations"].append(twin)  # message ids cm1..cm3 are the first one's
    return document


def test_a_conversation_the_store_refuses_is_left_out_alone(db, alice):
    report = run(db, alice, colloquy_pair_sharing_a_message_id())
    assert (report.conversations, report.messages) == (1, 3)
    assert report.rejected == (
        Rejected(2, "Trip again", "col-2", "the file holds messages whose ids already exist"),
    )
    assert db.conversations.find_one({"_id": "col-2"}) is None
    assert db.summaries.find_one({"_id": "s2"}) is None
    assert db.messages.count_documents({}) == 3


def test_strict_a_refused_write_fails_the_file(db, alice):
    from app.core.errors import Conflict

    with pytest.raises(Conflict, match="messages whose ids already exist"):
        run(db, alice, colloquy_pair_sharing_a_message_id(), strict=True)
    assert db.conversations.count_documents({}) == 0
