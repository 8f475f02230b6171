"""Tags under concurrency: renames, adds and removes interleave without losing a write."""

import pytest

from app.core import conversations, tags
from tests.core.test_store import eager_thread_switches  # noqa: F401  (a fixture)
from tests.threads import run_in_threads

pytestmark = pytest.mark.usefixtures("eager_thread_switches")  # races show up quickly

CONVERSATIONS = 6
ADDERS = 6
ADDS_EACH = 40
RENAMES = 30


def test_no_add_is_lost_while_a_tag_is_renamed_again_and_again(db, alice):
    """Adders tag fresh conversations with the tag's current name, and add other tags
    to conversations being renamed; every add survives the renames (renamed or not)."""
    renamed = [
        conversations.create(db, alice, tags=["name-0"])["_id"] for _ in range(CONVERSATIONS)
    ]
    fresh = [conversations.create(db, alice)["_id"] for _ in range(ADDERS * ADDS_EACH)]
    tags.create(db, alice, "name-0")
    current = [0]

    def work(index: int) -> None:
        if index == ADDERS:  # the renamer: name-0 -> name-1 -> ... -> name-30
            for step in range(RENAMES):
                tags.update(db, alice, f"name-{step}", new_name=f"name-{step + 1}")
                current[0] = step + 1
            return
        for n in range(ADDS_EACH):
            tags.add_to_conversation(db, alice, fresh[index * ADDS_EACH + n], f"name-{current[0]}")
            conversation_id = renamed[(index + n) % CONVERSATIONS]
            tags.add_to_conversation(db, alice, conversation_id, f"add-{index}-{n}")

    assert run_in_threads(work, ADDERS + 1) == []
    for conversation_id in fresh:
        stored = conversations.get(db, alice, conversation_id)["tags"]
        assert len([t for t in stored if t.startswith("name-")]) == 1, "an add was lost"
    for position, conversation_id in enumerate(renamed):
        stored = conversations.get(db, alice, conversation_id)["tags"]
        added = {
            f"add-{i}-{n}"
            for i in range(ADDERS)
            for n in range(ADDS_EACH)
            if (i + n) % CONVERSATIONS == position
        }
        assert added <= set(stored), f"adds lost on conversation {position}"
        assert [t for t in stored if t.startswith("name-")] == [f"name-{RENAMES}"]


def test_concurrent_adds_on_one_conversation_all_land(db, alice):
    conversation = conversations.create(db, alice, tags=["kept"])

    def work(index: int) -> None:
        conversations.add_tags(db, alice, conversation["_id"], [f"added-{index}"])

    assert run_in_threads(work, 20) == []
    stored = conversations.get(db, alice, conversation["_id"])["tags"]
    assert sorted(stored) == sorted(["kept", *(f"added-{i}" for i in range(20))])
