"""Importers: every format into full message trees, checked message by message."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest

from app.core import importers, messages
from app.core.clock import ROOT_PARENT_ID
from tests import samples


def run(db, scope, document, **options):
    stream = document if hasattr(document, "read") else samples.as_file(document)
    return importers.import_file(db, scope, stream, **options)


def conversation(db, title):
    found = db.conversations.find_one({"title": title})
    assert found is not None, f"no conversation titled {title!r}"
    return found


def rows(db, conversation_doc):
    """(text, parent's text, role, sender, model) of each message in stored order."""
    stored = list(db.messages.find({"conversation_id": conversation_doc["_id"]}).sort("seq"))
    text_of = {m["_id"]: m["text"] for m in stored}
    text_of[ROOT_PARENT_ID] = None
    return [
        (m["text"], text_of[m["parent_message_id"]], m["role"], m.get("sender"), m.get("model"))
        for m in stored
    ]


def thread_texts(db, scope, conversation_doc):
    return [m["text"] for m in messages.thread(db, scope, conversation_doc["_id"])]


SORT_ANSWER = "```python\nsorted(d.items())\n```"
OUTPUT = "Output:\n```\n[('a', 1), ('b', 2)]\n```"
CITED = (
    "Sorted by key, as the docs say  [1].\n\nSources:\n"
    "[1] Sorting HOW TO — https://docs.python.org/3/howto/sorting.html"
)


def test_chatgpt_tree_skips_hidden_and_empty_nodes_and_relinks(db, alice):
    report = run(db, alice, samples.chatgpt_export())

    assert (report.conversations, report.messages, report.formats) == (2, 8, ("chatgpt",))
    coding = conversation(db, "Sorting dicts")
    assert rows(db, coding) == [
        ("How do I sort a dict?", None, "user", "user", "gpt-4o"),
        ("Use sorted(d.items()).", "How do I sort a dict?", "assistant", "GPT-4", "gpt-4"),
        (SORT_ANSWER, "How do I sort a dict?", "assistant", "GPT-4o", "gpt-4o"),
        (OUTPUT, SORT_ANSWER, "tool", "python", "gpt-4o"),
        (CITED, OUTPUT, "assistant", "GPT-4o", "gpt-4o"),
    ]
    assert thread_texts(db, alice, coding) == [
        "How do I sort a dict?",
        SORT_ANSWER,
        OUTPUT,
        CITED,
    ]
    assert coding["model"] == "gpt-4o"
    assert coding["title_source"] == "imported"
    assert coding["source"] == "import"
    assert coding["created_at"] == datetime(2024, 5, 1, 10, 0, 0)
    assert coding["updated_at"] == datetime(2024, 5, 1, 10, 1, 0)
    assert coding["import_source"] == {"format": "chatgpt", "id": "chatgpt-conv-1"}
    assert coding["message_count"] == 5


def test_chatgpt_message_times_and_counters_match_the_tree(db, alice):
    run(db, alice, samples.chatgpt_export())
    coding = conversation(db, "Sorting dicts")
    stored = list(db.messages.find({"conversation_id": coding["_id"]}).sort("seq"))
    assert [m["created_at"].second for m in stored] == [1, 2, 3, 5, 6]
    assert coding["last_message_at"] == datetime(2024, 5, 1, 10, 0, 6)
    assert coding["latest_message_id"] == stored[-1]["_id"]
    assert messages.recount(db, coding["_id"])["message_count"] == coding["message_count"]


def test_chatgpt_browsing_quote_and_image(db, alice):
    run(db, alice, samples.chatgpt_export())
    birds = conversation(db, "Bird photo")
    asked = "[Image: owl.jpg]\nWhat is this?"
    assert rows(db, birds) == [
        (asked, None, "user", "user", "gpt-4o-mini"),
        (
            "> Owls are birds.\n— Owls https://example.org/owl",
            asked,
            "tool",
            "browser",
            "gpt-4o-mini",
        ),
        (
            "It is an owl [1].\n\nSources:\n[1] Owls — https://example.org/owl",
            "> Owls are birds.\n— Owls https://example.org/owl",
            "assistant",
            "GPT-4o-mini",
            "gpt-4o-mini",
        ),
    ]


def test_chatgpt_zip_reads_every_conversation_file_and_ignores_the_rest(db, alice):
    report = run(db, alice, io.BytesIO(samples.chatgpt_zip()))
    assert (report.conversations, report.messages) == (2, 8)
    assert {c["title"] for c in db.conversations.find()} == {"Sorting dicts", "Bird photo"}


def test_a_single_chatgpt_conversation_object_is_accepted(db, alice):
    report = run(db, alice, samples.chatgpt_browsing())
    assert (report.conversations, report.messages) == (1, 3)


@pytest.mark.parametrize("build", [samples.librechat_flat, samples.librechat_tree])
def test_librechat_flat_and_recursive_give_the_same_tree(db, alice, build):
    report = run(db, alice, build())
    assert (report.conversations, report.messages, report.formats) == (1, 5, ("librechat",))
    haiku = conversation(db, "Haiku")
    assert rows(db, haiku) == [
        ("Write a haiku", None, "user", "User", None),
        ("Autumn moonlight...", "Write a haiku", "assistant", "GPT-4o", "gpt-4o"),
        ("Now about spring", "Autumn moonlight...", "user", "User", None),
        ("Cherry blossoms fall", "Now about spring", "assistant", "GPT-4o", "gpt-4o"),
        ("Spring rain, soft and warm", "Now about spring", "assistant", "GPT-4o", "gpt-4o"),
    ]
    assert haiku["endpoint"] == "openAI"
    assert haiku["model"] == "gpt-4o"
    assert haiku["settings"] == {"model": "gpt-4o", "temperature": 0.7}
    stored = list(db.messages.find({"conversation_id": haiku["_id"]}).sort("seq"))
    counts = [m["token_count"] for m in stored]
    assert counts[:3] == [4, 9, 4]  # as the file gives them
    assert all(isinstance(n, int) and n > 0 for n in counts[3:])  # counted, as appends are
    assert stored[3]["token_encoding"] == "o200k_base"
    assert stored[-1]["content"] == [{"type": "text", "text": "Spring rain, soft and warm"}]
    assert stored[0]["created_at"] == datetime(2024, 5, 1, 10, 0, 1)


def test_claude_chain_attachments_and_branches(db, alice):
    report = run(db, alice, samples.claude_export())
    assert (report.conversations, report.messages, report.formats) == (2, 6, ("claude",))
    notes = conversation(db, "Summarise my notes")
    asked = "Summarise this\n\n[Attachment: notes.txt]\nBuy milk. Call Bob."
    answered = "Two tasks: milk and Bob.\n\n[Tool call: web_search]"
    model = "claude-3-5-sonnet-latest"
    assert rows(db, notes) == [
        (asked, None, "user", "user", None),
        (answered, asked, "assistant", "Claude", model),
        ("Thanks!", answered, "user", "user", None),
    ]
    assert (notes["endpoint"], notes["model"]) == ("anthropic", model)
    untitled = db.conversations.find_one({"import_source.id": "cl-2"})
    assert (untitled["title"], untitled["title_source"]) == ("Imported Claude Chat", "imported")
    assert rows(db, untitled) == [
        ("Hi", None, "user", "user", None),
        ("Hello!", "Hi", "assistant", "Claude", model),
        ("Hey there!", "Hi", "assistant", "Claude", model),
    ]


def test_chatbot_ui_history(db, alice):
    report = run(db, alice, samples.chatbot_ui_export())
    assert (report.conversations, report.messages, report.formats) == (1, 4, ("chatbot-ui",))
    recipes = conversation(db, "Recipe ideas")
    assert rows(db, recipes) == [
        ("Dinner ideas?", None, "user", "user", None),
        ("Pasta primavera.", "Dinner ideas?", "assistant", "gpt-3.5-turbo", "gpt-3.5-turbo"),
        ("Vegan?", "Pasta primavera.", "user", "user", None),
        ("Chickpea curry.", "Vegan?", "assistant", "gpt-3.5-turbo", "gpt-3.5-turbo"),
    ]
    assert recipes["settings"] == {"prompt_prefix": "You are a chef.", "temperature": 0.5}
    assert thread_texts(db, alice, recipes)[-1] == "Chickpea curry."


def test_reimporting_the_same_file_skips_what_is_there(db, alice):
    run(db, alice, samples.chatgpt_export())
    again = run(db, alice, samples.chatgpt_export())
    assert (again.conversations, again.skipped) == (0, 2)
    assert db.conversations.count_documents({}) == 2
    forced = run(db, alice, samples.chatgpt_export(), duplicates=True)
    assert (forced.conversations, forced.skipped) == (2, 0)
    assert db.conversations.count_documents({}) == 4


def test_the_same_file_for_another_user_is_theirs(db, alice, bob):
    run(db, alice, samples.claude_export())
    report = run(db, bob, samples.claude_export())
    assert report.conversations == 2
    assert db.conversations.count_documents({"user_id": "bob"}) == 2
    assert db.messages.count_documents({"user_id": "bob"}) == 6


def test_an_admin_imports_into_their_own_account(db):
    from app.core.scope import Scope

    admin = Scope.for_admin("root")
    run(db, admin, samples.chatbot_ui_export())
    assert db.conversations.find_one()["user_id"] == "root"


def test_small_batches_write_the_same_result(db, alice):
    report = run(db, alice, samples.chatgpt_export(), limits=importers.Limits(batch_size=1))
    assert (report.conversations, report.messages) == (2, 8)
    assert db.messages.count_documents({}) == 8


def test_a_conversation_without_visible_messages_is_left_out_not_fatal(db, alice):
    hidden_only = samples.chatgpt_coding()
    hidden_only["conversation_id"] = "abandoned"
    hidden_only["mapping"] = {
        key: node for key, node in hidden_only["mapping"].items() if key in ("root", "sys", "ctx")
    }
    report = run(db, alice, [hidden_only, samples.chatgpt_browsing()])
    assert (report.conversations, report.empty, report.messages) == (1, 1, 3)
    assert [c["title"] for c in db.conversations.find()] == ["Bird photo"]


def test_zip_with_one_conversation_per_file(db, alice):
    body = samples.zip_of(
        {
            "conversations/one.json": json.dumps(samples.chatgpt_coding()),
            "conversations/two.json": json.dumps(samples.chatgpt_browsing()),
        }
    )
    report = run(db, alice, io.BytesIO(body))
    assert (report.conversations, report.messages) == (2, 8)


def test_a_byte_order_mark_is_tolerated(db, alice):
    body = b"\xef\xbb\xbf" + json.dumps(samples.claude_export()).encode()
    report = run(db, alice, io.BytesIO(body))
    assert report.conversations == 2
    zipped = samples.zip_of({"conversations.json": body})
    assert run(db, alice, io.BytesIO(zipped), duplicates=True).conversations == 2


def test_colloquy_sample_keeps_ids_parents_pins_and_summaries(db, alice):
    report = run(db, alice, samples.colloquy_export())
    assert (report.formats, report.conversations, report.messages, report.tags) == (
        ("colloquy",),
        1,
        3,
        1,
    )
    trip = db.conversations.find_one({"_id": "col-1"})
    assert (trip["status"], trip["tags"], trip["latest_message_id"]) == (
        "archived",
        ["travel"],
        "cm3",
    )
    assert rows(db, trip) == [
        ("Plan a trip", None, "user", None, None),
        ("Lisbon!", "Plan a trip", "assistant", None, None),
        ("Porto!", "Plan a trip", "assistant", None, None),
    ]
    pinned = db.messages.find_one({"_id": "cm1"})
    assert pinned["is_pinned"] is True
    assert pinned["created_at"] == datetime(2024, 5, 1, 10, 0, 0)
    assert db.summaries.find_one({"_id": "s1"})["message_ids"] == ["cm1", "cm3"]
    assert db.tags.find_one({"_id": "t1"})["user_id"] == "alice"


def test_conversations_without_an_id_are_recognised_by_their_content(db, alice):
    export = samples.chatbot_ui_export()
    del export["history"][0]["id"]
    first = run(db, alice, export)
    again = run(db, alice, export)
    assert (first.conversations, again.conversations, again.skipped) == (1, 0, 1)
    source = db.conversations.find_one()["import_source"]
    assert source["format"] == "chatbot-ui"
    assert source["id"].startswith("sha256:")
    export["history"][0]["messages"][1]["content"] = "Risotto."
    assert run(db, alice, export).conversations == 1
