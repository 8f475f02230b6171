"""/v1/conversations/search: every word of the query in a title or a message's text (any
order, any case, any accents), matched fields, every list filter."""

import pytest

from tests.api.v1.conftest import platform_error


@pytest.fixture
def corpus(alice_v1, bob_v1):
    both = alice_v1.create(title="Postgres tuning", source="api", tags=["db"])
    alice_v1.append(both["id"], content="how do I tune POSTGRES?")
    by_title = alice_v1.create(title="postgres notes", source="widget", assistant_id="asst_1")
    by_message = alice_v1.create(title="Travel", source="widget")
    alice_v1.append(by_message["id"], content="a postgres meetup in Lisbon")
    alice_v1.create(title="Unrelated")
    bob_v1.create(title="Bob's postgres")
    return {"both": both["id"], "title": by_title["id"], "message": by_message["id"]}


def found(caller, **params):
    return {c["id"]: c["matched_fields"] for c in caller.get("/search", **params)["data"]}


def test_results_say_which_field_matched(alice_v1, corpus):
    assert found(alice_v1, q="postgres") == {
        corpus["both"]: ["title", "messages"],
        corpus["title"]: ["title"],
        corpus["message"]: ["messages"],
    }


def test_results_carry_conversation_fields(alice_v1, corpus):
    item = alice_v1.get("/search", q="Travel")["data"][0]
    assert item["title"] == "Travel"
    assert {"id", "status", "message_count", "tags", "metadata"} <= set(item)


def test_list_filters_apply(alice_v1, corpus):
    assert set(found(alice_v1, q="postgres", source="widget")) == {
        corpus["title"],
        corpus["message"],
    }
    assert set(found(alice_v1, q="postgres", assistant_id="asst_1")) == {corpus["title"]}
    assert set(found(alice_v1, q="postgres", tag="db")) == {corpus["both"]}
    alice_v1.request("PATCH", f"/{corpus['title']}", json={"status": "archived"}, expect=200)
    assert set(found(alice_v1, q="postgres", status="archived")) == {corpus["title"]}
    alice_v1.request("DELETE", f"/{corpus['message']}", expect=200)
    assert set(found(alice_v1, q="postgres")) == {corpus["both"], corpus["title"]}
    assert set(found(alice_v1, q="postgres", status="deleted")) == {corpus["message"]}


def test_paging_through_results(alice_v1, corpus):
    first = alice_v1.get("/search", q="postgres", limit=2)
    assert first["has_more"] is True
    second = alice_v1.get("/search", q="postgres", limit=2, cursor=first["next_cursor"])
    assert second["has_more"] is False
    ids = [c["id"] for c in first["data"] + second["data"]]
    assert sorted(ids) == sorted(corpus.values())


def test_scope_user_and_admin(bob_v1, admin_v1, corpus):
    assert [c["title"] for c in bob_v1.get("/search", q="postgres")["data"]] == ["Bob's postgres"]
    assert len(admin_v1.get("/search", q="postgres")["data"]) == 4
    assert set(found(admin_v1, q="postgres", user_id="alice")) == set(corpus.values())
    platform_error(
        bob_v1.request("GET", "/search", query_string={"q": "x", "user_id": "alice"}), 403
    )


def test_every_word_in_any_order(alice_v1):
    rollout = alice_v1.create(title="Deploys")
    alice_v1.append(rollout["id"], content="The Kubernetes rollout stalled.")
    alice_v1.create(title="Kubernetes basics")
    for q in ("kubernetes rollout", "rollout kubernetes", "ROLLOUT, Kubernetes!"):
        assert found(alice_v1, q=q) == {rollout["id"]: ["messages"]}
    assert found(alice_v1, q="kubernetes rollback") == {}


def test_accents_and_case_are_ignored_both_ways(alice_v1):
    accented = alice_v1.create(title="Café Lisboa")
    plain = alice_v1.create(title="notes")
    alice_v1.append(plain["id"], content="meet at the cafe near the river")
    assert set(found(alice_v1, q="cafe")) == {accented["id"], plain["id"]}
    assert set(found(alice_v1, q="CAFÉ")) == {accented["id"], plain["id"]}
    assert found(alice_v1, q="café lisboa") == {accented["id"]: ["title"]}


@pytest.mark.parametrize("text", [".*", "[", '{"$gt": ""}', "$gt", "\\", "$where"])
def test_operators_and_metacharacters_are_plain_words(alice_v1, corpus, text):
    assert alice_v1.get("/search", q=text)["data"] == []


def test_words_inside_metacharacters_still_match(alice_v1, corpus):
    assert set(found(alice_v1, q="(postgres)+.*")) == set(corpus.values())


def test_another_users_words_never_match(bob_v1, corpus):
    assert found(bob_v1, q="lisbon") == {}
    assert found(bob_v1, q="tune postgres") == {}


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 201}, {"q": "x", "limit": 0}])
def test_bad_queries(alice_v1, params):
    platform_error(alice_v1.request("GET", "/search", query_string=params), 422)


def test_text_backend_without_a_server_is_a_clear_503(alice_v1, app):
    alice_v1.append(alice_v1.create(title="Lisbon trip")["id"], content="museums")
    alice_v1.create(title="Lisboa")
    app.config["SEARCH_BACKEND"] = "text"
    response = alice_v1.request("GET", "/search", query_string={"q": "lisbon museum"})
    if app.extensions["mongo"].client.__class__.__module__.startswith("mongomock"):
        platform_error(response, 503, "unavailable")
    else:  # a real server: the text index answers, by whole words
        item = response.json["data"][0]
        assert len(response.json["data"]) == 1
        assert (item["title"], item["matched_fields"]) == ("Lisbon trip", ["title", "messages"])
