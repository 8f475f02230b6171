"""Store calls per request: a small constant, whatever the page size or conversation size.

Each call the application makes to the store (a find, an insert, an update, an
aggregation, …) is one round trip on a real server. Listing, reading, appending
and forking must not grow them with the data.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import mongomock
import pytest

from app.core import conversations, messages
from app.core.scope import Scope

CALLS = (
    "find",
    "find_one",
    "aggregate",
    "count_documents",
    "distinct",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "bulk_write",
)
MOST = 12  # store calls one of these requests may make
ALICE = Scope.for_user("alice")


class _Depth(threading.local):
    value = 0


@pytest.fixture
def store_calls(monkeypatch):
    """``with store_calls() as counted:`` counts the outermost store calls inside."""
    depth = _Depth()
    counted: list[str] = []

    def counting(name, original):
        def call(self, *args, **kwargs):
            depth.value += 1
            try:
                if depth.value == 1:
                    counted.append(f"{self.name}.{name}")
                return original(self, *args, **kwargs)
            finally:
                depth.value -= 1

        return call

    for name in CALLS:
        monkeypatch.setattr(
            mongomock.Collection, name, counting(name, getattr(mongomock.Collection, name))
        )

    @contextmanager
    def counting_block():
        counted.clear()
        yield counted

    return counting_block


def conversation_with(db, turns: int) -> str:
    conversation = conversations.create(db, ALICE, title=f"{turns} turns")
    for turn in range(turns):
        role = "user" if turn % 2 == 0 else "assistant"
        messages.append(db, ALICE, conversation["_id"], messages.NewMessage(role=role, text="hi"))
    return conversation["_id"]


def calls_for(client, store_calls, method, url, headers, **body) -> list[str]:
    with store_calls() as counted:
        response = client.open(url, method=method, headers=headers, **body)
        assert response.status_code < 300, response.get_json()
        return list(counted)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/conversations?limit={n}",
        "/api/convos?limit={n}",
        "/chat/?limit={n}",
    ],
)
def test_a_list_page_costs_the_same_at_any_size(client, app_db, auth, store_calls, url):
    for index in range(60):
        conversations.create(app_db, ALICE, title=f"c{index}")
    small = calls_for(client, store_calls, "GET", url.format(n=5), auth())
    large = calls_for(client, store_calls, "GET", url.format(n=50), auth())
    assert small == large
    assert 0 < len(large) <= MOST, large


@pytest.mark.parametrize(
    "url",
    [
        "/v1/conversations/{id}",
        "/v1/conversations/{id}?thread=true",
        "/v1/conversations/{id}/messages?limit=50",
        "/api/messages/{id}",
        "/api/convos/{id}",
    ],
)
def test_reading_a_conversation_costs_the_same_at_any_size(client, app_db, auth, store_calls, url):
    short, long = conversation_with(app_db, 2), conversation_with(app_db, 40)
    few = calls_for(client, store_calls, "GET", url.format(id=short), auth())
    many = calls_for(client, store_calls, "GET", url.format(id=long), auth())
    assert few == many
    assert 0 < len(many) <= MOST, many


def test_appending_costs_the_same_at_any_size(client, app_db, auth, store_calls):
    short, long = conversation_with(app_db, 2), conversation_with(app_db, 40)
    body = {"json": {"role": "user", "text": "one more"}}
    url = "/v1/conversations/{id}/messages"
    few = calls_for(client, store_calls, "POST", url.format(id=short), auth(), **body)
    many = calls_for(client, store_calls, "POST", url.format(id=long), auth(), **body)
    assert few == many
    assert 0 < len(many) <= MOST, many


def test_forking_costs_the_same_at_any_size(client, app_db, auth, store_calls):
    def fork(conversation_id):
        latest = conversations.get(app_db, ALICE, conversation_id)["latest_message_id"]
        body = {"conversationId": conversation_id, "messageId": latest, "option": "directPath"}
        return calls_for(client, store_calls, "POST", "/api/convos/fork", auth(), json=body)

    few = fork(conversation_with(app_db, 2))
    many = fork(conversation_with(app_db, 40))
    assert few == many
    assert 0 < len(many) <= MOST, many
