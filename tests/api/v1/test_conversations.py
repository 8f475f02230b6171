"""/v1/conversations: create, read, list with every filter, change, delete, admin reach."""

from datetime import timedelta

import pytest

from app.core import conversations, lifecycle
from app.core.clock import utcnow
from app.core.scope import Scope
from tests.api.v1.conftest import platform_error

SEED_001_FIELDS = {
    "id",
    "assistant_id",
    "title",
    "source",
    "status",
    "user_id",
    "message_count",
    "total_input_tokens",
    "total_output_tokens",
    "total_cost_cents",
    "created_at",
    "updated_at",
    "last_message_at",
}


def test_create_minimal_and_read_back(alice_v1):
    created = alice_v1.create(title="Product questions", assistant_id="asst_1")
    assert created["title"] == "Product questions"
    assert created["status"] == "active"
    assert created["source"] == "api"
    assert created["user_id"] == "alice"
    assert created["message_count"] == 0
    assert created["created_at"].endswith("Z")
    detail = alice_v1.get(f"/{created['id']}")["data"]
    assert detail["messages"] == []
    assert detail["assistant_id"] == "asst_1"


def test_list_items_carry_every_seed_field_plus_metadata_and_tags(alice_v1):
    conv = alice_v1.create(title="t", metadata={"k": 1}, tags=["x"])
    alice_v1.append(conv["id"], input_tokens=3, output_tokens=2, cost_cents=0.25)
    body = alice_v1.get()
    assert set(body) == {"data", "has_more", "next_cursor"}
    item = body["data"][0]
    assert SEED_001_FIELDS | {"metadata", "tags"} <= set(item)
    assert item["total_input_tokens"] == 3
    assert item["total_cost_cents"] == 0.25
    assert item["last_message_at"] is not None
    assert (item["metadata"], item["tags"]) == ({"k": 1}, ["x"])


def test_create_with_initial_messages_chains_them(alice_v1):
    created = alice_v1.create(
        title="seeded",
        messages=[
            {"role": "user", "content": "q", "input_tokens": 5},
            {"role": "assistant", "text": "a", "output_tokens": 7, "cost_cents": 1.5},
        ],
    )
    assert created["message_count"] == 2
    assert (created["total_input_tokens"], created["total_output_tokens"]) == (5, 7)
    msgs = alice_v1.get(f"/{created['id']}")["data"]["messages"]
    assert [m["text"] for m in msgs] == ["q", "a"]
    assert msgs[1]["parent_message_id"] == msgs[0]["id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": 5}, 422),
        ({"title": ""}, 422),
        ({"tags": "x"}, 422),
        ({"metadata": []}, 422),
        ({"messages": [{"role": "robot", "content": "x"}]}, 422),
        ({"messages": [{"role": "user"}]}, 422),
        ({"messages": [{"role": "user", "content": "x", "input_tokens": -1}]}, 422),
        ({"messages": [{"role": "user", "content": "x", "parent_message_id": "nope"}]}, 400),
        ({"unknown": 1}, 422),
    ],
)
def test_bad_creates_change_nothing(alice_v1, app_db, body, status):
    platform_error(alice_v1.request("POST", json=body), status)
    assert app_db.conversations.count_documents({}) == 0
    assert app_db.messages.count_documents({}) == 0


