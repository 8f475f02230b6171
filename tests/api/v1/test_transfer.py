"""``/v1`` import, export (single and GDPR, streamed) and erasure."""

from __future__ import annotations

import io
import json
import string
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core import conversations, messages
from app.core.messages import NewMessage
from app.core.scope import Scope
from tests import samples


def upload(client, headers, body: bytes, query=""):
    """POST a file; the multipart body is built in memory (werkzeug's test builder spools
    bodies over 500 KB to a temporary file it never closes)."""
    boundary, encoded = encode_multipart({"file": FileStorage(io.BytesIO(body), "export.json")})
    return client.post(
        "/v1/conversations/import" + query,
        data=encoded,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def history(app_db):
    """Alice has two conversations (one with a branch), Bob one."""
    alice = Scope.for_user("alice")
    made = []
    for title in ("First", "Second"):
        conversation = conversations.create(app_db, alice, title=title, tags=["work"])
        root = messages.append(app_db, alice, conversation["_id"], NewMessage("user", "hi"))
        messages.append(app_db, alice, conversation["_id"], NewMessage("assistant", "hello"))
        messages.append(
            app_db,
            alice,
            conversation["_id"],
            NewMessage("assistant", "hey", parent_message_id=root["_id"]),
        )
        made.append(conversation)
    bob = conversations.create(app_db, Scope.for_user("bob"), title="Bob's")
    messages.append(app_db, Scope.for_user("bob"), bob["_id"], NewMessage("user", "yo"))
    return {"alice": made, "bob": bob}


def test_v1_import_reports_in_data(client, auth):
    response = upload(client, auth("alice"), json.dumps(samples.claude_export()).encode())
    assert response.status_code == 201
    data = response.json["data"]
    assert (data["formats"], data["conversations"], data["messages"], data["skipped"]) == (
        ["claude"],
        2,
        6,
        0,
    )
    assert data["batch_id"]


def test_v1_import_reports_rejected_conversations(client, auth, app_db):
    document = samples.claude_export()
    document[1]["chat_messages"][1]["sender"] = "robot"
    response = upload(client, auth("alice"), json.dumps(document).encode())
    assert response.status_code == 201
    data = response.json["data"]
    assert (data["conversations"], data["messages"]) == (1, 3)
    assert data["rejected"] == [
        {
            "index": 2,
            "title": "",
            "id": "cl-2",
            "reason": "conversation 2: message 2: field 'sender' must be 'human' or 'assistant'",
        }
    ]
    strict = upload(client, auth("bob"), json.dumps(document).encode(), query="?strict=true")
    assert strict.status_code == 400
    assert strict.json["error"]["message"].startswith("conversation 2: message 2")


def test_v1_import_of_a_file_whose_conversations_all_fail_lists_them(client, auth):
    document = samples.claude_export()
    for conversation in document:
        conversation["chat_messages"] = "none"
    response = upload(client, auth("alice"), json.dumps(document).encode())
    assert response.status_code == 400
    assert [r["index"] for r in response.json["error"]["details"]] == [1, 2]


def test_v1_import_errors_take_the_platform_shape(client, auth):
    response = upload(client, auth("alice"), b"not json at all")
    assert response.status_code == 415
    assert response.json["error"]["type"] == "unsupported_media_type"
    missing = client.post(
        "/v1/conversations/import",
        data={},
        headers=auth("alice"),
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    assert missing.json["error"]["message"] == "file is required"


def test_v1_import_of_a_deeply_nested_file_is_a_400_naming_the_limit(client, auth, app_db):
    response = upload(client, auth("alice"), b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    assert response.status_code == 400
    assert response.json["error"]["type"] == "invalid_request"
    assert "more than 2000 levels deep" in response.json["error"]["message"]
    assert app_db.conversations.count_documents({}) == 0


def test_export_one_conversation_as_a_download(client, auth, history):
    first = history["alice"][0]
    response = client.get(f"/v1/conversations/{first['_id']}/export", headers=auth("alice"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="conversation-{first["_id"]}.json"'
    document = response.json
    assert document["format"] == "colloquy.export"
    (exported,) = document["conversations"]
    assert exported["title"] == "First"
    assert [m["text"] for m in exported["messages"]] == ["hi", "hello", "hey"]


@pytest.mark.parametrize("user", ["bob", "alice"])
def test_export_of_a_missing_or_foreign_conversation_is_404(client, auth, history, user):
    target = history["bob"]["_id"] if user == "alice" else "no-such-id"
    response = client.get(f"/v1/conversations/{target}/export", headers=auth(user))
    assert response.status_code == 404
    assert response.json["error"]["type"] == "not_found"


def test_gdpr_export_streams_every_conversation_of_the_user(client, auth, history):
    response = client.get("/v1/conversations/export/user/alice", headers=auth("alice"))
    assert response.status_code == 200
    assert response.is_streamed
    assert "colloquy-export-alice.json" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert sorted(c["title"] for c in document["conversations"]) == ["First", "Second"]
    assert sum(len(c["messages"]) for c in document["conversations"]) == 6


def test_gdpr_export_as_ndjson(client, auth, history):
    response = client.get(
        "/v1/conversations/export/user/alice?format=ndjson", headers=auth("alice")
    )
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [line["type"] for line in lines].count("message") == 6


def test_gdpr_export_of_another_user_needs_an_admin(client, auth, history):
    refused = client.get("/v1/conversations/export/user/bob", headers=auth("alice"))
    assert refused.status_code == 403
    assert refused.json["error"]["type"] == "forbidden"
    allowed = client.get("/v1/conversations/export/user/bob", headers=auth("root", role="admin"))
    assert allowed.status_code == 200
    assert [c["title"] for c in allowed.json["conversations"]] == ["Bob's"]


def test_gdpr_export_rejects_an_unknown_format(client, auth):
    response = client.get("/v1/conversations/export/user/alice?format=xml", headers=auth("alice"))
    assert response.status_code == 422


def test_export_then_import_round_trips_over_http(client, auth, history, app_db):
    body = client.get("/v1/conversations/export/user/alice", headers=auth("alice")).get_data()
    erased = client.delete("/v1/users/alice/data", headers=auth("root", role="admin"))
    assert erased.json["data"]["conversations"] == 2
    response = upload(client, auth("alice"), body)
    assert response.json["data"]["conversations"] == 2
    restored = app_db.conversations.find_one({"_id": history["alice"][0]["_id"]})
    assert restored["title"] == "First"
    assert restored["message_count"] == 3


def test_erasure_reports_what_was_removed(client, auth, history, app_db):
    first = history["alice"][0]["_id"]
    appended = client.post(
        f"/v1/conversations/{first}/messages",
        json={"role": "user", "content": "once"},
        headers={**auth("alice"), "Idempotency-Key": "k-1"},
    )
    assert appended.status_code == 201, appended.json
    response = client.delete("/v1/users/alice/data", headers=auth("root", role="admin"))
    assert response.status_code == 200
    assert response.json == {
        "data": {
            "user_id": "alice",
            "conversations": 2,
            "messages": 7,
            "summaries": 0,
            "tags": 0,
            "idempotency_keys": 1,
            "shares": 0,
        }
    }
    assert app_db.messages.count_documents({"user_id": "alice"}) == 0
    assert app_db.messages.count_documents({"user_id": "bob"}) == 1


def test_erasure_is_admin_only(client, auth, history, app_db):
    response = client.delete("/v1/users/alice/data", headers=auth("alice"))
    assert response.status_code == 403
    assert app_db.conversations.count_documents({"user_id": "alice"}) == 2


@pytest.mark.own_app  # adds routes
def test_static_export_paths_are_not_shadowed_by_id_routes(app, client, auth, history):
    """Catch-all ``<id>`` routes (as other route groups add) must not swallow ours."""
    app.add_url_rule("/v1/conversations/<a>/<b>/<c>", "catch3", lambda a, b, c: "shadowed")
    app.add_url_rule("/v1/conversations/<a>/<b>", "catch2", lambda a, b: "shadowed")
    app.add_url_rule(
        "/v1/conversations/<a>", "catch1", lambda a: "shadowed", methods=["GET", "POST"]
    )
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/v1/conversations/export/user/alice")[0] == "v1_transfer.export_user"
    assert adapter.match("/v1/conversations/import", method="POST")[0] == (
        "v1_transfer.import_conversations"
    )
    response = client.get("/v1/conversations/export/user/alice", headers=auth("alice"))
    assert response.json["format"] == "colloquy.export"


DOCUMENTED = {
    ("post", "/api/convos/import"): {"201", "400", "401", "413", "415", "429"},
    ("post", "/v1/conversations/import"): {"201", "400", "401", "413", "415", "422", "429"},
    ("get", "/v1/conversations/{conversation_id}/export"): {"200", "401", "404"},
    ("get", "/v1/conversations/export/user/{user_id}"): {"200", "401", "403"},
    ("delete", "/v1/users/{user_id}/data"): {"200", "401", "403"},
}


def test_transfer_routes_have_a_summary_and_their_error_statuses(client):
    spec = client.get("/openapi.json").json
    for (method, path), statuses in DOCUMENTED.items():
        operation = spec["paths"][path][method]
        assert operation["summary"], (method, path)
        assert statuses <= set(operation["responses"]), (method, path)
    librechat = spec["paths"]["/api/convos/import"]["post"]["responses"]
    assert librechat["413"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "LibreChatError"
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    user=st.text(min_size=1, max_size=30).filter(lambda u: "/" not in u and u.strip() == u),
    params=st.dictionaries(
        st.sampled_from(["format", "duplicates", "allowDuplicates"]),
        st.text(alphabet=string.printable, max_size=20),
        max_size=2,
    ),
)
def test_transfer_routes_never_5xx(client, auth, user, params):
    headers = auth("alice")
    quoted = urllib.parse.quote(user, safe="")
    for method, path in (
        ("get", f"/v1/conversations/export/user/{quoted}"),
        ("get", f"/v1/conversations/{quoted}/export"),
        ("delete", f"/v1/users/{quoted}/data"),
        ("post", "/v1/conversations/import"),
        ("post", "/api/convos/import"),
    ):
        response = getattr(client, method)(path, query_string=params, headers=headers)
        response.get_data()
        assert response.status_code < 500, (method, path, response.status_code)
