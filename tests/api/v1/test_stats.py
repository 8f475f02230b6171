"""/v1/conversations/stats: the exact shape, figures checked against hand counts."""

from datetime import datetime

import pytest

from app.core import conversations, lifecycle, messages
from app.core.scope import Scope
from tests.api.v1.conftest import platform_error

New = messages.NewMessage
SHAPE = {
    "total_conversations",
    "active_conversations",
    "archived_conversations",
    "deleted_conversations",
    "total_messages",
    "total_input_tokens",
    "total_output_tokens",
    "total_cost_cents",
    "conversations_by_source",
    "activity_by_day",
}


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute)


@pytest.fixture
def seeded(app_db):
    """Alice: 4 conversations over 15-17 Jan 2024; Bob: 1 (never in Alice's figures).

    | title | source | assistant | created | status | messages (day: tokens in/out, cost) |
    | c1 | api | asst_1 | 15th 10:00 | active | 15th 23:59: 100/0/1.0; 16th 00:00: 0/50/2.5 |
    | c2 | widget | asst_1 | 15th 23:30 | archived | 16th 08:00: 10/20/0.5 |
    | c3 | widget | asst_2 | 16th 09:00 | deleted | 16th 09:05: 5/5/0 |
    | c4 | api | - | 17th 00:00 | active | (none) |
    """
    alice, bob = Scope.for_user("alice"), Scope.for_user("bob")
    rows = [
        (
            "c1",
            "api",
            "asst_1",
            at(15, 10),
            "active",
            [(at(15, 23, 59), 100, 0, 1.0), (at(16, 0), 0, 50, 2.5)],
        ),
        ("c2", "widget", "asst_1", at(15, 23, 30), "archived", [(at(16, 8), 10, 20, 0.5)]),
        ("c3", "widget", "asst_2", at(16, 9), "deleted", [(at(16, 9, 5), 5, 5, 0)]),
        ("c4", "api", None, at(17, 0), "active", []),
    ]
    for title, source, assistant, created, status, appended in rows:
        conv = conversations.create(
            app_db, alice, title=title, source=source, assistant_id=assistant, created_at=created
        )
        for when, tokens_in, tokens_out, cost in appended:
            messages.append(
                app_db,
                alice,
                conv["_id"],
                New(
                    role="user",
                    text="x",
                    input_tokens=tokens_in,
                    output_tokens=tokens_out,
                    cost_cents=cost,
                    created_at=when,
                ),
            )
        if status != "active":
            lifecycle.set_status(app_db, alice, conv["_id"], status)
    bob_conv = conversations.create(app_db, bob, title="b", source="playground", created_at=at(15))
    messages.append(
        app_db,
        bob,
        bob_conv["_id"],
        New(role="user", text="x", input_tokens=7, created_at=at(15, 13)),
    )


def stats(caller, **params):
    body = caller.get("/stats", **params)
    assert set(body) == {"data"}
    assert set(body["data"]) == SHAPE
    return body["data"]


def test_everything_for_a_user(alice_v1, seeded):
    assert stats(alice_v1) == {
        "total_conversations": 4,
        "active_conversations": 2,
        "archived_conversations": 1,
        "deleted_conversations": 1,
        "total_messages": 4,
        "total_input_tokens": 115,
        "total_output_tokens": 75,
        "total_cost_cents": 4.0,
        "conversations_by_source": {"api": 2, "widget": 2},
        "activity_by_day": [
            {"date": "2024-01-15", "conversations": 2, "messages": 1},
            {"date": "2024-01-16", "conversations": 1, "messages": 3},
            {"date": "2024-01-17", "conversations": 1, "messages": 0},
        ],
    }


def test_filtered_by_source_and_assistant(alice_v1, seeded):
    widget = stats(alice_v1, source="widget")
    assert (widget["total_conversations"], widget["total_messages"]) == (2, 2)
    assert widget["total_input_tokens"] == 15
    assert widget["conversations_by_source"] == {"widget": 2}
    assert widget["activity_by_day"] == [
        {"date": "2024-01-15", "conversations": 1, "messages": 0},
        {"date": "2024-01-16", "conversations": 1, "messages": 2},
    ]
    asst = stats(alice_v1, assistant_id="asst_1")
    assert (asst["total_conversations"], asst["total_messages"]) == (2, 3)
    assert asst["total_cost_cents"] == 4.0
    assert stats(alice_v1, source="nothing")["activity_by_day"] == []


def test_filtered_by_creation_range_in_utc_days(alice_v1, seeded):
    day16 = stats(
        alice_v1, created_after="2024-01-16T00:00:00Z", created_before="2024-01-17T00:00:00Z"
    )
    assert (day16["total_conversations"], day16["deleted_conversations"]) == (1, 1)
    assert day16["activity_by_day"] == [{"date": "2024-01-16", "conversations": 1, "messages": 1}]
    # an offset is converted to UTC: 16th 01:00+02:00 is 15th 23:00 UTC, which keeps c2
    late15 = stats(
        alice_v1, created_after="2024-01-16T01:00:00+02:00", created_before="2024-01-16T00:00:00Z"
    )
    assert late15["total_conversations"] == 1
    assert late15["archived_conversations"] == 1


def test_days_add_up_to_the_totals(alice_v1, seeded):
    data = stats(alice_v1)
    assert sum(d["conversations"] for d in data["activity_by_day"]) == data["total_conversations"]
    assert sum(d["messages"] for d in data["activity_by_day"]) == data["total_messages"]


def test_admin_sees_the_workspace_or_one_user(admin_v1, bob_v1, seeded):
    everyone = stats(admin_v1)
    assert everyone["total_conversations"] == 5
    assert everyone["conversations_by_source"] == {"api": 2, "widget": 2, "playground": 1}
    assert everyone["total_input_tokens"] == 122
    assert stats(admin_v1, user_id="bob")["total_conversations"] == 1
    assert stats(bob_v1)["total_input_tokens"] == 7
    platform_error(bob_v1.request("GET", "/stats", query_string={"user_id": "alice"}), 403)


def test_empty_scope_is_all_zero(as_user):
    data = stats(as_user("nobody"))
    assert data["total_conversations"] == 0
    assert data["conversations_by_source"] == {}
    assert data["activity_by_day"] == []


@pytest.mark.parametrize("params", [{"created_after": "yesterday"}, {"source": ""}])
def test_bad_filters(alice_v1, params):
    platform_error(alice_v1.request("GET", "/stats", query_string=params), 422)
