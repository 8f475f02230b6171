"""/chat/: exact envelopes for list, rename and archive, and errors."""

from datetime import timedelta

import pytest

from app.core import conversations, deletion, lifecycle
from app.core.clock import utcnow
from app.core.scope import Scope


@pytest.fixture
def chats(app_db):
    """Alice: five active chats (updated one minute apart), one archived; Bob: one."""
    alice = Scope.for_user("alice")
    base = utcnow() - timedelta(hours=1)
    made = [
        conversations.create(
            app_db, alice, title=f"chat {i}", created_at=base + timedelta(minutes=i)
        )
        for i in range(5)
    ]
    archived = conversations.create(app_db, alice, title="old", created_at=base)
    lifecycle.set_archived(app_db, alice, archived["_id"], True)
    bob = conversations.create(app_db, Scope.for_user("bob"), title="bob's")
    return {"active": [c["_id"] for c in made], "archived": archived["_id"], "bob": bob["_id"]}


def chat_error(response, status):
    assert response.status_code == status
    assert response.json["error"] is True
    assert isinstance(response.json["message"], str) and response.json["message"]
    assert set(response.json) == {"error", "message"}


def test_list_answers_with_and_without_the_trailing_slash(client, auth, chats):
    slashed = client.get("/chat/", headers=auth("alice"), query_string={"limit": 2})
    bare = client.get("/chat", headers=auth("alice"), query_string={"limit": 2})
    assert (slashed.status_code, bare.status_code) == (200, 200)
    assert bare.json == slashed.json
    assert bare.mimetype == "application/json"
    chat_error(client.get("/chat"), 401)


def test_list_envelope_newest_first(client, auth, chats):
    body = client.get("/chat/", headers=auth("alice")).json
    assert set(body) == {"error", "chats", "total", "limit", "offset", "has_more"}
    assert body["error"] is False
    assert (body["total"], body["limit"], body["offset"], body["has_more"]) == (5, 20, 0, False)
    assert [c["id"] for c in body["chats"]] == chats["active"][::-1]
    first = body["chats"][0]
    assert set(first) == {"id", "title", "updated_at"}
    assert first["title"] == "chat 4"
    assert first["updated_at"].endswith("Z")


def test_limit_and_offset(client, auth, chats):
    page = client.get("/chat/?limit=2&offset=2", headers=auth("alice")).json
    assert [c["title"] for c in page["chats"]] == ["chat 2", "chat 1"]
    assert (page["total"], page["limit"], page["offset"], page["has_more"]) == (5, 2, 2, True)
    last = client.get("/chat/?limit=2&offset=4", headers=auth("alice")).json
    assert ([c["title"] for c in last["chats"]], last["has_more"]) == (["chat 0"], False)
    beyond = client.get("/chat/?offset=50", headers=auth("alice")).json
    assert (beyond["chats"], beyond["total"], beyond["has_more"]) == ([], 5, False)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "offset=-1"])
def test_bad_paging_is_422(client, auth, query):
    chat_error(client.get(f"/chat/?{query}", headers=auth("alice")), 422)


def test_admin_token_lists_only_its_own_chats(client, auth, chats):
    assert client.get("/chat/", headers=auth("root", role="admin")).json["total"] == 0


def test_rename(client, auth, app_db, chats):
    chat_id = chats["active"][0]
    response = client.put(
        f"/chat/rename/{chat_id}", json={"title": "  New name "}, headers=auth("alice")
    )
    assert response.status_code == 200
    assert response.json == {
        "error": False,
        "detail": "Chat renamed successfully",
        "new_title": "New name",
    }
    assert app_db.conversations.find_one({"_id": chat_id})["title"] == "New name"


@pytest.mark.parametrize(
    "body", [{}, {"title": ""}, {"title": "   "}, {"title": 5}, {"title": "x", "extra": 1}]
)
def test_rename_bad_body_is_422_and_changes_nothing(client, auth, app_db, chats, body):
    chat_id = chats["active"][0]
    chat_error(client.put(f"/chat/rename/{chat_id}", json=body, headers=auth("alice")), 422)
    assert app_db.conversations.find_one({"_id": chat_id})["title"] == "chat 0"


def test_rename_malformed_json_is_422(client, auth, chats):
    response = client.put(
        f"/chat/rename/{chats['active'][0]}",
        data="{nope",
        content_type="application/json",
        headers=auth("alice"),
    )
    chat_error(response, 422)


def test_missing_and_foreign_chats_are_404(client, auth, app_db, chats):
    for chat_id in ("missing", chats["bob"]):
        chat_error(
            client.put(f"/chat/rename/{chat_id}", json={"title": "x"}, headers=auth("alice")), 404
        )
        chat_error(client.delete(f"/chat/archive/{chat_id}", headers=auth("alice")), 404)
    assert app_db.conversations.find_one({"_id": chats["bob"]})["status"] == "active"


def test_archive_removes_from_the_list(client, auth, app_db, chats):
    chat_id = chats["active"][4]
    response = client.delete(f"/chat/archive/{chat_id}", headers=auth("alice"))
    assert response.status_code == 200
    assert response.json == {"error": False, "message": "Chat archived successfully"}
    assert app_db.conversations.find_one({"_id": chat_id})["status"] == "archived"
    listed = client.get("/chat/", headers=auth("alice")).json
    assert listed["total"] == 4
    assert chat_id not in [c["id"] for c in listed["chats"]]


def test_archived_chat_can_still_be_renamed_but_deleted_cannot(client, auth, app_db, chats):
    renamed = client.put(
        f"/chat/rename/{chats['archived']}", json={"title": "kept"}, headers=auth("alice")
    )
    assert renamed.status_code == 200
    deletion.soft_delete(app_db, Scope.for_user("alice"), chats["active"][0])
    gone = client.delete(f"/chat/archive/{chats['active'][0]}", headers=auth("alice"))
    chat_error(gone, 404)


@pytest.mark.parametrize(
    "method,path",
    [("GET", "/chat/"), ("PUT", "/chat/rename/x"), ("DELETE", "/chat/archive/x")],
)
def test_every_route_needs_a_token(client, method, path):
    response = client.open(path, method=method, json={"title": "x"})
    chat_error(response, 401)
    response = client.open(path, method=method, headers={"Authorization": "Bearer nope"})
    chat_error(response, 401)


def test_store_failure_is_a_500_in_chat_shape(client, auth, app, monkeypatch):
    from pymongo.errors import OperationFailure

    from app.core import listing as core

    def broken(*args, **kwargs):
        raise OperationFailure("Database connection failed")

    monkeypatch.setattr(core, "list_offset", broken)
    chat_error(client.get("/chat/", headers=auth("alice")), 500)
