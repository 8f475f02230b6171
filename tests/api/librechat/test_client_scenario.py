"""LibreChat's web client against Colloquy: every conversation-history call it makes.

Requests are what ``librechat-data-provider``'s ``data-service`` sends (paths from
``api-endpoints``, bodies as its functions build them), with an access token as a
LibreChat deployment signs it (the user in ``id``, secret ``JWT_SECRET``). Every
answer is checked against the client's declared schema (``client_schemas``).
Replies are not generated here: the assistant's turns are stored as a LibreChat
server would store them, through the core.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import jwt as pyjwt
import pytest

from app.core import appending, conversations, messages
from app.core.scope import Scope
from app.extensions import CoreServices
from tests.conftest import TEST_SECRET

from . import client_schemas as s

USER_ID = "665f1c2a9b1e8a0012345678"  # a LibreChat user's ObjectId
OTHER_ID = "665f1c2a9b1e8a0087654321"


def librechat_token(user_id: str) -> str:
    now = int(time.time())
    claims = {"id": user_id, "username": "u", "provider": "local", "email": "u@example.org"}
    return pyjwt.encode({**claims, "iat": now, "exp": now + 900}, TEST_SECRET, algorithm="HS256")


class LibreChatClient:
    """``request`` of data-provider: JSON in, JSON out, the bearer token on every call."""

    def __init__(self, http, user_id: str):
        self.http = http
        self.headers = {"Authorization": f"Bearer {librechat_token(user_id)}"}

    def call(self, method: str, path: str, body=None, status: int = 200, schema=None):
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs["json"] = body
        response = self.http.open(path, method=method, **kwargs)
        assert response.status_code == status, (method, path, response.get_json())
        data = response.get_json(silent=True)
        return s.check(data, schema) if schema is not None else data


@pytest.fixture
def app_config(app_config):
    """No JWT_SECRET_KEY: the secret comes as LibreChat names it (``librechat_secret``)."""
    settings = {k: v for k, v in app_config.items() if k != "JWT_SECRET_KEY"}
    return {**settings, "JWT_IDENTITY_CLAIM": "id"}


@pytest.fixture(autouse=True)
def librechat_secret(monkeypatch):
    """The deployment's secret under LibreChat's own name."""
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)


@pytest.fixture
def lc(client):
    return LibreChatClient(client, USER_ID)


@pytest.fixture
def other(client):
    return LibreChatClient(client, OTHER_ID)


@pytest.fixture
def chat(app, app_db):
    """A conversation as LibreChat's server stores one: a question and a streamed answer,
    appended as the app appends them (the title follows the first exchange)."""
    scope = Scope.for_user(USER_ID)
    services = app.extensions[CoreServices.KEY]

    def make(question="How do tides work?", answer="The moon pulls the sea.", **options):
        created = conversations.create(app_db, scope, endpoint="openAI", model="gpt-4o", **options)
        question_message = messages.NewMessage("user", text=question)
        first = appending.append(app_db, scope, created["_id"], question_message, services)
        parts = [{"type": "text", "text": answer}]
        answer_message = messages.NewMessage(
            "assistant", content=parts, model="gpt-4o", output_tokens=9
        )
        second = appending.append(app_db, scope, created["_id"], answer_message, services)
        return created["_id"], first["_id"], second["_id"]

    return make


def test_conversations(lc, chat):
    convo_id, question_id, _ = chat()
    chat("Best pasta shape?", "Rigatoni.", tags=["food"])
    listed = lc.call(
        "GET",
        "/api/convos?isArchived=false&sortBy=updatedAt&sortDirection=desc&tags=food",
        schema=s.CONVERSATION_LIST_RESPONSE,
    )
    assert [c["title"] for c in listed["conversations"]] == ["Best pasta shape"]
    one = lc.call("GET", f"/api/convos/{convo_id}", schema=s.T_CONVERSATION)
    assert one["title"] == "How do tides work"
    assert lc.call("GET", f"/api/convos/gen_title/{quote(convo_id)}", schema=s.GEN_TITLE_RESPONSE)
    arg = {"conversationId": convo_id, "title": "Tides"}
    assert lc.call("POST", "/api/convos/update", {"arg": arg}, schema=s.T_CONVERSATION)["title"]
    archived = lc.call(
        "POST",
        "/api/convos/archive",
        {"arg": {"conversationId": convo_id, "isArchived": True}},
        schema=s.T_CONVERSATION,
    )
    assert archived["isArchived"] is True
    by_archive_date = lc.call(
        "GET", "/api/convos?isArchived=true&sortBy=archivedAt", schema=s.CONVERSATION_LIST_RESPONSE
    )
    assert [c["conversationId"] for c in by_archive_date["conversations"]] == [convo_id]
    forked = lc.call(
        "POST",
        "/api/convos/fork",
        {
            "conversationId": convo_id,
            "messageId": question_id,
            "option": "directPath",
            "splitAtTarget": False,
            "latestMessageId": question_id,
        },
        schema=s.COPY_RESPONSE,
    )
    assert [m["text"] for m in forked["messages"]] == ["How do tides work?"]
    duplicated = lc.call(
        "POST", "/api/convos/duplicate", {"conversationId": convo_id}, 201, s.COPY_RESPONSE
    )
    assert duplicated["messages"][1]["content"][0]["text"] == "The moon pulls the sea."
    everything = lc.call("POST", "/api/convos/archive/all", schema=s.ARCHIVE_ALL_RESPONSE)
    assert everything["archivedCount"] == 3
    delete_arg = {"conversationId": convo_id, "source": "button", "endpoint": "openAI"}
    deleted = lc.call(
        "DELETE", "/api/convos", {"arg": delete_arg}, schema=s.DELETE_CONVERSATION_RESPONSE
    )
    assert deleted["messages"]["deletedCount"] == 2
    lc.call("DELETE", "/api/convos/all", schema=s.DELETE_CONVERSATION_RESPONSE)


def test_messages(lc, chat):
    convo_id, question_id, answer_id = chat()
    loaded = lc.call("GET", f"/api/messages/{convo_id}", schema=s.array_of(s.T_MESSAGE))
    assert "content" not in loaded[0] and loaded[0]["text"] == "How do tides work?"
    assert loaded[1]["content"] == [{"type": "text", "text": "The moon pulls the sea."}]
    one = lc.call("GET", f"/api/messages/{convo_id}/{answer_id}", schema=s.array_of(s.T_MESSAGE))
    assert one[0]["messageId"] == answer_id
    page = lc.call(
        "GET",
        f"/api/messages?conversationId={convo_id}&pageSize=1&sortDirection=asc",
        schema=s.MESSAGES_LIST_RESPONSE,
    )
    rest = lc.call(
        "GET",
        f"/api/messages?conversationId={convo_id}&pageSize=1&sortDirection=asc"
        f"&cursor={page['nextCursor']}",
        schema=s.MESSAGES_LIST_RESPONSE,
    )
    assert [m["messageId"] for m in page["messages"] + rest["messages"]] == [
        question_id,
        answer_id,
    ]
    edited = lc.call(
        "PUT",
        f"/api/messages/{convo_id}/{question_id}",
        {"text": "How do spring tides work?"},
        schema=s.T_MESSAGE,
    )
    assert edited["text"] == "How do spring tides work?"
    part = lc.call(
        "PUT",
        f"/api/messages/{convo_id}/{answer_id}",
        {"text": "The moon and the sun pull the sea.", "index": 0},
        schema=s.T_MESSAGE,
    )
    assert part["content"][0]["text"] == "The moon and the sun pull the sea."
    rating = {"rating": "thumbsUp", "tag": "accurate_reliable", "text": "clear"}
    rated = lc.call(
        "PUT",
        f"/api/messages/{convo_id}/{answer_id}/feedback",
        {"feedback": rating},
        schema=s.UPDATE_FEEDBACK_RESPONSE,
    )
    assert rated["feedback"] == rating
    cleared = lc.call(
        "PUT",
        f"/api/messages/{convo_id}/{answer_id}/feedback",
        {},
        schema=s.UPDATE_FEEDBACK_RESPONSE,
    )
    assert "feedback" not in cleared
    assert lc.call("DELETE", f"/api/messages/{convo_id}/{answer_id}", status=204) is None
    left = lc.call("GET", f"/api/convos/{convo_id}", schema=s.T_CONVERSATION)
    assert left["conversationId"] == convo_id


def test_search(lc, chat):
    chat("Where do penguins live?", "Mostly in the southern hemisphere.")
    chat("Tell me about Antarctica", "Penguins and ice.")
    assert lc.call("GET", "/api/search/enable") is True
    first = lc.call(
        "GET", "/api/messages?search=penguins&pageSize=1", schema=s.MESSAGES_LIST_RESPONSE
    )
    second = lc.call(
        "GET",
        f"/api/messages?search=penguins&pageSize=1&cursor={first['nextCursor']}",
        schema=s.MESSAGES_LIST_RESPONSE,
    )
    hits = first["messages"] + second["messages"]
    assert [m["text"] for m in hits] == ["Penguins and ice.", "Where do penguins live?"]
    assert [m["title"] for m in hits] == ["About Antarctica", "Where do penguins live"]
    assert second["nextCursor"] is None
    listed = lc.call("GET", "/api/convos?search=antarctica", schema=s.CONVERSATION_LIST_RESPONSE)
    assert len(listed["conversations"]) == 1


def test_bookmarks(lc, chat):
    convo_id, _, _ = chat()
    created = lc.call(
        "POST",
        "/api/tags",
        {"tag": "Later", "description": "", "conversationId": "", "addToConversation": False},
        schema=s.T_CONVERSATION_TAG,
    )
    assert created["count"] == 0
    added = lc.call(
        "POST",
        "/api/tags",
        {
            "tag": "Science",
            "description": "facts",
            "conversationId": convo_id,
            "addToConversation": True,
        },
        schema=s.T_CONVERSATION_TAG,
    )
    assert added["count"] == 1
    chat("Imported?", "Yes.", tags=["imported"])  # a tag with no document of its own
    tags = lc.call("GET", "/api/tags", schema=s.array_of(s.T_CONVERSATION_TAG))
    assert [t["tag"] for t in tags] == ["Later", "Science", "imported"]
    renamed = lc.call(
        "PUT",
        f"/api/tags/{quote('Science', safe='')}",
        {"tag": "Physics", "description": "facts", "position": 1},
        schema=s.T_CONVERSATION_TAG,
    )
    assert (renamed["tag"], renamed["position"]) == ("Physics", 1)
    kept = lc.call(
        "PUT",
        f"/api/tags/convo/{convo_id}",
        {"tags": ["Physics", "Later"]},
        schema=s.TAG_CONVERSATION_RESPONSE,
    )
    assert kept == ["Physics", "Later"]
    rebuilt = lc.call("POST", "/api/tags/rebuild", schema=s.array_of(s.T_CONVERSATION_TAG))
    assert [t["position"] for t in rebuilt] == [1, 2, 3]
    lc.call("DELETE", f"/api/tags/{quote('Later', safe='')}", schema=s.T_CONVERSATION_TAG)


def test_shared_links(lc, other, client, chat):
    convo_id, question_id, _ = chat(title="Tides")
    assert lc.call("GET", f"/api/share/link/{convo_id}", schema=s.SHARED_LINK_GET_RESPONSE) == {
        "success": False,
        "shareId": None,
        "conversationId": convo_id,
    }
    created = lc.call("POST", f"/api/share/{convo_id}", {}, schema=s.SHARED_LINK_RESPONSE)
    found = lc.call("GET", f"/api/share/link/{convo_id}", schema=s.SHARED_LINK_GET_RESPONSE)
    assert found["shareId"] == created["shareId"]
    public = client.get(f"/api/share/{created['shareId']}")  # no token, as a visitor
    view = s.check(public.get_json(), s.SHARED_MESSAGES_RESPONSE)
    assert view["title"] == "Tides" and len(view["messages"]) == 2
    assert convo_id not in public.get_data(as_text=True)
    assert USER_ID not in public.get_data(as_text=True)
    links = lc.call(
        "GET",
        "/api/share?pageSize=10&isPublic=true&sortBy=createdAt&sortDirection=desc&search=tides",
        schema=s.SHARED_LINKS_RESPONSE,
    )
    assert [link["shareId"] for link in links["links"]] == [created["shareId"]]
    partial = lc.call(
        "POST",
        f"/api/share/{convo_id}",
        {"targetMessageId": question_id},
        schema=s.SHARED_LINK_RESPONSE,
    )
    assert partial["targetMessageId"] == question_id
    refreshed = lc.call("PATCH", f"/api/share/{created['shareId']}", schema=s.SHARED_LINK_RESPONSE)
    forked = other.call("POST", f"/api/share/{refreshed['shareId']}/fork", schema=s.COPY_RESPONSE)
    assert forked["conversation"]["user"] == OTHER_ID
    lc.call("DELETE", f"/api/share/{refreshed['shareId']}", schema=s.DELETE_SHARED_LINK_RESPONSE)
    assert client.get(f"/api/share/{refreshed['shareId']}").status_code == 404


def test_another_user_changes_nothing(lc, other, chat, app_db):
    convo_id, _, answer_id = chat()
    share = lc.call("POST", f"/api/share/{convo_id}", {}, schema=s.SHARED_LINK_RESPONSE)
    before = {name: list(app_db[name].find()) for name in ("conversations", "messages", "shares")}
    rating = {"feedback": {"rating": "thumbsDown", "tag": "other"}}
    for method, path, body, status in (
        ("GET", f"/api/convos/{convo_id}", None, 403),
        ("GET", f"/api/convos/gen_title/{convo_id}", None, 403),
        ("GET", f"/api/messages/{convo_id}/{answer_id}", None, 403),
        ("PUT", f"/api/messages/{convo_id}/{answer_id}", {"text": "mine"}, 403),
        ("PUT", f"/api/messages/{convo_id}/{answer_id}/feedback", rating, 403),
        ("DELETE", f"/api/messages/{convo_id}/{answer_id}", None, 403),
        ("GET", f"/api/messages?conversationId={convo_id}", None, 403),
        ("POST", f"/api/share/{convo_id}", {}, 403),
        ("GET", f"/api/share/link/{convo_id}", None, 403),
        ("PATCH", f"/api/share/{share['shareId']}", None, 404),
        ("DELETE", f"/api/share/{share['shareId']}", None, 404),
    ):
        other.call(method, path, body, status)
    assert other.call("GET", "/api/messages?search=tides")["messages"] == []
    assert other.call("GET", "/api/share?pageSize=10&isPublic=true")["links"] == []
    after = {name: list(app_db[name].find()) for name in before}
    assert after == before
