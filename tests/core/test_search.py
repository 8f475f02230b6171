"""Search: literal, case-insensitive, scoped; metacharacters are plain text."""

import pytest

from app.core import conversations, lifecycle, listing, messages, search
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


def test_matches_say_which_field_matched(db, alice, corpus):
    a, b = corpus
    matches = search.find_matches(db, alice, "POSTGRES")
    query = {**alice.query(), **matches.query()}
    found = {c["_id"]: matches.fields_for(c) for c in db.conversations.find(query)}
    assert found == {a["_id"]: ["title"], b["_id"]: ["messages"]}


def test_search_page_combines_matches_with_list_filters(db, alice, corpus):
    a, _ = corpus
    lifecycle.set_archived(db, alice, a["_id"], True)
    archived = listing.ListFilter(statuses=("archived",))
    page = listing.search_page(db, alice, "postgres", archived)
    assert [(c["_id"], c["matched_fields"]) for c in page.items] == [(a["_id"], ["title"])]
    everything = listing.search_page(db, alice, "postgres", listing.ListFilter(), limit=1)
    assert everything.has_more is True


def test_unknown_backend_is_invalid(db, alice):
    with pytest.raises(Invalid):
        search.find_matches(db, alice, "x", backend="elastic")


def test_text_backend_matches_by_id(db, alice, corpus):
    """Text-index matches are id sets; on mongomock the backend answers Unavailable."""
    from app.core.errors import Unavailable

    try:
        matches = search.find_matches(db, alice, "postgres", backend="text")
    except Unavailable:
        matches = search.Matches("postgres", "text", {corpus[0]["_id"]}, {corpus[1]["_id"]})
    assert matches.query() == {"_id": {"$in": sorted([corpus[0]["_id"], corpus[1]["_id"]])}}
    assert matches.fields_for(corpus[0]) == ["title"]
    assert matches.fields_for(corpus[1]) == ["messages"]
