"""ChatGPT's ``conversations.json``: a list of conversations, each a ``mapping`` tree.

Each node has ``message`` (or null for the synthetic root), ``parent`` and
``children``. Empty, system and hidden nodes are skipped and their children
re-linked to the nearest kept ancestor (a loop among skipped nodes only ends
at the root). Reasoning nodes (``thoughts``, ``reasoning_recap``) are no
messages of their own: the thoughts become a ``think`` part of the assistant
message they lead to, as LibreChat stores thinking. Senders and models follow
LibreChat's importer: user messages are ``user``, an assistant's sender comes
from its model (``gpt-4o`` → ``GPT-4o``), and every message carries a model.
``current_node`` marks the thread the user last saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .chatgpt_render import (
    attachment_lines,
    attachment_names,
    render,
    string,
    thoughts_text,
    with_citations,
)
from .fields import Record, item_prefix, records
from .model import DEFAULT_MODELS, ImportedConversation, ImportedMessage, nearest_kept
from .rejection import Rejected
from .stream import Stream

FORMAT = "chatgpt"
HIDDEN_CONTENT = {"user_editable_context", "model_editable_context"}
REASONING = {"thoughts", "reasoning_recap"}
ROLES = {"user": "user", "assistant": "assistant", "tool": "tool"}
GPT = re.compile(r"gpt-(.+)", re.IGNORECASE)


def read(stream: Stream, shape: str) -> Iterator[ImportedConversation | Rejected]:
    yield from records(stream, item_prefix(shape), conversation_from, "conversation_id")


def conversation_from(record: Record) -> ImportedConversation:
    mapping = record.mapping("mapping", required=True)
    nodes = {key: record.child(node, f"mapping node {key}") for key, node in mapping.items()}
    parents = {key: node.text("parent") for key, node in nodes.items()}
    model = record.string("default_model_slug") or _any_model(nodes) or DEFAULT_MODELS["openAI"]
    found: dict[str, ImportedMessage] = {}
    thoughts: dict[str, str] = {}
    for key, node in nodes.items():
        message = _message(node, key, model, thoughts)
        if message is not None:
            found[key] = message
    parents = _without_skipped_loops(parents, set(found))
    relinked = nearest_kept(parents, set(found), record.where)
    for key, message in found.items():
        _attach_thinking(message, _thinking_above(key, parents, found, thoughts))
        message.parent_source_id = relinked[key]
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("conversation_id") or record.identifier("id"),
        title=record.text("title"),
        messages=list(found.values()),
        created_at=record.time("create_time"),
        updated_at=record.time("update_time"),
        model=model,
        endpoint="openAI",
        current_leaf=_current_leaf(record.text("current_node"), parents, found),
        index=record.index,
    )


def _any_model(nodes: dict[str, Record]) -> str | None:
    """The last model a message names, when the conversation names none."""
    models = []
    for node in nodes.values():
        message = node.raw.get("message")
        metadata = message.get("metadata") if isinstance(message, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("model_slug"), str):
            models.append(metadata["model_slug"])
    return models[-1] if models else None


def _message(node: Record, key: str, model: str, thoughts: dict) -> ImportedMessage | None:
    """The node's message, or ``None`` if it is empty, a system message, hidden or reasoning.

    A ``thoughts`` node's text goes to ``thoughts[key]``, for the answer below it.
    """
    raw = node.raw.get("message")
    if raw is None:
        return None
    message = node.child(raw, "message")
    author = message.mapping("author")
    role_name = _typed(message, author, "author", "role")
    metadata = message.mapping("metadata")
    content = message.mapping("content")
    kind = _typed(message, content, "content", "content_type") or ""
    if kind in REASONING:
        if kind == "thoughts":
            thoughts[key] = thoughts_text(content)
        return None
    if (
        ROLES.get(role_name or "") is None
        or metadata.get("is_visually_hidden_from_conversation")
        or kind in HIDDEN_CONTENT
    ):
        return None
    names = attachment_names(metadata) if metadata.get("attachments") else {}
    text = with_citations(render(content, names), metadata).strip()
    if names:
        text = "\n\n".join(filter(None, (text, attachment_lines(names, text))))
    if not text:
        return None
    role = ROLES[role_name or ""]  # present: an unknown role returned above
    own_model = string(metadata.get("model_slug")) or model
    return ImportedMessage(
        source_id=key,
        parent_source_id=None,
        role=role,
        text=text,
        sender=_sender(role, own_model, author),
        model=own_model,
        created_at=message.time("create_time"),
        metadata={"source_id": key, "content_type": kind[:64]},
    )


def _typed(message: Record, fields: dict, name: str, key: str) -> str | None:
    """``fields[key]``, which must be text when present (``name.key`` in the error)."""
    value = fields.get(key)
    if value is not None and not isinstance(value, str):
        raise message.fail(f"{name}.{key}", "a string")
    return value


def _sender(role: str, model: str, author: dict) -> str:
    """``user``; a tool's name; for an assistant, its model as LibreChat labels it."""
    if role == "user":
        return "user"
    if role == "tool":
        return string(author.get("name")) or "Tool"
    found = GPT.search(model)
    return f"GPT-{found.group(1)}" if found else model or "assistant"


def _without_skipped_loops(parents: dict, kept: set[str]) -> dict:
    """``parents`` with each loop that runs through skipped nodes only cut at one node."""
    parents = dict(parents)
    done: set[str] = set()
    for start in parents:
        path: set[str] = set()
        node = start
        while node is not None and node not in kept and node not in done and node in parents:
            if node in path:
                parents[node] = None  # the loop ends here, at the root
                break
            path.add(node)
            node = parents[node]
        done.update(path)
    return parents


def _thinking_above(key: str, parents: dict, found: dict, thoughts: dict) -> str:
    """The thoughts of the skipped nodes between a message and its nearest kept ancestor."""
    texts, seen = [], set()
    node = parents.get(key)
    while node is not None and node not in found and node not in seen:
        seen.add(node)
        texts.append(thoughts.get(node, ""))
        node = parents.get(node)
    return "\n\n".join(filter(None, reversed(texts)))


def _attach_thinking(message: ImportedMessage, thinking: str) -> None:
    """An assistant message keeps its thinking as LibreChat does: think part, then text."""
    if thinking and message.role == "assistant":
        message.content = [
            {"type": "think", "think": thinking},
            {"type": "text", "text": message.text},
        ]


def _current_leaf(node: str | None, parents: dict, found: dict) -> str | None:
    """``current_node``, or its nearest kept ancestor if it was skipped."""
    seen = set()
    while node is not None and node not in found and node not in seen:
        seen.add(node)
        node = parents.get(node)
    return node if node in found else None
