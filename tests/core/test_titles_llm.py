"""Titles from an LLM (a loopback OpenAI-compatible server), in the background, with the
local heuristic as fallback; a user's own title is never overwritten."""

from dataclasses import replace

import pytest

from app.core import appending, background, conversations, messages, titles
from app.core.llm import LlmClient, LlmSettings
from app.core.services import Services

New = messages.NewMessage
FIRST_TURN = "Hello, can you help me plan the database migration for Friday?"


@pytest.fixture
def llm(fake_llm, llm_timeout):
    """Services with titles from the fake LLM, asked on real background threads."""
    client = LlmClient(LlmSettings(fake_llm.base_url, "sk", "title-model", llm_timeout, 0))
    return Services.with_llm(client)


@pytest.fixture
def inline(llm):
    """The same services, running background work inline."""
    return replace(llm, run_in_background=background.run_inline)


def exchange(db, scope, conv_id, services, first=FIRST_TURN):
    appending.append(db, scope, conv_id, New(role="user", text=first), services)
    appending.append(db, scope, conv_id, New(role="assistant", text="Sure, let's start."), services)
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


def test_llm_title_after_the_first_exchange(db, alice, fake_llm, inline):
    fake_llm.answer = "Friday Database Migration"
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"], inline)
    assert (stored["title"], stored["title_source"]) == ("Friday Database Migration", "generated")
    title_requests = [r for r in fake_llm.requests if r["json"]["max_tokens"] == 24]
    assert len(title_requests) == 1
    assert title_requests[0]["json"]["model"] == "title-model"
    assert title_requests[0]["json"]["messages"][1]["content"] == FIRST_TURN


@pytest.mark.parametrize("llm_mode", ["error", "garbage", "slow", "empty"])
def test_a_failing_llm_falls_back_to_the_heuristic(db, alice, inline):
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"], inline)
    assert stored["title"] == titles.heuristic_title(FIRST_TURN)
    assert stored["title_source"] == "generated"


def test_the_llm_is_asked_in_the_background(db, alice, fake_llm, llm):
    jobs = []
    later = replace(llm, run_in_background=lambda job, name: jobs.append(job))
    fake_llm.answer = "Migration planning."
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"], later)
    assert stored["title_source"] == "default"  # the appends did not wait
    assert fake_llm.requests == []
    for job in jobs:
        job()
    assert db.conversations.find_one({"_id": conv["_id"]})["title"] == "Migration planning"


def test_a_users_title_is_never_overwritten(db, alice, fake_llm, inline):
    conv = conversations.create(db, alice)
    appending.append(db, alice, conv["_id"], New(role="user", text=FIRST_TURN), inline)
    conversations.rename(db, alice, conv["_id"], "My own title")
    appending.append(db, alice, conv["_id"], New(role="assistant", text="ok"), inline)
    stored = db.conversations.find_one({"_id": conv["_id"]})
    assert (stored["title"], stored["title_source"]) == ("My own title", "user")
    assert not [r for r in fake_llm.requests if r["json"]["max_tokens"] == 24]


def test_real_background_thread_sets_the_title(db, alice, fake_llm, llm):
    fake_llm.answer = "Migration planning"
    conv = conversations.create(db, alice)
    exchange(db, alice, conv["_id"], llm)
    title = titles.wait_for_title(db, alice, conv["_id"], schedule=(0.05,) * 100)
    assert title == "Migration planning"


def test_without_an_llm_titles_are_local_and_inline(db, alice):
    conv = conversations.create(db, alice)
    stored = exchange(db, alice, conv["_id"], Services())
    assert stored["title"] == titles.heuristic_title(FIRST_TURN)
