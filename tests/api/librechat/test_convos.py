"""Scenario: LibreChat's /api/convos routes (list, read, update, archive, pin, delete, titles)."""

import random
from datetime import timedelta

import pytest

from app.core import conversations, deletion, lifecycle
from app.core.clock import utcnow

from .conftest import ALICE, assert_librechat_error

FOREIGN = "You don't have access to this conversation"


# --- reading --------------------------------------------------------------------------


def test_get_conversation_in_librechat_wire_format(client, as_alice, convo):
    created = convo(
        "the history of rome",
        "long.",
        endpoint="openAI",
        model="gpt-4",
        model_label="GPT-4",
        tags=["ai"],
        settings={"temperature": 0.2, "title": "not me"},
    )
    response = client.get(f"/api/convos/{created['_id']}", headers=as_alice)
    assert response.status_code == 200
    body = response.json
    assert body["conversationId"] == created["_id"]
    assert body["title"] == "The history of rome"  # generated from the first exchange
    assert (body["endpoint"], body["model"], body["modelLabel"]) == ("openAI", "gpt-4", "GPT-4")
    assert (body["isArchived"], body["pinned"], body["tags"], body["user"]) == (
        False,
        False,
        ["ai"],
        "alice",
    )
    assert body["temperature"] == 0.2  # settings are spread, never over real fields
    assert body["createdAt"].endswith("Z") and body["updatedAt"].endswith("Z")


def test_colloquys_own_settings_stay_out_of_the_librechat_conversation(client, as_alice, convo):
    created = convo("hi", "hello", settings={"temperature": 0.5})
    setting = {"strategy": "sliding_window", "threshold_tokens": 1000, "window_size": 4}
    url = f"/v1/conversations/{created['_id']}/compaction"
    assert client.put(url, json=setting, headers=as_alice).status_code == 200
    body = client.get(f"/api/convos/{created['_id']}", headers=as_alice).json
    assert body["temperature"] == 0.5
    assert "compaction" not in body


def test_get_errors(client, as_alice, as_bob, convo, auth):
    created = convo()
    assert_librechat_error(
        client.get("/api/convos/missing", headers=as_alice), 404, "Conversation not found"
    )
    assert_librechat_error(
        client.get(f"/api/convos/{created['_id']}", headers=as_bob), 403, FOREIGN
    )
    assert_librechat_error(client.get(f"/api/convos/{created['_id']}"), 401)
    assert_librechat_error(
        client.get(f"/api/convos/{created['_id']}", headers=auth("alice", workspace="acme")), 404
    )


def test_list_filters_archived_pinned_tags_and_search(client, as_alice, convo, app_db):
    plain = convo("tell me about ducks", "they quack")
    tagged = convo(title="Budget", tags=["work", "money"])
    pinned = convo(title="Pinned", pinned=True, tags=["home"])
    archived = convo(title="Old")
    lifecycle.set_archived(app_db, ALICE, archived["_id"], True)
    deleted = convo(title="Gone")
    deletion.soft_delete(app_db, ALICE, deleted["_id"])
    convo(title="Bob's", scope=conversations.Scope.for_user("bob"))

    def ids(query=""):
        response = client.get(f"/api/convos{query}", headers=as_alice)
        assert response.status_code == 200, response.json
        return {c["conversationId"] for c in response.json["conversations"]}

    assert ids() == {plain["_id"], tagged["_id"], pinned["_id"]}
    assert ids("?isArchived=true") == {archived["_id"]}
    assert ids("?pinned=true") == {pinned["_id"]}
    assert ids("?tags=work") == {tagged["_id"]}
    assert ids("?tags=work&tags=home") == {tagged["_id"], pinned["_id"]}
    assert ids("?search=QUACK") == {plain["_id"]}  # message text, any case
    assert ids("?search=budget") == {tagged["_id"]}
    assert ids("?search=budg") == set()  # whole words
    assert ids("?search=ducks%20TELL") == {plain["_id"]}  # every word, any order
    assert ids("?search=quack%20ducks") == set()  # in one title or one message
    assert ids("?search=.*") == set()  # regex metacharacters are no words
    assert ids('?search={"$gt": ""}') == set()


def test_list_tags_in_both_query_formats(client, as_alice, convo):
    work, home = convo(tags=["work"]), convo(tags=["home"])
    convo(tags=["other"])

    def ids(query):
        listed = client.get(f"/api/convos?{query}", headers=as_alice).json["conversations"]
        return {c["conversationId"] for c in listed}

    assert ids("tags[]=work") == {work["_id"]}
    assert ids("tags%5B%5D=work&tags%5B%5D=home") == {work["_id"], home["_id"]}
    assert ids("tags=work&tags[]=home") == {work["_id"], home["_id"]}


