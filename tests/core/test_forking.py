"""Core fork and duplicate: LibreChat's three options, split at target, faithful copies."""

import pytest

from app.core import forking, listing, messages
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Invalid, NotFound, NotOwned
from tests import trees

EXPECTED = {
    # target a2, no split
    ("directPath", False): {"u1", "a1", "u2", "a2"},
    ("includeBranches", False): {"u1", "a1", "a1b", "u2", "u3", "a2", "a2b"},
    ("targetLevel", False): trees.ALL - {"u4"},
    # split at u2, latest a2: u2, u3 and u5 become roots
    ("directPath", True): {"u2", "a2"},
    ("includeBranches", True): {"u2", "a2", "a2b"},
    ("targetLevel", True): {"u2", "u3", "u5", "a2", "a2b", "a3"},
}


@pytest.fixture
def tree(db, alice):
    return trees.build(db, alice, title="Tree talk", tags=["work"], endpoint="openAI", model="m")


def labels(copy) -> set[str]:
    return {m["text"] for m in copy.messages}


def fork(db, scope, tree, option, split):
    conversation, ids = tree
    if split:
        return forking.fork(db, scope, conversation["_id"], ids["u2"], option, True, ids["a2"])
    return forking.fork(db, scope, conversation["_id"], ids["a2"], option)


@pytest.mark.parametrize("option,split", sorted(EXPECTED))
def test_each_option_copies_the_hand_checked_set(db, alice, tree, option, split):
    assert labels(fork(db, alice, tree, option, split)) == EXPECTED[(option, split)]


@pytest.mark.parametrize("option", [None, ""])
def test_no_option_means_target_level(db, alice, tree, option):
    assert labels(fork(db, alice, tree, option, False)) == EXPECTED[("targetLevel", False)]


def test_copies_have_new_ids_remapped_parents_and_ordered_times(db, alice, tree):
    _, ids = tree
    copy = fork(db, alice, tree, "includeBranches", False)
    by_label = {m["text"]: m for m in copy.messages}
    assert not set(ids.values()) & {m["_id"] for m in copy.messages}
    assert by_label["u1"]["parent_message_id"] == ROOT_PARENT_ID
    assert by_label["a2"]["parent_message_id"] == by_label["u2"]["_id"]
    assert by_label["a1b"]["parent_message_id"] == by_label["u1"]["_id"]
    by_id = {m["_id"]: m for m in copy.messages}
    for message in copy.messages:
        parent = by_id.get(message["parent_message_id"])
        if parent:
            assert message["created_at"] > parent["created_at"]
            assert message["seq"] > parent["seq"]
        assert message["conversation_id"] == copy.conversation["_id"]
    stored = messages.list_all(db, alice, copy.conversation["_id"])
    assert len(stored) == 7
    assert copy.conversation["message_count"] == 7


def test_split_messages_at_target_depth_become_roots(db, alice, tree):
    copy = fork(db, alice, tree, "targetLevel", True)
    roots = {m["text"] for m in copy.messages if m["parent_message_id"] == ROOT_PARENT_ID}
    assert roots == {"u2", "u3", "u5"}


def test_new_conversation_keeps_title_tags_settings_and_records_origin(db, alice, tree):
    conversation, ids = tree
    copy = fork(db, alice, tree, "directPath", False)
    new = copy.conversation
    assert new["_id"] != conversation["_id"]
    assert (new["title"], new["tags"], new["endpoint"], new["model"]) == (
        "Tree talk",
        ["work"],
        "openAI",
        "m",
    )
    assert new["forked_from"] == {"conversation_id": conversation["_id"], "message_id": ids["a2"]}
    assert new["created_at"] >= conversation["created_at"]
    # the visible thread of the fork ends at the target's copy
    thread = messages.thread(db, alice, new["_id"])
    assert [m["text"] for m in thread] == ["u1", "a1", "u2", "a2"]


def test_fork_leaves_the_original_untouched(db, alice, tree):
    conversation, _ = tree
    before = messages.list_all(db, alice, conversation["_id"])
    fork(db, alice, tree, "targetLevel", False)
    assert messages.list_all(db, alice, conversation["_id"]) == before


def test_unknown_option_is_invalid_and_creates_nothing(db, alice, tree):
    with pytest.raises(Invalid):
        fork(db, alice, tree, "branch", False)
    assert listing.list_offset(db, alice).total == 1


def test_split_needs_a_latest_message_at_or_below_the_target(db, alice, tree):
    conversation, ids = tree
    with pytest.raises(Invalid):
        forking.fork(db, alice, conversation["_id"], ids["u2"], "directPath", True, None)
    with pytest.raises(Invalid):
        forking.fork(db, alice, conversation["_id"], ids["u2"], "directPath", True, ids["a1"])
    with pytest.raises(NotFound):
        forking.fork(db, alice, conversation["_id"], ids["u2"], "directPath", True, "nope")


def test_unknown_target_and_foreign_conversation(db, alice, bob, tree):
    conversation, ids = tree
    with pytest.raises(NotFound):
        forking.fork(db, alice, conversation["_id"], "missing", "directPath")
    with pytest.raises(NotOwned):
        forking.fork(db, bob, conversation["_id"], ids["a2"], "directPath")
    with pytest.raises(Invalid):
        forking.fork(db, alice, conversation["_id"], {"$gt": ""}, "directPath")


def test_duplicate_copies_every_branch(db, alice, tree):
    conversation, _ = tree
    copy = forking.duplicate(db, alice, conversation["_id"])
    assert labels(copy) == trees.ALL
    assert copy.conversation["title"] == "Tree talk"
    assert copy.conversation["latest_message_id"] == next(
        m["_id"] for m in copy.messages if m["text"] == "u4"
    )
    named = forking.duplicate(db, alice, conversation["_id"], title="  Copy  ")
    assert (named.conversation["title"], named.conversation["title_source"]) == ("Copy", "user")


def test_parents_first_orders_a_tree_whose_seq_disagrees():
    tree = [
        {"_id": "child", "parent_message_id": "root", "seq": 1},
        {"_id": "root", "parent_message_id": ROOT_PARENT_ID, "seq": 2},
        {"_id": "loop", "parent_message_id": "loop", "seq": 3},
    ]
    assert [m["_id"] for m in forking.parents_first(tree)] == ["root", "child"]


def test_depths_ignore_cycles_and_treat_orphans_as_roots():
    tree = [
        {"_id": "a", "parent_message_id": "gone"},
        {"_id": "b", "parent_message_id": "a"},
        {"_id": "x", "parent_message_id": "y"},
        {"_id": "y", "parent_message_id": "x"},
    ]
    assert forking.depths(tree) == {"a": 0, "b": 1}
