"""ChatGPT's ``conversations.json``: a list of conversations, each a ``mapping`` tree.

Each node has ``message`` (or null for the synthetic root), ``parent`` and
``children``. Empty, system and hidden nodes are skipped and their children
re-linked to the nearest kept ancestor. Code, execution output, quotes and
citations are rendered as readable Markdown; the model is
``metadata.model_slug``; ``current_node`` marks the thread the user last saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .fields import Record, item_prefix, records
from .model import ImportedConversation, ImportedMessage, nearest_kept

FORMAT = "chatgpt"
HIDDEN_CONTENT = {"user_editable_context", "model_editable_context", "reasoning_recap"}
ROLES = {"user": "user", "assistant": "assistant", "tool": "tool"}
CITATION_MARK = re.compile(r"【[^】]*】|\ue200[^\ue201]*\ue201")


def read(stream, shape: str) -> Iterator[ImportedConversation]:
    for record in records(stream, item_prefix(shape)):
        yield conversation_from(record)


def conversation_from(record: Record) -> ImportedConversation:
    mapping = record.mapping("mapping", required=True)
    default_model = record.text("default_model_slug")
    nodes = {key: record.child(node, f"mapping node {key}") for key, node in mapping.items()}
    parents = {key: node.text("parent") for key, node in nodes.items()}
    found = {}
    for key, node in nodes.items():
        message = _message(node, key, default_model)
        if message is not None:
            found[key] = message
    relinked = nearest_kept(parents, set(found), record.where)
    for key, message in found.items():
        message.parent_source_id = relinked[key]
    return ImportedConversation(
        format=FORMAT,
        where=record.where,
        source_id=record.identifier("conversation_id") or record.identifier("id"),
        title=record.text("title"),
        messages=list(found.values()),
        created_at=record.time("create_time"),
        updated_at=record.time("update_time"),
        model=default_model or _last_model(found.values()),
        endpoint="openAI",
        current_leaf=_current_leaf(record.text("current_node"), parents, found),
    )


def _current_leaf(node: str | None, parents: dict, found: dict) -> str | None:
    """``current_node``, or its nearest kept ancestor if it was skipped."""
    seen = set()
    while node is not None and node not in found and node not in seen:
        seen.add(node)
        node = parents.get(node)
    return node if node in found else None


def _last_model(found) -> str | None:
    models = [m.model for m in found if m.model]
    return models[-1] if models else None


def _message(node: Record, key: str, default_model: str | None) -> ImportedMessage | None:
    """The node's message, or ``None`` if it is empty, a system message or hidden."""
    raw = node.raw.get("message")
    if raw is None:
        return None
    message = node.child(raw, "message")
    author = message.mapping("author")
    role = ROLES.get(_string(author.get("role")))
    metadata = message.mapping("metadata")
    content = message.mapping("content")
    kind = _string(content.get("content_type"))
    hidden = metadata.get("is_visually_hidden_from_conversation") or kind in HIDDEN_CONTENT
    if role is None or hidden:
        return None
    text = _with_citations(render(content), metadata).strip()
    if not text:
        return None
    model = metadata.get("model_slug") if isinstance(metadata.get("model_slug"), str) else None
    if role == "assistant":
        model = model or default_model
    return ImportedMessage(
        source_id=key,
        parent_source_id=None,
        role=role,
        text=text,
        sender=_sender(role, author),
        model=model if role != "user" else None,
        created_at=message.time("create_time"),
        metadata={"source_id": key, "content_type": kind[:64]},
    )


def _sender(role: str, author: dict) -> str:
    if role == "user":
        return "User"
    if role == "tool":
        return str(author.get("name") or "Tool")
    return "ChatGPT"


def render(content: dict) -> str:
    """Readable Markdown for one message's ``content``, whatever its ``content_type``."""
    kind = content.get("content_type")
    if kind == "code":
        language = content.get("language") or ""
        language = "" if language == "unknown" else language
        return f"```{language}\n{_string(content.get('text'))}\n```"
    if kind == "execution_output":
        return f"Output:\n```\n{_string(content.get('text'))}\n```"
    if kind == "tether_quote":
        quote = "\n".join(f"> {line}" for line in _string(content.get("text")).splitlines())
        source = content.get("title") or content.get("domain") or ""
        url = content.get("url") or ""
        return f"{quote}\n— {source} {url}".strip()
    if kind == "tether_browsing_display":
        return _string(content.get("result")) or _string(content.get("summary"))
    if kind == "thoughts":
        thoughts = content.get("thoughts") if isinstance(content.get("thoughts"), list) else []
        return "\n\n".join(_string(t.get("content")) for t in thoughts if isinstance(t, dict))
    parts = content.get("parts")
    if isinstance(parts, list):
        return "\n".join(filter(None, (_part(p) for p in parts)))
    return _string(content.get("text"))


def _part(part: object) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    if isinstance(part.get("text"), str):
        return part["text"]
    if part.get("content_type") == "image_asset_pointer":
        return "[image]"
    return f"[{part.get('content_type') or 'attachment'}]"


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _old_marks(text: str, metadata: dict) -> list[str | None]:
    """The marks (``【3†source】``) old-style citations point at with ``start_ix``/``end_ix``."""
    marks = []
    for citation in _list(metadata.get("citations")):
        start, end = (
            citation.get(k) if isinstance(citation, dict) else None for k in ("start_ix", "end_ix")
        )
        valid = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        marks.append(text[start:end] if valid and text[start] == "【" else None)
    return marks


def _with_citations(text: str, metadata: dict) -> str:
    """Replace citation marks by ``[n]`` and list the sources at the end."""
    sources: list[tuple[str, str]] = []
    for reference in _references(metadata, _old_marks(text, metadata)):
        mark, title, url = reference
        if (title, url) not in sources:
            sources.append((title, url))
        number = sources.index((title, url)) + 1
        if mark:
            text = text.replace(mark, f" [{number}]")
    if not sources:
        return text
    text = CITATION_MARK.sub("", text)
    listing = "\n".join(
        f"[{n}] {title} — {url}".strip() for n, (title, url) in enumerate(sources, 1)
    )
    return f"{text}\n\nSources:\n{listing}"


def _references(metadata: dict, old_marks: list[str | None]):
    """(mark in the text, title, url) for each citation, old style and new."""
    for citation, mark in zip(_list(metadata.get("citations")), old_marks, strict=False):
        if isinstance(citation, dict) and isinstance(citation.get("metadata"), dict):
            meta = citation["metadata"]
            if meta.get("url") or meta.get("title"):
                yield mark, _string(meta.get("title")), _string(meta.get("url"))
    for reference in _list(metadata.get("content_references")):
        if not isinstance(reference, dict):
            continue
        mark = _string(reference.get("matched_text")) or None
        for item in _list(reference.get("items")):
            if isinstance(item, dict) and (item.get("url") or item.get("title")):
                yield mark, _string(item.get("title")), _string(item.get("url"))
                mark = None
