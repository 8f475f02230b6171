"""Core titles: the local heuristic, when a title is due, and waiting for one."""

import pytest

from app.core import appending, background, conversations, messages, titles
from app.core.errors import Invalid, NotFound, NotOwned
from app.core.services import Services

New = messages.NewMessage
SERVICES = Services(run_in_background=background.run_inline)  # no LLM: titles inline


@pytest.mark.parametrize(
    "text,expected",
    [
        ("how do I speed up a slow postgres query?", "How do I speed up a slow postgres"),
        ("Hi, can you explain monads. I never got them.", "Can you explain monads"),
        ("Please  **summarise** this: https://example.com/x  thanks", "Summarise this: thanks"),
        ("```python\nprint(1)\n```\nwhy does this fail", "Why does this fail"),
        (
            "one two three four five six seven eight nine ten eleven",
            "One two three four five six seven eight",
        ),
        ("x" * 200, "X" + "x" * 59),
        ("   ", None),
        ("```only code```", None),
    ],
)
def test_heuristic_title(text, expected):
    assert titles.heuristic_title(text) == expected


def exchange(db, scope, conversation_id, question="what is a b-tree?"):
    appending.append(db, scope, conversation_id, New(role="user", text=question), SERVICES)
    appending.append(
        db, scope, conversation_id, New(role="assistant", text="A balanced tree."), SERVICES
    )


def test_title_appears_after_the_first_exchange(db, alice):
    conv = conversations.create(db, alice)
    appending.append(db, alice, conv["_id"], New(role="user", text="what is a b-tree?"), SERVICES)
    assert conversations.get(db, alice, conv["_id"])["title_source"] == "default"
    appending.append(
        db, alice, conv["_id"], New(role="assistant", text="A balanced tree."), SERVICES
    )
    stored = conversations.get(db, alice, conv["_id"])
    assert (stored["title"], stored["title_source"]) == ("What is a b-tree", "generated")


def test_a_user_title_is_never_overwritten(db, alice):
    conv = conversations.create(db, alice, title="Mine")
    exchange(db, alice, conv["_id"])
    assert conversations.get(db, alice, conv["_id"])["title"] == "Mine"


def test_a_rename_before_generation_wins(db, alice):
    conv = conversations.create(db, alice)
    appending.append(db, alice, conv["_id"], New(role="user", text="question one"), SERVICES)
    conversations.rename(db, alice, conv["_id"], "Renamed")
    appending.append(db, alice, conv["_id"], New(role="assistant", text="answer"), SERVICES)
    assert titles.generate_if_due(db, alice, conv["_id"]) is None
    assert conversations.get(db, alice, conv["_id"])["title"] == "Renamed"


def test_generator_is_a_parameter_and_later_turns_do_not_retitle(db, alice):
    conv = conversations.create(db, alice)
    appending.append(db, alice, conv["_id"], New(role="user", text="first"), SERVICES)
    appending.append(db, alice, conv["_id"], New(role="assistant", text="reply"), SERVICES)
    assert titles.generate_if_due(db, alice, conv["_id"], generator=str.upper) is None
    fresh = conversations.create(db, alice)
    db.messages.insert_many(
        [
            {**m, "_id": m["_id"] + "-copy", "conversation_id": fresh["_id"]}
            for m in messages.list_all(db, alice, conv["_id"])
        ]
    )
    assert titles.generate_if_due(db, alice, fresh["_id"], generator=str.upper) == "FIRST"
    assert titles.generate_if_due(db, alice, fresh["_id"], generator=lambda _t: "") is None


def test_generation_is_scoped(db, alice, bob):
    conv = conversations.create(db, alice)
    appending.append(db, alice, conv["_id"], New(role="user", text="first"), SERVICES)
    db.messages.insert_one(
        {"_id": "x", "conversation_id": conv["_id"], "role": "assistant", "seq": 9, "text": "a"}
    )
    assert titles.generate_if_due(db, bob, conv["_id"]) is None
    assert titles.generate_if_due(db, alice, conv["_id"]) == "First"


def test_wait_returns_at_once_when_titled_and_polls_with_the_schedule(db, alice):
    conv = conversations.create(db, alice)
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 3:
            exchange(db, alice, conv["_id"])

    title = titles.wait_for_title(db, alice, conv["_id"], (0.5, 1, 2, 4, 8), sleep=sleep)
    assert title == "What is a b-tree"
    assert waits == [0.5, 1, 2]
    assert titles.wait_for_title(db, alice, conv["_id"], (5,), sleep=waits.append) == title
    assert waits == [0.5, 1, 2]


def test_wait_gives_up_after_the_whole_schedule(db, alice, bob):
    conv = conversations.create(db, alice)
    waits = []
    with pytest.raises(NotFound, match="Title not found"):
        titles.wait_for_title(db, alice, conv["_id"], titles.WAIT_SCHEDULE, sleep=waits.append)
    assert waits == [0.5, 1, 2, 4, 8]
    assert sum(waits) == 15.5
    with pytest.raises(NotOwned):
        titles.wait_for_title(db, bob, conv["_id"], (), sleep=waits.append)
    with pytest.raises(NotFound, match="Conversation not found"):
        titles.wait_for_title(db, bob, "missing", (), sleep=waits.append)
    with pytest.raises(Invalid):
        titles.wait_for_title(db, alice, {"$gt": ""}, ())


def test_parse_schedule():
    assert titles.parse_schedule("0.5, 1,2,4,8") == (0.5, 1, 2, 4, 8)
    assert titles.parse_schedule("") == ()
    for bad in ("a,b", "-1"):
        with pytest.raises(ValueError):
            titles.parse_schedule(bad)
