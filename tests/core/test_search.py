"""Search: every word of the query, any order, ignoring case and accents; scoped; the
query is only ever words, so metacharacters and operators are plain text."""

import pytest

from app.core import conversations, lifecycle, listing, messages, search
from app.core.errors import Invalid
from app.core.scope import Scope


def matching(db, scope, text):
    query = {**scope.query(), **search.conversation_filter(db, scope, text)}
    return {c["title"] for c in db.conversations.find(query)}


def say(db, scope, conversation, text):
    return messages.append(db, scope, conversation["_id"], messages.NewMessage("user", text))


@pytest.fixture
def corpus(db, alice, bob):
    a = conversations.create(db, alice, title="Postgres tuning")
    b = conversations.create(db, alice, title="Travel plans")
    say(db, alice, b, "Visit POSTGRES.* in the Café")
    conversations.create(db, alice, title="Regex (a+)+ party")
    conversations.create(db, bob, title="Bob's postgres notes")
    return a, b


def test_title_or_message_match_case_insensitive(db, alice, corpus):
    assert matching(db, alice, "postgres") == {"Postgres tuning", "Travel plans"}


@pytest.mark.parametrize("text", ["cafe postgres", "POSTGRES CAFÉ", "visit, café!", "Cafe"])
def test_every_word_in_any_order_ignoring_case_and_accents(db, alice, corpus, text):
    assert matching(db, alice, text) == {"Travel plans"}


def test_every_word_must_be_there(db, alice, corpus):
    assert matching(db, alice, "postgres tuning") == {"Postgres tuning"}
    assert matching(db, alice, "postgres lisbon") == set()


def test_whole_words_not_substrings(db, alice, corpus):
    assert matching(db, alice, "postgre") == set()
    assert matching(db, alice, "tun") == set()


def test_other_users_never_match(db, bob, corpus):
    assert matching(db, bob, "postgres") == {"Bob's postgres notes"}
    assert matching(db, bob, "cafe") == set()


@pytest.mark.parametrize(
    "text,expected",
    [
        (".*", set()),  # no words: nothing
        ("(a+)+", {"Regex (a+)+ party"}),  # the word "a"
        ("$gt", set()),
        ('{"$gt": ""}', set()),
        ("[", set()),
        ("postgres.*", {"Postgres tuning", "Travel plans"}),
    ],
)
def test_metacharacters_and_operators_are_plain_words(db, alice, corpus, text, expected):
    assert matching(db, alice, text) == expected


@pytest.mark.parametrize("bad", ["", "   ", None, {"$gt": ""}, ["x"], "x" * 201])
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


def test_admin_searches_the_whole_workspace(db, corpus):
    admin = Scope.for_admin("root")
    assert matching(db, admin, "postgres") == {
        "Postgres tuning",
        "Travel plans",
        "Bob's postgres notes",
    }


def test_unknown_backend_is_invalid(db, alice):
    with pytest.raises(Invalid):
        search.find_matches(db, alice, "x", backend="regex")


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


def test_message_hits_hold_every_word(db, alice, corpus):
    say(db, alice, corpus[0], "cafe only")
    hits = search.message_page(db, alice, "café postgres").items
    assert [hit["text"] for hit in hits] == ["Visit POSTGRES.* in the Café"]
    assert search.message_page(db, alice, ".*").items == []
