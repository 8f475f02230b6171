"""Message trees: walks over parent links, as pure functions over documents in memory.

A message names its parent in ``parent_message_id``; a root names ``ROOT_PARENT_ID``
or a parent that is not among the messages at hand. Stored trees may be damaged
(a parent deleted, a cycle written by an old client): every walk here terminates
and never raises on such input, except ``nearest_kept``, which names a cycle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from .errors import Invalid

Node = TypeVar("Node")


def parent_id(message: dict) -> str | None:
    """A stored message's parent id."""
    return message.get("parent_message_id")


def path_to(by_id: Mapping[str, dict], leaf_id: str | None) -> list[dict]:
    """The stored messages from a root to ``leaf_id``, root first (``path_by`` with
    ``parent_message_id`` links)."""
    return path_by(by_id, leaf_id, parent_id)


def path_by(
    by_id: Mapping[str, Node], leaf_id: str | None, parent_of: Callable[[Node], str | None]
) -> list[Node]:
    """The nodes from a root to ``leaf_id``, root first (``by_id`` maps id to node).

    Walks parent links up from the leaf and stops at a parent not in ``by_id`` or
    at the first node seen twice (a cycle); an unknown leaf gives ``[]``.
    """
    path: list[Node] = []
    seen: set[str] = set()
    node_id = leaf_id
    while node_id is not None and node_id in by_id and node_id not in seen:
        seen.add(node_id)
        path.append(by_id[node_id])
        node_id = parent_of(by_id[node_id])
    path.reverse()
    return path


def thread(messages: Iterable[dict], leaf_id: str | None) -> list[dict]:
    """The path from a root to ``leaf_id`` among ``messages``, root first (``[]``: not there).

    With a conversation's ``latest_message_id`` as the leaf this is its current thread.
    """
    return path_to({m["_id"]: m for m in messages}, leaf_id)


def children_of(messages: Iterable[dict]) -> dict[str | None, list[dict]]:
    """Each parent id to its children, in the order given (a missing key: no children)."""
    children: dict[str | None, list[dict]] = defaultdict(list)
    for message in messages:
        children[parent_id(message)].append(message)
    return children


def depths(messages: list[dict]) -> dict[str, int]:
    """Depth of every message reachable from a root (0 for roots), breadth first.

    A root is a message whose parent is the root marker or not among ``messages``;
    messages caught in a parent cycle are unreachable and get no depth.
    """
    ids = {m["_id"] for m in messages}
    children = children_of(messages)
    level = [m["_id"] for m in messages if parent_id(m) not in ids]
    found: dict[str, int] = {}
    depth = 0
    while level:
        for message_id in level:
            found.setdefault(message_id, depth)
        level = [c["_id"] for p in level for c in children.get(p, []) if c["_id"] not in found]
        depth += 1
    return found


def nearest_kept(parents: Mapping[str, str | None], kept: set[str], where: str) -> dict:
    """For each kept node, its nearest kept ancestor (``None`` for a root).

    ``parents`` maps a node to its parent (a parent missing from it is a root).
    Skipped nodes are passed through, so their children re-link upwards. A
    parent link that loops through skipped nodes raises ``Invalid`` naming the
    node, prefixed with ``where``.
    """
    resolved: dict[str, str | None] = {}

    def climb(node: str | None) -> str | None:
        chain: list[str] = []
        while node is not None and node not in kept and node not in resolved:
            if node in chain:
                raise Invalid(f"{where}: the message tree has a cycle at node {node}")
            chain.append(node)
            node = parents.get(node)
        answer = node if node is None or node in kept else resolved[node]
        for skipped in chain:
            resolved[skipped] = answer
        return answer

    return {node: climb(parents.get(node)) for node in kept}
