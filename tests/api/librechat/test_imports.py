"""``POST /api/convos/import``: LibreChat's shapes, size cap, media type and rate limits."""

from __future__ import annotations

import io
import json

import pytest

from tests import samples

URL = "/api/convos/import"


def upload(client, headers, body: bytes, name="conversations.json", query=""):
    return client.post(
        URL + query,
        data={"file": (io.BytesIO(body), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def chatgpt_body() -> bytes:
    return json.dumps(samples.chatgpt_export()).encode()


def counts(app_db) -> tuple[int, int]:
    return app_db.conversations.count_documents({}), app_db.messages.count_documents({})


def test_import_answers_201_with_counts(client, auth, app_db):
    response = upload(client, auth("alice"), chatgpt_body())
    assert response.status_code == 201
    assert response.json == {
        "message": "Conversation(s) imported successfully",
        "conversations": 2,
        "messages": 8,
        "skipped": 0,
        "rejected": [],
    }
    assert app_db.conversations.count_documents({"user_id": "alice"}) == 2


def test_malformed_conversations_are_reported_the_rest_imported(client, auth, app_db):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = ["not", "a", "mapping"]
    body = json.dumps([samples.chatgpt_coding(), broken]).encode()
    response = upload(client, auth("alice"), body)
    assert response.status_code == 201
    assert (response.json["conversations"], response.json["messages"]) == (1, 5)
    assert response.json["rejected"] == [
        {
            "index": 2,
            "title": "Bird photo",
            "id": "chatgpt-conv-2",
            "reason": "conversation 2 (\"Bird photo\"): field 'mapping' must be an object",
        }
    ]
    strict = upload(client, auth("bob"), body, query="?strict=true")
    assert strict.status_code == 400
    assert "field 'mapping' must be an object" in strict.json["error"]
    assert app_db.conversations.count_documents({"user_id": "bob"}) == 0


def test_chatgpt_zip_upload(client, auth, app_db):
    response = upload(client, auth("alice"), samples.chatgpt_zip(), name="export.zip")
    assert response.status_code == 201
    assert response.json["conversations"] == 2


def test_reimport_skips_unless_allow_duplicates(client, auth, app_db):
    upload(client, auth("alice"), chatgpt_body())
    again = upload(client, auth("alice"), chatgpt_body())
    assert (again.status_code, again.json["skipped"], again.json["conversations"]) == (201, 2, 0)
    forced = upload(client, auth("alice"), chatgpt_body(), query="?allowDuplicates=true")
    assert forced.json["conversations"] == 2
    assert counts(app_db)[0] == 4


def test_missing_file_is_a_librechat_400(client, auth):
    response = client.post(URL, data={}, headers=auth("alice"), content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json == {"error": "file is required"}


@pytest.mark.parametrize(
    "body,status,fragment",
    [
        (b"%PDF-1.7 binary", 415, "neither JSON nor a ZIP"),
        (b'{"hello": "world"}', 400, "unrecognised file format"),
        (b'[{"mapping": {"a": ', 400, "not valid JSON"),
        (b'[{"title": "x", "mapping": []}]', 400, "conversation 1 (\"x\"): field 'mapping'"),
        (b"[" * 20_000 + b"]" * 20_000, 400, "more than 2000 levels deep"),
    ],
)
def test_bad_files_get_their_status_in_librechat_shape(
    client, auth, app_db, body, status, fragment
):
    response = upload(client, auth("alice"), body)
    assert response.status_code == status
    assert list(response.json) == ["error"]
    assert fragment in response.json["error"]
    assert counts(app_db) == (0, 0)


def test_a_zip_with_path_traversal_is_refused(client, auth, app_db):
    body = samples.chatgpt_zip({"../../etc/cron.json": "[]"})
    response = upload(client, auth("alice"), body, name="export.zip")
    assert response.status_code == 400
    assert "unsafe member name" in response.json["error"]
    assert counts(app_db) == (0, 0)


@pytest.fixture
def small_cap(app_config):
    app_config["CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES"] = 2048


def test_a_file_over_the_cap_is_a_413(small_cap, client, auth, app_db):
    body = chatgpt_body()
    assert len(body) > 2048
    response = upload(client, auth("alice"), body)
    assert response.status_code == 413
    assert response.json == {"error": "the file is larger than 2048 bytes"}
    assert counts(app_db) == (0, 0)


def test_a_300_mib_upload_is_refused_before_its_body_is_read(client, auth, app_db):
    declared = 300 * 1024 * 1024
    body = io.BytesIO(b"--x\r\n")  # what a client announces is enough to refuse it
    response = client.post(
        URL,
        input_stream=body,
        headers=auth("alice"),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(declared)},
    )
    assert response.status_code == 413
    assert "larger than" in response.json["error"]
    assert body.tell() == 0
    assert counts(app_db) == (0, 0)


def test_the_app_wide_body_limit_also_answers_in_librechat_shape(app_config, auth):
    from app import create_app

    app_config["MAX_CONTENT_LENGTH"] = 1024
    client = create_app(app_config).test_client()
    response = upload(client, auth("alice"), chatgpt_body())
    assert response.status_code == 413
    assert list(response.json) == ["error"]


def test_unauthenticated_import_is_401(client):
    response = upload(client, {}, chatgpt_body())
    assert response.status_code == 401
    assert response.json["error"] == "Unauthorized"


@pytest.fixture
def tight_limits(app_config):
    app_config.update(IMPORT_USER_MAX=2, IMPORT_IP_MAX=3)


def test_the_per_user_limit_answers_429_with_retry_after(tight_limits, client, auth):
    for _ in range(2):
        assert upload(client, auth("alice"), chatgpt_body()).status_code == 201
    refused = upload(client, auth("alice"), chatgpt_body())
    assert refused.status_code == 429
    assert refused.json == {"error": "Too many conversation import requests, try again later"}
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert upload(client, auth("bob"), chatgpt_body()).status_code == 201


def test_the_per_ip_limit_counts_every_user(tight_limits, client, auth):
    for user in ("alice", "bob", "carol"):
        assert upload(client, auth(user), chatgpt_body()).status_code == 201
    assert upload(client, auth("dave"), chatgpt_body()).status_code == 429


def test_both_dialects_share_the_import_budget(tight_limits, client, auth):
    headers = auth("alice")
    assert upload(client, headers, chatgpt_body()).status_code == 201
    v1 = client.post(
        "/v1/conversations/import",
        data={"file": (io.BytesIO(chatgpt_body()), "c.json")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert v1.status_code == 201
    refused = upload(client, headers, chatgpt_body())
    assert refused.status_code == 429


def test_limits_do_not_leak_between_apps(tight_limits, client, auth, app_config):
    from app import create_app

    for _ in range(2):
        upload(client, auth("alice"), chatgpt_body())
    fresh = create_app(app_config).test_client()
    assert upload(fresh, auth("alice"), chatgpt_body()).status_code == 201


def test_imported_conversations_read_back_through_librechat_routes(client, auth):
    upload(client, auth("alice"), json.dumps(samples.librechat_flat()).encode())
    listing = client.get("/api/convos", headers=auth("alice")).json
    (haiku,) = [c for c in listing["conversations"] if c["title"] == "Haiku"]
    assert haiku["endpoint"] == "openAI"
    stored = client.get(f"/api/messages/{haiku['conversationId']}", headers=auth("alice")).json
    texts = {m["messageId"]: m["text"] for m in stored}
    rows = [
        (m["text"], texts.get(m["parentMessageId"]), m["isCreatedByUser"], m["sender"])
        for m in stored
    ]
    assert rows == [
        ("Write a haiku", None, True, "User"),
        ("Autumn moonlight...", "Write a haiku", False, "GPT-4o"),
        ("Now about spring", "Autumn moonlight...", True, "User"),
        ("Cherry blossoms fall", "Now about spring", False, "GPT-4o"),
        ("Spring rain, soft and warm", "Now about spring", False, "GPT-4o"),
    ]
