"""The append flow: the bare append, then the title and automatic-compaction follow-ups."""

from dataclasses import replace

from app.core import appending, compaction, conversations, messages
from app.core.llm import LlmClient, LlmSettings

New = messages.NewMessage


def exchange(append, db, scope, conversation_id):
    append(db, scope, conversation_id, New(role="user", text="what is a b-tree?"))
    append(db, scope, conversation_id, New(role="assistant", text="A balanced tree."))
    return conversations.get(db, scope, conversation_id)


def test_the_bare_append_runs_no_follow_up(db, alice):
    conv = conversations.create(db, alice)
    stored = exchange(messages.append, db, alice, conv["_id"])
    assert (stored["title"], stored["title_source"]) == ("New Chat", "default")


def test_the_flow_titles_after_the_first_exchange(db, alice, services):
    conv = conversations.create(db, alice)

    def append(*args):
        return appending.append(*args, services)

    stored = exchange(append, db, alice, conv["_id"])
    assert (stored["title"], stored["title_source"]) == ("What is a b-tree", "generated")


def test_follow_ups_go_through_the_given_runner(db, alice, services):
    jobs = []
    later = replace(services, run_in_background=lambda job, name: jobs.append(name))
    conv = conversations.create(db, alice)
    compaction.set_auto(db, alice, conv["_id"], {"strategy": "hybrid", "threshold_tokens": 1})
    appending.append(db, alice, conv["_id"], New(role="user", text="hi"), later)
    assert jobs == ["auto-compaction"]
    llm = LlmClient(LlmSettings("http://127.0.0.1:9", "sk", "m", 0.1, 0))
    appending.append(
        db, alice, conv["_id"], New(role="assistant", text="yo"), replace(later, title_llm=llm)
    )
    assert jobs == ["auto-compaction", "llm-title", "auto-compaction"]
    assert conversations.get(db, alice, conv["_id"])["title_source"] == "default"  # not run


def test_start_runs_the_follow_ups_once_for_the_batch(db, alice, services):
    jobs = []
    counting = replace(services, run_in_background=lambda job, name: jobs.append(name) or job())
    initial = [New(role="user", text="what is a b-tree?"), New(role="assistant", text="A tree.")]
    settings = {"compaction": {"strategy": "sliding_window", "threshold_tokens": 10_000}}
    started = appending.start(db, alice, initial, counting, settings=settings)
    assert (started["title"], started["title_source"]) == ("What is a b-tree", "generated")
    assert started["message_count"] == 2
    assert jobs == ["auto-compaction"]


def test_start_without_messages_has_no_follow_up(db, alice, services):
    started = appending.start(db, alice, [], services, title="Mine")
    assert (started["title"], started["message_count"]) == ("Mine", 0)
