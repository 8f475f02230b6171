"""Realistic export files of every supported format, built in code (no binary fixtures).

They mimic what the tools really write: ChatGPT's ``mapping`` trees with a
synthetic root, hidden system and context nodes, regenerations, code and its
execution output and citations; LibreChat's flat and recursive exports;
Claude's ``chat_messages`` with attachments and branches; chatbot-ui's
``history``; and ChatGPT's ZIP with many JSON files beside other members.
"""

from __future__ import annotations

import io
import json
import zipfile

T0 = 1_714_557_600.0  # 2024-05-01T10:00:00Z
ZERO = "00000000-0000-0000-0000-000000000000"


def _node(node_id, parent, children, message=None):
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def _message(node_id, role, content, *, at=None, model=None, name=None, **meta):
    metadata = dict(meta)
    if model:
        metadata["model_slug"] = model
    return {
        "id": node_id,
        "author": {"role": role, "name": name, "metadata": {}},
        "create_time": None if at is None else T0 + at,
        "update_time": None,
        "content": content,
        "status": "finished_successfully",
        "end_turn": True,
        "weight": 1.0,
        "metadata": metadata,
        "recipient": "all",
    }


def _text(*parts):
    return {"content_type": "text", "parts": list(parts)}


def chatgpt_coding() -> dict:
    """A coding chat: hidden context, a regenerated answer, code, its output, citations."""
    mapping = {
        "root": _node("root", None, ["sys"]),
        "sys": _node(
            "sys",
            "root",
            ["ctx"],
            _message("sys", "system", _text(""), is_visually_hidden_from_conversation=True),
        ),
        "ctx": _node(
            "ctx",
            "sys",
            ["u1"],
            _message(
                "ctx",
                "user",
                {"content_type": "user_editable_context", "user_profile": "I like Python"},
                is_visually_hidden_from_conversation=True,
            ),
        ),
        "u1": _node(
            "u1", "ctx", ["a1", "a2"], _message("u1", "user", _text("How do I sort a dict?"), at=1)
        ),
        "a1": _node(
            "a1",
            "u1",
            [],
            _message("a1", "assistant", _text("Use sorted(d.items())."), at=2, model="gpt-4"),
        ),
        "a2": _node(
            "a2",
            "u1",
            ["empty"],
            _message(
                "a2",
                "assistant",
                {"content_type": "code", "language": "python", "text": "sorted(d.items())"},
                at=3,
                model="gpt-4o",
            ),
        ),
        "empty": _node("empty", "a2", ["out"], _message("empty", "assistant", _text(""), at=4)),
        "out": _node(
            "out",
            "empty",
            ["a3"],
            _message(
                "out",
                "tool",
                {"content_type": "execution_output", "text": "[('a', 1), ('b', 2)]"},
                at=5,
                name="python",
            ),
        ),
        "a3": _node(
            "a3",
            "out",
            [],
            _message(
                "a3",
                "assistant",
                _text("Sorted by key, as the docs say 【3†source】."),
                at=6,
                model="gpt-4o",
                content_references=[
                    {
                        "matched_text": "【3†source】",
                        "type": "webpage",
                        "items": [
                            {
                                "title": "Sorting HOW TO",
                                "url": "https://docs.python.org/3/howto/sorting.html",
                            }
                        ],
                    }
                ],
            ),
        ),
    }
    return {
        "title": "Sorting dicts",
        "create_time": T0,
        "update_time": T0 + 60,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": "a3",
        "plugin_ids": None,
        "conversation_id": "chatgpt-conv-1",
        "default_model_slug": "gpt-4o",
        "id": "chatgpt-conv-1",
    }


CHATGPT_PATHS = [
    ("mapping",),
    ("title",),
    ("create_time",),
    ("current_node",),
    ("conversation_id",),
    ("mapping", "u1"),
    ("mapping", "u1", "parent"),
    ("mapping", "u1", "message"),
    ("mapping", "u1", "message", "author"),
    ("mapping", "u1", "message", "author", "role"),
    ("mapping", "u1", "message", "content"),
    ("mapping", "u1", "message", "content", "parts"),
    ("mapping", "u1", "message", "create_time"),
    ("mapping", "a2", "message", "content", "language"),
    ("mapping", "a2", "message", "content", "text"),
    ("mapping", "a3", "message", "metadata"),
    ("mapping", "a3", "message", "metadata", "content_references"),
    ("mapping", "a3", "message", "metadata", "model_slug"),
    ("mapping", "out", "message", "author", "name"),
]


OWL_ANSWER = "It is an owl【5†source】."


