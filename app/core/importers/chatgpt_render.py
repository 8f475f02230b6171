"""Readable Markdown for a ChatGPT message's ``content``, whatever its ``content_type``.

Code, execution output, quotes, browsing results and errors carry their text in
``text`` or in ``parts``; multimodal parts (images, audio, files) leave a
placeholder with the file's name; citations become ``[n]`` with the sources
listed at the end; the private-use markers newer exports put in the text
(U+E200 to U+E2FF: ``cite``, ``url``, ``entity`` …) are rendered or removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..errors import Invalid

OLD_MARK = re.compile(r"【[^】]*】")
MARKER = re.compile(r"\ue200([a-z_]+)\ue202([^\ue201]*)\ue201?")
PRIVATE_USE = re.compile(r"[\ue200-\ue2ff]")
PLACEHOLDERS = {
    "image_asset_pointer": "Image",
    "audio_asset_pointer": "Audio",
    "real_time_user_audio_video_asset_pointer": "Audio",
    "video_container_asset_pointer": "Video",
}


def render(content: dict, names: dict[str, str]) -> str:
    """The message's text (``names``: attached files by id), ``Invalid`` for a wrong type."""
    kind = content.get("content_type")
    body = _body(content, names)
    if kind == "code":
        language = string(content.get("language"))
        return f"```{'' if language == 'unknown' else language}\n{body}\n```"
    if kind == "execution_output":
        return f"Output:\n```\n{body}\n```"
    if kind in ("tether_quote", "sonic_webpage"):
        quote = "\n".join(f"> {line}" for line in body.splitlines())
        source = string(content.get("title")) or string(content.get("domain"))
        return f"{quote}\n— {source} {string(content.get('url'))}".strip()
    return body


def _body(content: dict, names: dict[str, str]) -> str:
    parts = content.get("parts")
    if parts is not None and not isinstance(parts, list):
        raise Invalid("field 'content.parts' must be a list")
    for key in ("text", "result", "summary"):
        if content.get(key) is not None and not isinstance(content[key], str):
            raise Invalid(f"field 'content.{key}' must be a string")
    if parts:
        return "\n".join(filter(None, (_part(p, names) for p in parts)))
    return (
        string(content.get("text"))
        or string(content.get("result"))
        or string(content.get("summary"))
    )


def attachment_names(metadata: dict) -> dict[str, str]:
    """File ids to names, from ``metadata.attachments``."""
    names = {}
    for attachment in listed(metadata.get("attachments")):
        if isinstance(attachment, dict) and isinstance(attachment.get("id"), str):
            names[attachment["id"]] = string(attachment.get("name"))
    return names


def attachment_lines(names: dict[str, str], text: str) -> str:
    """``[File: name]`` for each attachment the text does not name yet."""
    return "\n".join(f"[File: {n}]" for n in names.values() if n and n not in text)


def _part(part: object, names: dict[str, str]) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    text = part.get("text")
    if isinstance(text, str):
        return text
    kind = string(part.get("content_type")) or "attachment"
    pointer = string(part.get("asset_pointer")).rsplit("/", 1)[-1]
    name = names.get(pointer) or string(part.get("name")) or pointer
    label = PLACEHOLDERS.get(kind, kind.replace("_", " ").capitalize())
    return f"[{label}: {name}]" if name else f"[{label}]"


def with_citations(text: str, metadata: dict) -> str:
    """Citation marks as ``[n]`` with the sources listed; other markers rendered or dropped."""
    sources: list[tuple[str, str]] = []
    for mark, title, url in _references(metadata, _old_marks(text, metadata)):
        if (title, url) not in sources:
            sources.append((title, url))
        if mark:
            text = text.replace(mark, f" [{sources.index((title, url)) + 1}]")
    if not text.isascii():  # only then can a marker be there
        text = PRIVATE_USE.sub("", MARKER.sub(_marker, text))
    if not sources:
        return text
    text = OLD_MARK.sub("", text)
    listing = "\n".join(
        f"[{n}] {title} — {url}".strip() for n, (title, url) in enumerate(sources, 1)
    )
    return f"{text}\n\nSources:\n{listing}"


def _marker(found: re.Match) -> str:
    """An unreferenced marker: an entity's name, a link, or nothing (citations)."""
    kind, fields = found.group(1), found.group(2).split("\ue202")
    if kind == "url" and len(fields) >= 2:
        return f"[{fields[0]}]({fields[-1]})"
    if kind == "entity":
        try:
            entity = json.loads(fields[0])
        except ValueError:
            return ""
        return entity[1] if isinstance(entity, list) and len(entity) > 1 else ""
    return ""


def _old_marks(text: str, metadata: dict) -> list[str | None]:
    """The marks (``【3†source】``) old-style citations point at with ``start_ix``/``end_ix``."""
    marks = []
    for citation in listed(metadata.get("citations")):
        start, end = (
            citation.get(k) if isinstance(citation, dict) else None for k in ("start_ix", "end_ix")
        )
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            marks.append(text[start:end] if text[start] == "【" else None)
        else:
            marks.append(None)
    return marks


def _references(
    metadata: dict, old_marks: list[str | None]
) -> Iterator[tuple[str | None, str, str]]:
    """(mark in the text, title, url) for each citation, old style and new."""
    for citation, mark in zip(listed(metadata.get("citations")), old_marks, strict=False):
        if isinstance(citation, dict) and isinstance(citation.get("metadata"), dict):
            meta = citation["metadata"]
            if meta.get("url") or meta.get("title"):
                yield mark, string(meta.get("title")), string(meta.get("url"))
    for reference in listed(metadata.get("content_references")):
        if not isinstance(reference, dict):
            continue
        mark = string(reference.get("matched_text")) or None
        for item in listed(reference.get("items")):
            if isinstance(item, dict) and (item.get("url") or item.get("title")):
                yield mark, string(item.get("title")), string(item.get("url"))
                mark = None


def thoughts_text(content: dict) -> str:
    """The reasoning of a ``thoughts`` node: each thought's content (or its summary)."""
    texts = []
    for thought in listed(content.get("thoughts")):
        if isinstance(thought, dict):
            texts.append(string(thought.get("content")) or string(thought.get("summary")))
    return "\n\n".join(filter(None, texts))


def listed(value: object) -> list:
    return value if isinstance(value, list) else []


def string(value: object) -> str:
    return value if isinstance(value, str) else ""