def test_malformed_json_is_a_clear_4xx(alice_v1, app_db):
    response = alice_v1.request("POST", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"]
    assert app_db.conversations.count_documents({}) == 0


def test_oversized_metadata_is_refused(alice_v1):
    response = alice_v1.request("POST", json={"metadata": {"big": "x" * 20_000}})
    platform_error(response, 400, "invalid_request")


def test_get_options_page_and_thread(alice_v1):
    conv = alice_v1.create(title="paging")
    ids = [alice_v1.append(conv["id"], content=f"m{i}")["id"] for i in range(5)]
    # a branch off the second message becomes the latest leaf
    branch = alice_v1.append(conv["id"], content="branch", parent_message_id=ids[1])
    first = alice_v1.get(f"/{conv['id']}", messages_limit=2)["data"]
    assert [m["id"] for m in first["messages"]] == ids[:2]
    assert first["messages_has_more"] is True
    rest = alice_v1.get(
        f"/{conv['id']}", messages_limit=10, messages_cursor=first["messages_next_cursor"]
    )["data"]
    assert [m["id"] for m in rest["messages"]] == [*ids[2:], branch["id"]]
    assert rest["messages_has_more"] is False
    newest = alice_v1.get(f"/{conv['id']}", messages_limit=1, messages_order="desc")["data"]
    assert newest["messages"][0]["id"] == branch["id"]
    thread = alice_v1.get(f"/{conv['id']}", thread="true")["data"]["messages"]
    assert [m["id"] for m in thread] == [ids[0], ids[1], branch["id"]]
    tail = alice_v1.get(f"/{conv['id']}", thread="true", messages_limit=1)["data"]["messages"]
    assert [m["id"] for m in tail] == [branch["id"]]
    bare = alice_v1.get(f"/{conv['id']}", include_messages="false")["data"]
    assert "messages" not in bare
    assert bare["message_count"] == 6


def test_get_unknown_foreign_and_injected_ids(alice_v1, bob_v1):
    conv = alice_v1.create(title="mine")
    platform_error(bob_v1.request("GET", f"/{conv['id']}"), 404, "not_found")
    platform_error(alice_v1.request("GET", "/does-not-exist"), 404, "not_found")
    bad_cursor = alice_v1.request("GET", f"/{conv['id']}", query_string={"messages_cursor": "x"})
    platform_error(bad_cursor, 400, "invalid_request")
    platform_error(alice_v1.request("GET", "", query_string={"status": "nope"}), 422)
    platform_error(alice_v1.request("GET", "", query_string={"limit": 101}), 422)


def test_patch_title_metadata_merge_and_tags(alice_v1):
    conv = alice_v1.create(title="old", metadata={"a": 1, "b": 2}, tags=["x"])
    patched = alice_v1.request(
        "PATCH",
        f"/{conv['id']}",
        json={"title": "  new  ", "metadata": {"b": None, "c": 3}, "tags": ["y", "y", "z"]},
        expect=200,
    ).json["data"]
    assert patched["title"] == "new"
    assert patched["metadata"] == {"a": 1, "c": 3}
    assert patched["tags"] == ["y", "z"]
    assert patched["updated_at"] >= conv["updated_at"]


@pytest.mark.parametrize(
    "body,status",
    [
        ({}, 422),
        ({"status": "gone"}, 422),
        ({"title": ""}, 422),
        ({"metadata": {"bad key!": 1}}, 400),
        ({"metadata": {"k": "x" * 20_000}}, 400),
        ({"tags": ["t"] * 0 + [f"t{i}" for i in range(101)]}, 400),
    ],
)
def test_bad_patches_change_nothing(alice_v1, app_db, body, status):
    conv = alice_v1.create(title="keep", metadata={"a": 1})
    before = app_db.conversations.find_one({"_id": conv["id"]})
    platform_error(alice_v1.request("PATCH", f"/{conv['id']}", json=body), status)
    assert app_db.conversations.find_one({"_id": conv["id"]}) == before


def test_status_archive_unarchive_delete_restore(alice_v1):
    conv = alice_v1.create(title="cycle")
    path = f"/{conv['id']}"

    def status_after(status):
        body = alice_v1.request("PATCH", path, json={"status": status}, expect=200).json
        return body["data"]["status"]

    assert status_after("archived") == "archived"
    assert [c["id"] for c in alice_v1.get(status="archived")["data"]] == [conv["id"]]
    assert status_after("active") == "active"
    assert status_after("deleted") == "deleted"
    assert alice_v1.get()["data"] == []
    assert [c["id"] for c in alice_v1.get(status="deleted")["data"]] == [conv["id"]]
    assert alice_v1.get(path)["data"]["status"] == "deleted"  # still readable, to restore
    assert status_after("active") == "active"
    assert [c["id"] for c in alice_v1.get()["data"]] == [conv["id"]]


def test_restore_and_rename_together(alice_v1):
    conv = alice_v1.create(title="before")
    alice_v1.request("DELETE", f"/{conv['id']}", expect=200)
    body = {"status": "active", "title": "after"}
    patched = alice_v1.request("PATCH", f"/{conv['id']}", json=body, expect=200).json["data"]
    assert (patched["status"], patched["title"]) == ("active", "after")


def test_soft_delete_hides_and_keeps_messages(alice_v1, app_db):
    conv = alice_v1.create(title="bye")
    alice_v1.append(conv["id"])
    body = alice_v1.request("DELETE", f"/{conv['id']}", expect=200).json["data"]
    assert body == {"id": conv["id"], "status": "deleted", "hard": False, "messages_deleted": 0}
    assert alice_v1.get()["data"] == []
    assert app_db.messages.count_documents({"conversation_id": conv["id"]}) == 1
    platform_error(
        alice_v1.request("POST", f"/{conv['id']}/messages", json={"role": "user", "content": "x"}),
        404,
    )
    alice_v1.request("DELETE", f"/{conv['id']}", expect=200)  # idempotent


def test_hard_delete_is_admin_only(alice_v1, admin_v1, app_db):
    conv = alice_v1.create(title="erase me")
    alice_v1.append(conv["id"])
    path = f"/{conv['id']}/messages"
    body = {"role": "user", "content": "x"}
    alice_v1.request("POST", path, json=body, headers={"Idempotency-Key": "k"}, expect=201)
    refused = alice_v1.request("DELETE", f"/{conv['id']}", query_string={"hard": "true"})
    platform_error(refused, 403, "forbidden")
    assert app_db.conversations.count_documents({"_id": conv["id"]}) == 1
    erased = admin_v1.request(
        "DELETE", f"/{conv['id']}", query_string={"hard": "true"}, expect=200
    ).json["data"]
    assert erased == {"id": conv["id"], "status": "erased", "hard": True, "messages_deleted": 2}
    assert app_db.conversations.count_documents({}) == 0
    assert app_db.messages.count_documents({}) == 0
    assert app_db.idempotency_keys.count_documents({}) == 0
    platform_error(admin_v1.request("DELETE", f"/{conv['id']}", query_string={"hard": "1"}), 404)


def with_messages(caller, n=2):
    conv = caller.create()
    for i in range(n):
        caller.append(conv["id"], content=f"m{i}")
    return conv


def status_in_store(app_db, conversation_id):
    return app_db.conversations.find_one({"_id": conversation_id})["status"]


def test_delete_is_soft_by_default(alice_v1, app_db):
    conv = with_messages(alice_v1)
    result = alice_v1.request("DELETE", f"/{conv['id']}", expect=200).json["data"]
    assert result == {"id": conv["id"], "status": "deleted", "hard": False, "messages_deleted": 0}
    assert status_in_store(app_db, conv["id"]) == "deleted"
    assert app_db.messages.count_documents({"conversation_id": conv["id"]}) == 2


def test_hard_delete_is_forbidden_to_users(alice_v1, app_db):
    conv = with_messages(alice_v1)
    refused = alice_v1.request("DELETE", f"/{conv['id']}", query_string={"hard": "true"})
    platform_error(refused, 403, "forbidden")  # not "not_owned", which /v1 answers as a 404
    assert status_in_store(app_db, conv["id"]) == "active"
    assert app_db.messages.count_documents({"conversation_id": conv["id"]}) == 2


def test_admin_hard_delete_erases_another_users_conversation(alice_v1, bob_v1, admin_v1, app_db):
    conv = with_messages(alice_v1, n=3)
    kept = with_messages(bob_v1, n=1)
    erase = admin_v1.request("DELETE", f"/{conv['id']}", query_string={"hard": "true"}, expect=200)
    result = erase.json["data"]
    assert result == {"id": conv["id"], "status": "erased", "hard": True, "messages_deleted": 3}
    assert app_db.conversations.count_documents({"_id": conv["id"]}) == 0
    assert app_db.messages.count_documents({"conversation_id": conv["id"]}) == 0
    assert app_db.messages.count_documents({"conversation_id": kept["id"]}) == 1


def test_admin_hard_delete_of_a_missing_or_foreign_workspace_conversation(
    as_user, admin_v1, app_db
):
    elsewhere = as_user("eve", workspace="acme").create()
    hard = {"hard": "true"}
    platform_error(admin_v1.request("DELETE", "/no-such-id", query_string=hard), 404)
    platform_error(admin_v1.request("DELETE", f"/{elsewhere['id']}", query_string=hard), 404)
    assert app_db.conversations.count_documents({"_id": elsewhere["id"]}) == 1


def test_admin_reach_is_the_workspace(alice_v1, bob_v1, as_user, admin_v1):
    mine = alice_v1.create(title="alice's")
    bob_v1.create(title="bob's")
    as_user("eve", workspace="other").create(title="elsewhere")
    everyone = {c["title"] for c in admin_v1.get()["data"]}
    assert everyone == {"alice's", "bob's"}
    only_alice = admin_v1.get(user_id="alice")["data"]
    assert [c["id"] for c in only_alice] == [mine["id"]]
    assert admin_v1.get(f"/{mine['id']}")["data"]["title"] == "alice's"
    admin_v1.request("PATCH", f"/{mine['id']}", json={"status": "archived"}, expect=200)
    platform_error(bob_v1.request("GET", "", query_string={"user_id": "alice"}), 403)
    assert bob_v1.get(user_id="bob")["data"][0]["title"] == "bob's"
    admin_elsewhere = as_user("boss", role="admin", workspace="other")
    platform_error(admin_elsewhere.request("GET", f"/{mine['id']}"), 404)


@pytest.fixture
def varied(app_db):
    """Conversations with known sources, assistants, tags, statuses and dates."""
    alice = Scope.for_user("alice")
    now = utcnow()
    rows = [
        ("a1", "api", "asst_1", ["red"], 10, "active"),
        ("a2", "widget", "asst_1", ["blue"], 5, "archived"),
        ("a3", "widget", "asst_2", ["red", "blue"], 2, "active"),
        ("a4", "playground", None, [], 1, "deleted"),
    ]
    for title, source, assistant, tags, days_ago, status in rows:
        conv = conversations.create(
            app_db,
            alice,
            title=title,
            source=source,
            assistant_id=assistant,
            tags=tags,
            created_at=now - timedelta(days=days_ago),
        )
        if status != "active":
            lifecycle.set_status(app_db, alice, conv["_id"], status)
    return now


def titles(caller, **params):
    return sorted(c["title"] for c in caller.get(**params)["data"])


def test_every_list_filter(alice_v1, varied):
    now = varied
    iso = lambda d: (now - timedelta(days=d)).isoformat() + "Z"  # noqa: E731
    assert titles(alice_v1) == ["a1", "a2", "a3"]
    assert titles(alice_v1, status="active") == ["a1", "a3"]
    assert titles(alice_v1, status="archived") == ["a2"]
    assert titles(alice_v1, status="deleted") == ["a4"]
    assert titles(alice_v1, source="widget") == ["a2", "a3"]
    assert titles(alice_v1, assistant_id="asst_1") == ["a1", "a2"]
    assert titles(alice_v1, tag="red") == ["a1", "a3"]
    assert titles(alice_v1, created_after=iso(6)) == ["a2", "a3"]
    assert titles(alice_v1, created_before=iso(3)) == ["a1", "a2"]
    assert titles(alice_v1, created_after=iso(6), created_before=iso(3)) == ["a2"]
    assert titles(alice_v1, updated_after=iso(0.01)) == ["a2"]  # only the archive touched it
    assert titles(alice_v1, updated_before=iso(0.01)) == ["a1", "a3"]
    order = [c["title"] for c in alice_v1.get(sort="created_at", order="asc")["data"]]
    assert order == ["a1", "a2", "a3"]


def test_cursor_walk_covers_everything_once(alice_v1):
    made = {alice_v1.create(title=f"c{i}")["id"] for i in range(7)}
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = alice_v1.get(**params)
        seen += [c["id"] for c in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert len(seen) == 7 and set(seen) == made
