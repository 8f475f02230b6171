"""Costs are stored exactly (integer micro-cents) and sum exactly; costs stored as
floating-point cents by earlier versions still read and sum correctly."""

from datetime import datetime

import pytest

from app.core import (
    conversations,
    costs,
    deletion,
    exports,
    importers,
    message_edits,
    messages,
    stats,
)
from app.core.clock import ROOT_PARENT_ID
from tests import samples

New = messages.NewMessage
NOISY = [0.35, 1.515]  # their float sum is 1.8649999999999998


def test_cents_and_micro_cents_convert_exactly():
    assert costs.to_micro(0.1) == 100_000
    assert costs.to_micro(1.865) == 1_865_000
    assert costs.to_micro(0.0000015) == 2  # rounded to the micro-cent
    assert costs.to_cents(1_865_000) == 1.865
    assert sum(NOISY) != 1.865  # what a float total shows


def test_appends_total_exactly(db, alice):
    conv = conversations.create(db, alice)
    for cents in NOISY:
        messages.append(db, alice, conv["_id"], New(role="user", text="x", cost_cents=cents))
    stored = conversations.get(db, alice, conv["_id"])
    assert stored["total_cost_microcents"] == 1_865_000
    assert costs.total_cents(stored) == 1.865
    assert "total_cost_cents" not in stored
    assert stats.compute(db, alice)["total_cost_cents"] == 1.865


def test_stats_sum_many_conversations_exactly(db, alice):
    for _ in range(30):
        conv = conversations.create(db, alice)
        messages.append(db, alice, conv["_id"], New(role="user", text="x", cost_cents=0.1))
    assert stats.compute(db, alice)["total_cost_cents"] == 3.0


@pytest.fixture
def legacy(db, alice):
    """A conversation as earlier versions stored it: float cents, no micro-cent fields."""
    conv = conversations.create(db, alice)
    del conv["total_cost_microcents"]
    db.conversations.update_one(
        {"_id": conv["_id"]},
        {
            "$set": {"total_cost_cents": 0.1 + 0.2, "message_count": 2, "message_seq": 2},
            "$unset": {"total_cost_microcents": ""},
        },
    )
    for seq, (message_id, cents) in enumerate([("m1", 0.1), ("m2", 0.2)], start=1):
        db.messages.insert_one(
            {
                "_id": message_id,
                "conversation_id": conv["_id"],
                "workspace_id": "default",
                "user_id": "alice",
                "parent_message_id": ROOT_PARENT_ID if seq == 1 else "m1",
                "seq": seq,
                "role": "user",
                "text": "x",
                "content": [],
                "input_tokens": 0,
                "output_tokens": 0,
                "cost_cents": cents,
                "created_at": datetime(2024, 1, seq),
            }
        )
    db.conversations.update_one({"_id": conv["_id"]}, {"$set": {"latest_message_id": "m2"}})
    return conv["_id"]


def test_stored_floats_read_rounded(db, alice, legacy):
    stored = conversations.get(db, alice, legacy)
    assert costs.total_cents(stored) == 0.3
    assert costs.cost_cents(db.messages.find_one({"_id": "m1"})) == 0.1


def test_appending_to_a_float_total_keeps_it(db, alice, legacy):
    messages.append(db, alice, legacy, New(role="user", text="x", cost_cents=0.1))
    stored = conversations.get(db, alice, legacy)
    assert costs.total_cents(stored) == 0.4
    assert stats.compute(db, alice)["total_cost_cents"] == 0.4


def test_recount_moves_float_costs_to_micro_cents(db, legacy):
    messages.recount(db, legacy)
    stored = db.conversations.find_one({"_id": legacy})
    assert stored["total_cost_microcents"] == 300_000
    assert "total_cost_cents" not in stored


def test_deleting_a_message_with_a_float_cost_takes_it_out(db, alice, legacy):
    message_edits.delete(db, alice, legacy, "m2")
    stored = conversations.get(db, alice, legacy)
    assert costs.total_cents(stored) == 0.1


def test_stats_mix_float_and_micro_cent_totals(db, alice, legacy):
    conv = conversations.create(db, alice)
    messages.append(db, alice, conv["_id"], New(role="user", text="x", cost_cents=0.7))
    assert stats.compute(db, alice)["total_cost_cents"] == 1.0
    deletion.soft_delete(db, alice, conv["_id"])
    assert stats.compute(db, alice)["total_cost_cents"] == 1.0


def colloquy_with_costs(conversation: dict, first_message: dict) -> dict:
    export = samples.colloquy_export()
    export["conversations"][0].update(conversation)
    export["conversations"][0]["messages"][0].update(first_message)
    return export


def test_an_older_colloquy_export_with_float_cents_reads_back(db, alice):
    export = colloquy_with_costs({"total_cost_cents": 0.1 + 0.2}, {"cost_cents": 0.1 + 0.2})
    assert importers.import_file(db, alice, samples.as_file(export)).conversations == 1
    assert costs.total_cents(db.conversations.find_one({"_id": "col-1"})) == 0.3
    assert costs.cost_cents(db.messages.find_one({"_id": "cm1"})) == 0.3


def test_a_colloquy_export_round_trips_micro_cents(db, alice, bob):
    conv = conversations.create(db, alice)
    messages.append(db, alice, conv["_id"], New(role="user", text="x", cost_cents=0.35))
    messages.append(db, alice, conv["_id"], New(role="user", text="y", cost_cents=1.515))
    exported = exports.export_conversation(db, alice, conv["_id"])
    importers.import_file(db, bob, samples.as_file(exported))
    copy = db.conversations.find_one({"user_id": "bob"})
    assert copy[costs.TOTAL] == 1_865_000


@pytest.mark.parametrize(
    ("conversation", "message"),
    [
        ({costs.TOTAL: "5"}, {}),
        ({costs.TOTAL: 1.5}, {}),
        ({costs.TOTAL: None}, {}),
        ({"total_cost_cents": -1}, {}),
        ({}, {costs.COST: 1e19}),
        ({}, {"cost_cents": True}),
        ({}, {"cost_cents": 1e300}),
    ],
)
def test_unusable_costs_in_a_colloquy_export_are_refused(db, alice, conversation, message):
    report = importers.import_file(
        db, alice, samples.as_file(colloquy_with_costs(conversation, message))
    )
    assert (report.conversations, len(report.rejected)) == (0, 1)
    assert db.conversations.count_documents({}) == 0


@pytest.mark.parametrize("value", ["5", None, True, float("nan"), float("inf"), [1]])
def test_a_stored_value_that_is_no_number_reads_as_nothing(value):
    assert costs.total_cents({costs.TOTAL: value, "total_cost_cents": value}) == 0
    assert costs.cost_cents({costs.COST: 7, "cost_cents": value}) == 0.000007