def test_archived_sorted_by_when_they_were_archived(client, as_alice, convo, app_db):
    first, second, third = convo(title="first"), convo(title="second"), convo(title="third")
    for minutes, archived in enumerate((second, third, first)):
        lifecycle.set_archived(app_db, ALICE, archived["_id"], True)
        when = utcnow() + timedelta(minutes=minutes)
        app_db.conversations.update_one({"_id": archived["_id"]}, {"$set": {"archived_at": when}})
    titles = []
    cursor = ""
    for _ in range(3):
        page = client.get(
            f"/api/convos?isArchived=true&sortBy=archivedAt&limit=1{cursor}", headers=as_alice
        ).json
        titles += [c["title"] for c in page["conversations"]]
        cursor = f"&cursor={page['nextCursor']}" if page["nextCursor"] else ""
    assert titles == ["first", "third", "second"]  # last archived first
    ascending = client.get(
        "/api/convos?isArchived=true&sortBy=archivedAt&sortDirection=asc", headers=as_alice
    ).json
    assert [c["title"] for c in ascending["conversations"]] == ["second", "third", "first"]


def test_absent_optional_fields_are_left_out(client, as_alice, convo):
    created = convo("hi", "hello")
    body = client.get(f"/api/convos/{created['_id']}", headers=as_alice).json
    assert body["endpoint"] is None  # required by the client, nullable
    assert not {"assistant_id", "model", "modelLabel"} & set(body)


def test_list_page_fields(client, as_alice, convo):
    for index in range(5):
        convo(title=f"c{index}")
    first = client.get("/api/convos?limit=2", headers=as_alice).json
    assert (first["pageNumber"], first["pageSize"], first["pages"]) == (1, 2, 3)
    second = client.get(f"/api/convos?limit=2&cursor={first['nextCursor']}", headers=as_alice)
    assert second.json["pageNumber"] == 2
    third = client.get(f"/api/convos?limit=2&cursor={second.json['nextCursor']}", headers=as_alice)
    assert (third.json["pageNumber"], third.json["nextCursor"]) == (3, None)
    assert len(third.json["conversations"]) == 1
    default = client.get("/api/convos", headers=as_alice).json
    assert (default["pageSize"], default["pages"], len(default["conversations"])) == (25, 1, 5)


@pytest.mark.parametrize(
    "query,message",
    [
        ("sortBy=size", "sortBy: Must be one of: updatedAt, createdAt, title, archivedAt."),
        ("sortDirection=up", None),
        ("cursor=not-a-cursor", "cursor is not valid"),
        ("limit=0", None),
        ("limit=101", None),
        ("limit=abc", None),
        ("isArchived=maybe", None),
        ("search=" + "x" * 201, None),
    ],
)
def test_list_bad_parameters_are_400(client, as_alice, convo, query, message):
    convo()
    assert_librechat_error(client.get(f"/api/convos?{query}", headers=as_alice), 400, message)


def test_cursor_of_another_sort_order_is_400(client, as_alice, convo):
    convo(), convo()
    page = client.get("/api/convos?limit=1&sortBy=title", headers=as_alice).json
    response = client.get(f"/api/convos?limit=1&cursor={page['nextCursor']}", headers=as_alice)
    assert_librechat_error(response, 400, "cursor belongs to a different sort order")


# --- paging through 60 conversations while they change ----------------------------------

ORDERS = [(f, d) for f in ("updatedAt", "createdAt", "title") for d in ("desc", "asc")]


