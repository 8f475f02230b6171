"""Core statistics: pipelines agree with counts made by hand in Python."""

import random
from datetime import datetime, timedelta

import pytest

from app.core import conversations, costs, lifecycle, messages, stats
from app.core.scope import Scope


@pytest.fixture
def random_history(db, alice):
    """Forty conversations with random sources, statuses, days and messages (seeded)."""
    rng = random.Random(7)
    start = datetime(2024, 3, 1)
    for _ in range(40):
        conv = conversations.create(
            db,
            alice,
            source=rng.choice(["api", "widget", "playground"]),
            assistant_id=rng.choice(["a1", "a2", None]),
            created_at=start + timedelta(hours=rng.randrange(0, 24 * 10)),
        )
        for _ in range(rng.randrange(0, 4)):
            messages.append(
                db,
                alice,
                conv["_id"],
                messages.NewMessage(
                    role="user",
                    text="x",
                    input_tokens=rng.randrange(0, 100),
                    output_tokens=rng.randrange(0, 100),
                    cost_cents=rng.randrange(0, 8) / 4,
                    created_at=conv["created_at"] + timedelta(hours=rng.randrange(0, 48)),
                ),
            )
        status = rng.choice(["active", "active", "archived", "deleted"])
        if status != "active":
            lifecycle.set_status(db, alice, conv["_id"], status)


def by_hand(db, alice, **filters):
    chosen = [c for c in db.conversations.find(alice.query()) if matches(c, filters)]
    ids = {c["_id"] for c in chosen}
    days: dict = {}
    for c in chosen:
        days.setdefault(c["created_at"].strftime("%Y-%m-%d"), [0, 0])[0] += 1
    for m in db.messages.find({"conversation_id": {"$in": list(ids)}}):
        days.setdefault(m["created_at"].strftime("%Y-%m-%d"), [0, 0])[1] += 1
    sources: dict = {}
    for c in chosen:
        sources[c["source"]] = sources.get(c["source"], 0) + 1
    return {
        "total_conversations": len(chosen),
        "active_conversations": sum(c["status"] == "active" for c in chosen),
        "archived_conversations": sum(c["status"] == "archived" for c in chosen),
        "deleted_conversations": sum(c["status"] == "deleted" for c in chosen),
        "total_messages": sum(c["message_count"] for c in chosen),
        "total_input_tokens": sum(c["total_input_tokens"] for c in chosen),
        "total_output_tokens": sum(c["total_output_tokens"] for c in chosen),
        "total_cost_cents": costs.to_cents(sum(c[costs.TOTAL] for c in chosen)),
        "conversations_by_source": sources,
        "activity_by_day": [
            {"date": d, "conversations": n[0], "messages": n[1]} for d, n in sorted(days.items())
        ],
    }


def matches(conversation, filters):
    after, before = filters.get("created_after"), filters.get("created_before")
    return (
        all(conversation[k] == v for k, v in filters.items() if not k.startswith("created"))
        and (after is None or conversation["created_at"] >= after)
        and (before is None or conversation["created_at"] < before)
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"source": "widget"},
        {"assistant_id": "a2"},
        {"created_after": datetime(2024, 3, 4), "created_before": datetime(2024, 3, 7)},
        {"source": "api", "created_after": datetime(2024, 3, 5)},
    ],
)
def test_pipelines_match_hand_counts(db, alice, random_history, filters):
    computed = stats.compute(db, alice, stats.selection(**filters))
    assert computed == by_hand(db, alice, **filters)  # costs are quarters: exact floats


def test_other_users_and_workspaces_are_outside(db, alice, random_history):
    assert stats.compute(db, Scope.for_user("bob"))["total_conversations"] == 0
    assert stats.compute(db, Scope.for_admin("root", "elsewhere"))["activity_by_day"] == []
    admin = stats.compute(db, Scope.for_admin("root"))
    assert admin["total_conversations"] == 40
