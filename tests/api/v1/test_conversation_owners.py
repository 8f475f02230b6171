"""/v1/conversations: who a created conversation belongs to, its model and endpoint,
repeated deletes, and fields that are null rather than absent."""

import pytest
from openapi_schema_validator import OAS31Validator

from tests.api.v1.conftest import platform_error


def test_admin_creates_a_conversation_for_a_user_of_its_workspace(admin_v1, alice_v1, app_db):
    created = admin_v1.create(
        title="for alice", user_id="alice", messages=[{"role": "user", "content": "hi"}]
    )
    assert created["user_id"] == "alice"
    assert created["message_count"] == 1
    stored = app_db.conversations.find_one({"_id": created["id"]})
    assert (stored["workspace_id"], stored["user_id"]) == ("default", "alice")
    assert app_db.messages.find_one({"conversation_id": created["id"]})["user_id"] == "alice"
    assert [c["id"] for c in alice_v1.get()["data"]] == [created["id"]]
    alice_v1.append(created["id"])


def test_admin_creation_stays_in_the_admins_workspace(as_user, app_db):
    boss = as_user("boss", role="admin", workspace="acme")
    created = boss.create(user_id="alice")
    assert app_db.conversations.find_one({"_id": created["id"]})["workspace_id"] == "acme"
    assert as_user("alice").get()["data"] == []
    assert [c["id"] for c in as_user("alice", workspace="acme").get()["data"]] == [created["id"]]


def test_admin_without_user_id_owns_what_it_creates(admin_v1):
    assert admin_v1.create()["user_id"] == "root"


def test_a_user_may_name_only_itself(alice_v1, app_db):
    refused = alice_v1.request("POST", json={"title": "x", "user_id": "bob"})
    platform_error(refused, 403, "forbidden")
    assert app_db.conversations.count_documents({}) == 0
    assert alice_v1.create(user_id="alice")["user_id"] == "alice"


@pytest.mark.parametrize("user_id", ["", 5, None, "u" * 201])
def test_a_bad_user_id_is_422(admin_v1, app_db, user_id):
    platform_error(admin_v1.request("POST", json={"user_id": user_id}), 422)
    assert app_db.conversations.count_documents({}) == 0


def test_model_and_endpoint_on_create_patch_and_reads(alice_v1, client, auth):
    created = alice_v1.create(model="gpt-4o", endpoint="openAI")
    assert (created["model"], created["endpoint"]) == ("gpt-4o", "openAI")
    path = f"/{created['id']}"
    changed = alice_v1.request("PATCH", path, json={"model": "o3"}, expect=200).json["data"]
    assert (changed["model"], changed["endpoint"]) == ("o3", "openAI")
    assert alice_v1.get(path)["data"]["model"] == "o3"
    assert alice_v1.get()["data"][0]["endpoint"] == "openAI"
    librechat = client.get(f"/api/convos/{created['id']}", headers=auth("alice")).json
    assert (librechat["model"], librechat["endpoint"]) == ("o3", "openAI")


def test_model_and_endpoint_are_null_until_set(alice_v1):
    created = alice_v1.create()
    assert (created["model"], created["endpoint"]) == (None, None)


@pytest.mark.parametrize(
    "body",
    [
        {"model": 5},
        {"model": ""},
        {"model": "m" * 201},
        {"endpoint": ["x"]},
        {"endpoint": ""},
        {"endpoint": "e" * 65},
        {"model": "bad\ud800"},
    ],
)
def test_bad_model_or_endpoint_is_422_and_changes_nothing(alice_v1, app_db, body):
    platform_error(alice_v1.request("POST", json=body), 422)
    assert app_db.conversations.count_documents({}) == 0
    conv = alice_v1.create(model="kept")
    platform_error(alice_v1.request("PATCH", f"/{conv['id']}", json=body), 422)
    assert app_db.conversations.find_one({"_id": conv["id"]})["model"] == "kept"


def test_deleting_twice_answers_the_same(alice_v1, app_db):
    conv = alice_v1.create()
    first = alice_v1.request("DELETE", f"/{conv['id']}", expect=200).json
    deleted_at = app_db.conversations.find_one({"_id": conv["id"]})["deleted_at"]
    again = alice_v1.request("DELETE", f"/{conv['id']}", expect=200).json
    assert again == first
    assert app_db.conversations.find_one({"_id": conv["id"]})["deleted_at"] == deleted_at
    assert alice_v1.get(f"/{conv['id']}")["data"]["status"] == "deleted"


def test_deleting_a_missing_or_foreign_conversation_is_still_404(alice_v1, bob_v1):
    conv = bob_v1.create()
    bob_v1.request("DELETE", f"/{conv['id']}", expect=200)
    platform_error(alice_v1.request("DELETE", f"/{conv['id']}"), 404)
    platform_error(alice_v1.request("DELETE", "/no-such-id"), 404)


def test_last_message_at_is_null_without_messages(alice_v1):
    created = alice_v1.create()
    assert created["last_message_at"] is None
    assert alice_v1.get(f"/{created['id']}")["data"]["last_message_at"] is None
    assert alice_v1.get()["data"][0]["last_message_at"] is None
    alice_v1.append(created["id"])
    assert alice_v1.get()["data"][0]["last_message_at"].endswith("Z")


def test_response_schema_says_which_fields_may_be_null(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    conversation = schemas["Conversation"]["properties"]
    for name in ("last_message_at", "model", "endpoint"):
        assert "null" in conversation[name]["type"], name  # OpenAPI 3.1: a type list


def test_answers_validate_against_the_documented_schemas(client, alice_v1, admin_v1):
    spec = client.get("/openapi.json").json

    def check(body, name):
        schema = {**spec["components"]["schemas"][name], "components": spec["components"]}
        OAS31Validator(schema).validate(body)

    empty = admin_v1.create(user_id="alice")
    check({"data": empty}, "ConversationEnvelope")
    full = alice_v1.create(model="m", endpoint="e", messages=[{"role": "user", "content": "q"}])
    check(alice_v1.get(f"/{full['id']}"), "ConversationDetailEnvelope")
    check(alice_v1.get(), "ConversationPage")
    deleted = alice_v1.request("DELETE", f"/{empty['id']}", expect=200).json
    check(deleted, "DeletedEnvelope")
