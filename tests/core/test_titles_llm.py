"""Titles from an LLM (a loopback OpenAI-compatible server), in the background, with the
local heuristic as fallback; a user's own title is never overwritten."""

import pytest

from app.core import background, conversations, messages, titles
from app.core.llm import LlmClient, LlmSettings

New = messages.NewMessage
FIRST_TURN = "Hello, can you help me plan the database migration for Friday?"


@pytest.fixture
def llm(fake_llm, llm_timeout):
    client = LlmClient(LlmSettings(fake_llm.base_url, "sk", "title-model", llm_timeout, 0))
    titles.configure(client)
    yield client
    titles.configure(None)


@pytest.fixture
def inline(monkeypatch):
    monkeypatch.setattr(background, "run_in_background", lambda job, name="": job())


def exchange(db, scope, conv_id, first=FIRST_TURN):
    messages.append(db, scope, conv_id, New(role="user", text=first))
    messages.append(db, scope, conv_id, New(role="assistant", text="Sure, let's start."))
    return db.conversations.find_one({"_id": conv_id})


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Friday Database Migration Plan", "Friday Database Migration Plan"),
        ('"Friday migration plan."', "Friday migration plan"),
        ("Title: Friday migration\nSome explanation after it.", "Friday migration"),
        ("**Planning the Friday migration**", "Planning the Friday migration"),
        (
            "one two three four five six seven eight nine ten",
            "one two three four five six seven eight",
        ),
        ("   ", None),
        ('""', None),
    ],
)
def test_clean_llm_title(answer, expected):
    assert titles.clean_llm_title(answer) == expected


def test_llm_title_after_the_first_exchange(db, alice, fake_llm, llm, inline):
    fake_llm.answer = "Friday Database Migration"
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"])
    assert (stored["title"], stored["title_source"]) == ("Friday Database Migration", "generated")
    title_requests = [r for r in fake_llm.requests if r["json"]["max_tokens"] == 24]
    assert len(title_requests) == 1
    assert title_requests[0]["json"]["model"] == "title-model"
    assert title_requests[0]["json"]["messages"][1]["content"] == FIRST_TURN


@pytest.mark.parametrize("llm_mode", ["error", "garbage", "slow", "empty"])
def test_a_failing_llm_falls_back_to_the_heuristic(db, alice, llm, inline):
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"])
    assert stored["title"] == titles.heuristic_title(FIRST_TURN)
    assert stored["title_source"] == "generated"


def test_the_llm_is_asked_in_the_background(db, alice, fake_llm, llm, monkeypatch):
    jobs = []
    monkeypatch.setattr(background, "run_in_background", lambda job, name="": jobs.append(job))
    fake_llm.answer = "Migration planning."
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"])
    assert stored["title_source"] == "default"  # the appends did not wait
    assert fake_llm.requests == []
    for job in jobs:
        job()
    assert db.conversations.find_one({"_id": conv["_id"]})["title"] == "Migration planning"


def test_a_users_title_is_never_overwritten(db, alice, fake_llm, llm, inline):
    conv = conversations.create(db, alice)
    messages.append(db, alice, conv["_id"], New(role="user", text=FIRST_TURN))
    conversations.rename(db, alice, conv["_id"], "My own title")
    messages.append(db, alice, conv["_id"], New(role="assistant", text="ok"))
    stored = db.conversations.find_one({"_id": conv["_id"]})
    assert (stored["title"], stored["title_source"]) == ("My own title", "user")
    assert not [r for r in fake_llm.requests if r["json"]["max_tokens"] == 24]


def test_real_background_thread_sets_the_title(db, alice, fake_llm, llm):
    fake_llm.answer = "Migration planning"
    conv = conversations.create(db, alice)
    exchange(db, alice, conv["_id"])
    title = titles.wait_for_title(db, alice, conv["_id"], schedule=(0.05,) * 100)
    assert title == "Migration planning"


def test_without_an_llm_titles_are_local_and_inline(db, alice):
    titles.configure(None)
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"])
    assert stored["title"] == titles.heuristic_title(FIRST_TURN)
