"""Search: literal, case-insensitive, scoped; metacharacters are plain text."""

import pytest

from app.core import conversations, messages, search
from app.core.errors import Invalid


def matching(db, scope, text):
    query = {**scope.query(), **search.conversation_filter(db, scope, text)}
    return {c["title"] for c in db.conversations.find(query)}


@pytest.fixture
def corpus(db, alice, bob):
    a = conversations.create(db, alice, title="Postgres tuning")
    b = conversations.create(db, alice, title="Travel plans")
    messages.append(db, alice, b["_id"], messages.NewMessage(role="user", text="Visit POSTGRES.*"))
    conversations.create(db, alice, title="Regex (a+)+ party")
    conversations.create(db, bob, title="Bob's postgres notes")
    return a, b


def test_title_or_message_match_case_insensitive(db, alice, corpus):
    assert matching(db, alice, "postgres") == {"Postgres tuning", "Travel plans"}


def test_other_users_never_match(db, bob, corpus):
    assert matching(db, bob, "postgres") == {"Bob's postgres notes"}


@pytest.mark.parametrize(
    "text,expected",
    [
        (".*", {"Travel plans"}),
        ("(a+)+", {"Regex (a+)+ party"}),
        ("$gt", set()),
        ("[", set()),
    ],
)
def test_metacharacters_are_literal(db, alice, corpus, text, expected):
    assert matching(db, alice, text) == expected


@pytest.mark.parametrize("bad", ["", "   ", None, {"$gt": ""}, "x" * 201])
def test_bad_queries_are_invalid(db, alice, bad):
    with pytest.raises(Invalid):
        search.conversation_filter(db, alice, bad)