def chatgpt_browsing() -> dict:
    """A browsing chat with a quote and an image the user attached."""
    image = {"content_type": "image_asset_pointer", "asset_pointer": "file-service://file-1"}
    mapping = {
        "r": _node("r", None, ["q"]),
        "q": _node(
            "q",
            "r",
            ["quote"],
            _message(
                "q",
                "user",
                {"content_type": "multimodal_text", "parts": [image, "What is this?"]},
                at=100,
                attachments=[{"id": "file-1", "name": "owl.jpg", "mime_type": "image/jpeg"}],
            ),
        ),
        "quote": _node(
            "quote",
            "q",
            ["ans"],
            _message(
                "quote",
                "tool",
                {
                    "content_type": "tether_quote",
                    "url": "https://example.org/owl",
                    "domain": "example.org",
                    "text": "Owls are birds.",
                    "title": "Owls",
                },
                at=101,
                name="browser",
            ),
        ),
        "ans": _node(
            "ans",
            "quote",
            [],
            _message(
                "ans",
                "assistant",
                _text(OWL_ANSWER),
                at=102,
                citations=[  # the older style: offsets of the mark in the text
                    {
                        "start_ix": OWL_ANSWER.index("【"),
                        "end_ix": OWL_ANSWER.index("】") + 1,
                        "citation_format_type": "tether_og",
                        "metadata": {"title": "Owls", "url": "https://example.org/owl"},
                    }
                ],
            ),
        ),
    }
    return {
        "title": "Bird photo",
        "create_time": T0 + 100,
        "update_time": T0 + 110,
        "mapping": mapping,
        "current_node": "ans",
        "conversation_id": "chatgpt-conv-2",
        "default_model_slug": "gpt-4o-mini",
        "id": "chatgpt-conv-2",
    }


def chatgpt_export() -> list:
    return [chatgpt_coding(), chatgpt_browsing()]


def chatgpt_zip(extra_members: dict | None = None) -> bytes:
    """ChatGPT's newer ZIP: conversations split across JSON files beside other members."""
    members = {
        "conversations-000.json": json.dumps([chatgpt_coding()]),
        "conversations-001.json": json.dumps([chatgpt_browsing()]),
        "user.json": json.dumps({"id": "user-x", "email": "a@example.org"}),
        "message_feedback.json": json.dumps([]),
        "chat.html": "<html><body>export</body></html>",
        "file-1.png": b"\x89PNG\r\n\x1a\n",
        **(extra_members or {}),
    }
    return zip_of(members)


