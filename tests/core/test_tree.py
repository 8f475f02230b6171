"""Message tree walks: paths, threads, children, depths, nearest kept ancestors."""

import pytest

from app.core import tree
from app.core.clock import ROOT_PARENT_ID
from app.core.errors import Invalid


def ids_of(items):
    return [m["_id"] for m in items]


def node(message_id, parent):
    return {"_id": message_id, "parent_message_id": parent}


def test_path_to_walks_to_the_root():
    by_id = {m["_id"]: m for m in [node("a", ROOT_PARENT_ID), node("b", "a"), node("c", "b")]}
    assert ids_of(tree.path_to(by_id, "c")) == ["a", "b", "c"]
    assert ids_of(tree.path_to(by_id, "a")) == ["a"]


def test_path_to_stops_at_a_missing_parent():
    by_id = {m["_id"]: m for m in [node("b", "gone"), node("c", "b")]}
    assert ids_of(tree.path_to(by_id, "c")) == ["b", "c"]


def test_path_to_stops_on_a_cycle():
    by_id = {m["_id"]: m for m in [node("a", "c"), node("b", "a"), node("c", "b")]}
    assert ids_of(tree.path_to(by_id, "c")) == ["a", "b", "c"]
    assert ids_of(tree.path_to({"s": node("s", "s")}, "s")) == ["s"]


def test_path_to_an_unknown_leaf_is_empty():
    assert tree.path_to({"a": node("a", ROOT_PARENT_ID)}, "zzz") == []


def test_depths_ignore_cycles_and_treat_orphans_as_roots():
    messages = [
        {"_id": "a", "parent_message_id": "gone"},
        {"_id": "b", "parent_message_id": "a"},
        {"_id": "x", "parent_message_id": "y"},
        {"_id": "y", "parent_message_id": "x"},
    ]
    assert tree.depths(messages) == {"a": 0, "b": 1}


def test_path_by_takes_any_node_with_a_parent_function():
    by_id = {"a": ("a", None), "b": ("b", "a"), "c": ("c", "b")}
    assert tree.path_by(by_id, "c", lambda pair: pair[1]) == [by_id["a"], by_id["b"], by_id["c"]]
    assert tree.path_by(by_id, None, lambda pair: pair[1]) == []


def test_thread_is_the_path_to_the_leaf_among_the_messages():
    messages = [node("q", ROOT_PARENT_ID), node("a1", "q"), node("a2", "q")]
    assert ids_of(tree.thread(messages, "a2")) == ["q", "a2"]
    assert tree.thread(messages, None) == []
    assert tree.thread(messages, "elsewhere") == []


def test_children_of_keeps_the_given_order_per_parent():
    messages = [node("q", ROOT_PARENT_ID), node("a2", "q"), node("a1", "q"), node("u", "a1")]
    children = tree.children_of(messages)
    assert ids_of(children["q"]) == ["a2", "a1"]
    assert ids_of(children[ROOT_PARENT_ID]) == ["q"]
    assert "a2" not in children


def test_depths_of_a_branching_tree():
    messages = [node("q", ROOT_PARENT_ID), node("a1", "q"), node("a2", "q"), node("u", "a1")]
    assert tree.depths(messages) == {"q": 0, "a1": 1, "a2": 1, "u": 2}


def test_nearest_kept_relinks_through_skipped_nodes():
    parents = {"root": None, "sys": "root", "u": "sys", "hidden": "u", "a": "hidden", "b": "a"}
    assert tree.nearest_kept(parents, {"u", "a", "b"}, "c") == {"u": None, "a": "u", "b": "a"}


def test_nearest_kept_names_a_cycle_of_skipped_nodes():
    parents = {"x": "y", "y": "x", "k": "x"}
    with pytest.raises(Invalid, match=r"conversation 1: .*cycle at node"):
        tree.nearest_kept(parents, {"k"}, "conversation 1")


def test_nearest_kept_treats_a_missing_parent_as_the_root():
    assert tree.nearest_kept({"a": "gone"}, {"a"}, "c") == {"a": None}