@pytest.fixture
def sixty(app_db):
    base = utcnow() - timedelta(days=1)
    created = []
    for index in range(60):  # creation times tie in threes, titles in threes: ids break ties
        created.append(
            conversations.create(
                app_db,
                ALICE,
                title=f"Topic {index % 20:02d}",
                created_at=base - timedelta(minutes=index // 3),
            )
        )
    return created


def _update_between_pages(client, headers, order, seen, unseen, rng):
    """Changes that must not break the walk's guarantee for this order (see the docstring)."""
    field, direction = order
    if field == "updatedAt":
        # desc: an updated, already seen conversation moves to the front it has passed;
        # asc: an updated, not yet seen one moves to the end it has still to reach.
        pool = sorted(seen) if direction == "desc" else sorted(unseen)
        targets = [rng.choice(pool)]
    else:  # createdAt and title do not change: update anything, seen or not
        targets = [rng.choice(sorted(seen)), rng.choice(sorted(unseen))]
    for conversation_id in targets:
        if field == "title":
            body = {"arg": {"conversationId": conversation_id, "pinned": True}}
            assert client.post("/api/convos/pin", json=body, headers=headers).status_code == 200
        else:
            body = {"arg": {"conversationId": conversation_id, "title": "edited"}}
            assert client.post("/api/convos/update", json=body, headers=headers).status_code == 200


@pytest.mark.parametrize("order", ORDERS)
def test_cursor_walk_has_no_duplicates_or_gaps_while_updating(
    client, as_alice, sixty, app_db, order
):
    rng = random.Random(7)
    all_ids = {c["_id"] for c in sixty}
    walked, cursor, page_numbers = [], None, []
    while True:
        query = f"/api/convos?limit=7&sortBy={order[0]}&sortDirection={order[1]}"
        response = client.get(query + (f"&cursor={cursor}" if cursor else ""), headers=as_alice)
        assert response.status_code == 200, response.json
        body = response.json
        walked += [c["conversationId"] for c in body["conversations"]]
        page_numbers.append(body["pageNumber"])
        cursor = body["nextCursor"]
        if cursor is None:
            break
        if len(page_numbers) <= 5:
            seen = set(walked)
            _update_between_pages(client, as_alice, order, seen, all_ids - seen, rng)
    assert len(walked) == len(set(walked)) == 60
    assert set(walked) == all_ids
    assert page_numbers == list(range(1, 10))
    if order[0] != "updatedAt":  # a stable key: the walk is exactly the sorted order
        key = "created_at" if order[0] == "createdAt" else "title"
        stored = sorted(
            app_db.conversations.find({"user_id": "alice"}),
            key=lambda c: (c[key], c["_id"]),
            reverse=order[1] == "desc",
        )
        assert walked == [c["_id"] for c in stored]


# --- changing ---------------------------------------------------------------------------


def test_update_title_trims_and_refuses_titles_over_the_cap(client, as_alice, convo):
    created = convo()
    body = {"arg": {"conversationId": created["_id"], "title": "  " + "t" * 1020 + " "}}
    response = client.post("/api/convos/update", json=body, headers=as_alice)
    assert response.status_code == 200
    assert response.json["title"] == "t" * 1020
    assert response.json["conversationId"] == created["_id"]
    body = {"arg": {"conversationId": created["_id"], "title": "t" * 2000}}
    refused = client.post("/api/convos/update", json=body, headers=as_alice)
    assert_librechat_error(refused, 400, "arg.title: Longer than maximum length 1024.")


@pytest.mark.parametrize(
    "body,message",
    [
        ({"arg": {"title": "x"}}, "conversationId is required"),
        ({"arg": {"conversationId": "c"}}, "title is required"),
        ({}, "arg is required"),
        ({"arg": "nope"}, None),
        ({"arg": {"conversationId": {"$gt": ""}, "title": "x"}}, None),
        ({"arg": {"conversationId": "c", "title": 5}}, None),
        ({"arg": {"conversationId": "c", "title": "   "}}, "title must not be empty"),
    ],
)
def test_update_rejects_bad_bodies(client, as_alice, convo, app_db, body, message):
    created = convo(title="Keep")
    if isinstance(body.get("arg"), dict) and body["arg"].get("conversationId") == "c":
        body["arg"]["conversationId"] = created["_id"]
    assert_librechat_error(
        client.post("/api/convos/update", json=body, headers=as_alice), 400, message
    )
    assert conversations.get(app_db, ALICE, created["_id"])["title"] == "Keep"


def test_malformed_json_is_400(client, as_alice):
    response = client.post(
        "/api/convos/update",
        data="{not json",
        headers={**as_alice, "Content-Type": "application/json"},
    )
    assert_librechat_error(response, 400)


def test_update_archive_pin_of_missing_or_foreign(client, as_alice, as_bob, convo):
    created = convo(title="Alice's")
    for path, extra in (
        ("/api/convos/update", {"title": "x"}),
        ("/api/convos/archive", {"isArchived": True}),
        ("/api/convos/pin", {"pinned": True}),
    ):
        foreign = {"arg": {"conversationId": created["_id"], **extra}}
        assert_librechat_error(client.post(path, json=foreign, headers=as_bob), 403, FOREIGN)
        missing = {"arg": {"conversationId": "nope", **extra}}
        assert_librechat_error(client.post(path, json=missing, headers=as_alice), 404)
    assert client.get(f"/api/convos/{created['_id']}", headers=as_alice).json["title"] == "Alice's"


def test_archive_unarchive_and_pin(client, as_alice, convo):
    created = convo()
    arg = {"conversationId": created["_id"]}
    archived = client.post(
        "/api/convos/archive", json={"arg": {**arg, "isArchived": True}}, headers=as_alice
    )
    assert archived.json["isArchived"] is True
    listed = client.get("/api/convos?isArchived=true", headers=as_alice).json["conversations"]
    assert [c["conversationId"] for c in listed] == [created["_id"]]
    back = client.post(
        "/api/convos/archive", json={"arg": {**arg, "isArchived": False}}, headers=as_alice
    )
    assert back.json["isArchived"] is False
    pinned = client.post("/api/convos/pin", json={"arg": {**arg, "pinned": True}}, headers=as_alice)
    assert pinned.json["pinned"] is True
    missing_flag = client.post("/api/convos/pin", json={"arg": arg}, headers=as_alice)
    assert_librechat_error(missing_flag, 400, "pinned is required")


def test_archive_all(client, as_alice, as_bob, convo):
    convo(), convo()
    bobs = convo(scope=conversations.Scope.for_user("bob"))
    response = client.post("/api/convos/archive/all", headers=as_alice)
    assert response.json == {"archivedCount": 2}
    assert client.get("/api/convos", headers=as_alice).json["conversations"] == []
    assert client.get(f"/api/convos/{bobs['_id']}", headers=as_bob).json["isArchived"] is False


# --- deleting ---------------------------------------------------------------------------


def test_delete_one_with_its_messages(client, as_alice, convo, app_db):
    created = convo("q1", "a1", "q2")
    kept = convo("other", "reply")
    body = {"arg": {"conversationId": created["_id"], "source": "button", "endpoint": "openAI"}}
    response = client.delete("/api/convos", json=body, headers=as_alice)
    assert response.status_code == 200
    assert response.json == {
        "acknowledged": True,
        "deletedCount": 1,
        "messages": {"acknowledged": True, "deletedCount": 3},
    }
    assert app_db.messages.count_documents({"conversation_id": created["_id"]}) == 0
    assert app_db.messages.count_documents({"conversation_id": kept["_id"]}) == 2
    assert_librechat_error(client.get(f"/api/convos/{created['_id']}", headers=as_alice), 404)


def test_delete_errors_change_nothing(client, as_alice, as_bob, convo, app_db):
    created = convo("q", "a")
    assert_librechat_error(
        client.delete("/api/convos", json={"arg": {"source": "button"}}, headers=as_alice),
        400,
        "conversationId is required",
    )
    foreign = {"arg": {"conversationId": created["_id"]}}
    assert_librechat_error(client.delete("/api/convos", json=foreign, headers=as_bob), 403, FOREIGN)
    missing = {"arg": {"conversationId": "nope"}}
    assert_librechat_error(client.delete("/api/convos", json=missing, headers=as_alice), 404)
    injected = {"arg": {"conversationId": {"$ne": None}}}
    assert_librechat_error(client.delete("/api/convos", json=injected, headers=as_alice), 400)
    assert app_db.conversations.count_documents({}) == 1
    assert app_db.messages.count_documents({}) == 2


def test_delete_all_is_the_callers_only(client, as_alice, as_bob, convo, app_db):
    convo("a", "b"), convo("c")
    convo("bob's", scope=conversations.Scope.for_user("bob"))
    response = client.delete("/api/convos/all", headers=as_alice)
    assert response.json == {
        "acknowledged": True,
        "deletedCount": 2,
        "messages": {"acknowledged": True, "deletedCount": 3},
    }
    assert app_db.conversations.count_documents({"user_id": "bob"}) == 1
    again = client.delete("/api/convos/all", headers=as_alice)
    assert again.json["deletedCount"] == 0


# --- titles -----------------------------------------------------------------------------


def test_gen_title_after_the_first_exchange(client, as_alice, convo):
    created = convo("  please explain **keyset pagination** to me?  ", "Sure.")
    response = client.get(f"/api/convos/gen_title/{created['_id']}", headers=as_alice)
    assert response.status_code == 200
    assert response.json == {"title": "Explain keyset pagination to me"}


def test_gen_title_404_when_no_title_appears(client, as_alice, as_bob, convo):
    only_question = convo("a question with no answer yet")
    response = client.get(f"/api/convos/gen_title/{only_question['_id']}", headers=as_alice)
    assert_librechat_error(
        response, 404, "Title not found or method not implemented for the conversation's endpoint"
    )
    assert_librechat_error(client.get("/api/convos/gen_title/nope", headers=as_alice), 404)
    assert_librechat_error(
        client.get(f"/api/convos/gen_title/{only_question['_id']}", headers=as_bob), 403, FOREIGN
    )


def test_gen_title_keeps_a_user_title(client, as_alice, convo):
    created = convo("first question", "answer", title="My own")
    response = client.get(f"/api/convos/gen_title/{created['_id']}", headers=as_alice)
    assert response.json == {"title": "My own"}