def zip_of(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _lc_message(message_id, parent, text, *, user, at, model=None, tokens=None, **extra):
    return {
        "messageId": message_id,
        "parentMessageId": parent,
        "conversationId": "lc-conv-1",
        "sender": "User" if user else "GPT-4o",
        "text": text,
        "isCreatedByUser": user,
        "model": model,
        "endpoint": "openAI",
        "tokenCount": tokens,
        "createdAt": f"2024-05-01T10:00:{at:02d}.000Z",
        "updatedAt": f"2024-05-01T10:00:{at:02d}.000Z",
        **extra,
    }


def librechat_flat() -> dict:
    """A LibreChat export (flat ``messages``): an edit and a regeneration make branches."""
    messages = [
        _lc_message("m1", ZERO, "Write a haiku", user=True, at=1, tokens=4),
        _lc_message("m2", "m1", "Autumn moonlight...", user=False, at=2, model="gpt-4o", tokens=9),
        _lc_message("m3", "m2", "Now about spring", user=True, at=3, tokens=4),
        _lc_message("m4", "m3", "Cherry blossoms fall", user=False, at=4, model="gpt-4o"),
        _lc_message(
            "m5",
            "m3",
            "",
            user=False,
            at=5,
            model="gpt-4o",
            content=[{"type": "text", "text": "Spring rain, soft and warm"}],
        ),
    ]
    return {
        "conversationId": "lc-conv-1",
        "endpoint": "openAI",
        "title": "Haiku",
        "exportAt": "10:05:00 GMT+0000",
        "branches": True,
        "recursive": False,
        "options": {"model": "gpt-4o", "temperature": 0.7, "endpoint": "openAI"},
        "messages": messages,
    }


def librechat_tree() -> dict:
    """The same export in the recursive form: ``messagesTree`` with ``children``."""
    flat = {m["messageId"]: dict(m, children=[]) for m in librechat_flat()["messages"]}
    roots = []
    for message in flat.values():
        parent = flat.get(message["parentMessageId"])
        (parent["children"] if parent else roots).append(message)
    export = librechat_flat()
    del export["messages"]
    return {**export, "recursive": True, "messagesTree": roots}


def claude_export() -> list:
    """Claude's conversations.json: attachments, content parts, an empty turn, a branch."""
    return [
        {
            "uuid": "cl-1",
            "name": "Summarise my notes",
            "created_at": "2024-05-02T09:00:00.000000+00:00",
            "updated_at": "2024-05-02T09:10:00.000000+00:00",
            "account": {"uuid": "acct"},
            "chat_messages": [
                {
                    "uuid": "c1",
                    "text": "Summarise this",
                    "content": [{"type": "text", "text": "Summarise this"}],
                    "sender": "human",
                    "created_at": "2024-05-02T09:00:01.000000+00:00",
                    "attachments": [
                        {"file_name": "notes.txt", "extracted_content": "Buy milk. Call Bob."}
                    ],
                    "files": [],
                },
                {
                    "uuid": "c2",
                    "text": "",
                    "content": [
                        {"type": "text", "text": "Two tasks: milk and Bob."},
                        {"type": "tool_use", "name": "web_search", "input": {"q": "milk"}},
                    ],
                    "sender": "assistant",
                    "created_at": "2024-05-02T09:00:02.000000+00:00",
                    "attachments": [],
                    "files": [],
                },
                {
                    "uuid": "c3",
                    "text": "",
                    "content": [],
                    "sender": "human",
                    "created_at": "2024-05-02T09:00:03.000000+00:00",
                },
                {
                    "uuid": "c4",
                    "text": "Thanks!",
                    "sender": "human",
                    "created_at": "2024-05-02T09:00:04.000000+00:00",
                },
            ],
        },
        {
            "uuid": "cl-2",
            "name": "",
            "created_at": "2024-05-03T09:00:00Z",
            "updated_at": "2024-05-03T09:00:09Z",
            "chat_messages": [
                {
                    "uuid": "b1",
                    "text": "Hi",
                    "sender": "human",
                    "created_at": "2024-05-03T09:00:01Z",
                    "parent_message_uuid": "00000000-0000-4000-8000-000000000000",
                },
                {
                    "uuid": "b2",
                    "text": "Hello!",
                    "sender": "assistant",
                    "created_at": "2024-05-03T09:00:02Z",
                    "parent_message_uuid": "b1",
                },
                {
                    "uuid": "b3",
                    "text": "Hey there!",
                    "sender": "assistant",
                    "created_at": "2024-05-03T09:00:03Z",
                    "parent_message_uuid": "b1",
                },
            ],
        },
    ]


def chatbot_ui_export() -> dict:
    return {
        "version": 4,
        "history": [
            {
                "id": "cb-1",
                "name": "Recipe ideas",
                "messages": [
                    {"role": "user", "content": "Dinner ideas?"},
                    {"role": "assistant", "content": "Pasta primavera."},
                    {"role": "user", "content": "Vegan?"},
                    {"role": "assistant", "content": "Chickpea curry."},
                ],
                "model": {"id": "gpt-3.5-turbo", "name": "GPT-3.5", "maxLength": 12000},
                "prompt": "You are a chef.",
                "temperature": 0.5,
                "folderId": None,
            }
        ],
        "folders": [{"id": "f1", "name": "Food", "type": "chat"}],
        "prompts": [],
    }


def as_file(document) -> io.BytesIO:
    return io.BytesIO(json.dumps(document).encode())


def colloquy_export() -> dict:
    """Colloquy's own export of one conversation: a branch, a pin, a summary, tags."""
    base = {"workspace_id": "default", "user_id": "alice", "conversation_id": "col-1"}
    messages = [
        {"id": "cm1", **base, "parent_message_id": ZERO, "seq": 1, "role": "user"}
        | {"text": "Plan a trip", "created_at": "2024-05-01T10:00:00.000Z", "is_pinned": True},
        {"id": "cm2", **base, "parent_message_id": "cm1", "seq": 2, "role": "assistant"}
        | {"text": "Lisbon!", "created_at": "2024-05-01T10:00:01.000Z", "token_count": 3},
        {"id": "cm3", **base, "parent_message_id": "cm1", "seq": 3, "role": "assistant"}
        | {"text": "Porto!", "created_at": "2024-05-01T10:00:02.000Z", "compacted_by": "s1"},
    ]
    return {
        "format": "colloquy.export",
        "version": 1,
        "exported_at": "2024-06-01T00:00:00.000Z",
        "user_id": "alice",
        "conversations": [
            {
                "id": "col-1",
                "workspace_id": "default",
                "user_id": "alice",
                "title": "Trip",
                "status": "archived",
                "tags": ["travel"],
                "metadata": {"channel": "web"},
                "created_at": "2024-05-01T10:00:00.000Z",
                "updated_at": "2024-05-02T10:00:00.000Z",
                "latest_message_id": "cm3",
                "message_count": 3,
                "messages": messages,
                "summaries": [
                    {"id": "s1", **base, "text": "A trip.", "message_ids": ["cm1", "cm3"]}
                ],
            }
        ],
        "tags": [
            {"id": "t1", "tag": "travel", "position": 0, "created_at": "2024-01-01T00:00:00Z"}
        ],
    }
