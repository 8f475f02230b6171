"""Export files as the tools write them today, with the quirks real exports have.

ChatGPT: a reasoning model's turn (hidden system node, ``thoughts``,
``reasoning_recap``, then the answer, dated *before* the recap as real exports
are), ``parts`` where ``text`` was expected, private-use citation markers with
``content_references``, attachments, null times, and a loop among hidden nodes.
Claude: ``thinking`` content parts and an unnamed conversation. Open WebUI:
``/api/v1/chats/export`` with a regenerated answer, reasoning in ``<details>``
and in ``output``, files, and an older chat with a flat ``messages`` list.
LibreChat: a file without ``endpoint`` whose answer has ``think`` parts.
"""

from __future__ import annotations

from tests.samples import T0, _message, _node, _text

CITE = "\ue200cite\ue202turn0search0\ue202turn0search3\ue201"
ENTITY = '\ue200entity\ue202["city", "Lisbon", 0]\ue201'
ANSWER = f"{ENTITY} has mild winters {CITE}.\ue206"
THOUGHT = "The user asks about winter weather; compare monthly lows."


def chatgpt_reasoning() -> dict:
    """A gpt-5 thinking turn and a plain follow-up, as a 2025 export writes them."""
    reference = {
        "matched_text": CITE,
        "start_idx": ANSWER.index(CITE),
        "end_idx": ANSWER.index(CITE) + len(CITE),
        "type": "grouped_webpages",
        "items": [
            {"title": "Lisbon climate", "url": "https://climate.example/lisbon"},
            {"title": "Weather averages", "url": "https://weather.example/pt"},
        ],
    }
    mapping = {
        "client-created-root": _node("client-created-root", None, ["sys"]),
        "sys": _node(
            "sys",
            "client-created-root",
            ["u1"],
            _message("sys", "system", _text(""), is_visually_hidden_from_conversation=True),
        ),
        "u1": _node(
            "u1", "sys", ["rebase"], _message("u1", "user", _text("Winter in Lisbon?"), at=10)
        ),
        "rebase": _node(
            "rebase",
            "u1",
            ["think"],
            _message(
                "rebase",
                "system",
                _text(""),
                at=11,
                rebase_developer_message=True,
                is_visually_hidden_from_conversation=True,
            ),
        ),
        "think": _node(
            "think",
            "rebase",
            ["recap"],
            _message(
                "think",
                "assistant",
                {
                    "content_type": "thoughts",
                    "thoughts": [
                        {
                            "summary": "Comparing lows",
                            "content": THOUGHT,
                            "chunks": [THOUGHT],
                            "finished": True,
                        }
                    ],
                    "source_analysis_msg_id": "analysis-1",
                },
                at=12,
                model="gpt-5-thinking",
                reasoning_status="is_reasoning",
            ),
        ),
        "recap": _node(
            "recap",
            "think",
            ["a1"],
            _message(
                "recap",
                "assistant",
                {"content_type": "reasoning_recap", "content": "Thought for 8s"},
                at=20,
                model="gpt-5-thinking",
                reasoning_status="reasoning_ended",
                finished_duration_sec=8,
            ),
        ),
        "a1": _node(
            "a1",
            "recap",
            ["u2"],
            _message(
                "a1",
                "assistant",
                _text(ANSWER),
                at=18,  # written before the recap, as real exports date it
                model="gpt-5-thinking",
                content_references=[reference],
                citations=[],
            ),
        ),
        "u2": _node(
            "u2",
            "a1",
            ["code", "a2b"],
            _message(
                "u2",
                "user",
                {"content_type": "multimodal_text", "parts": [_image("file-7"), "Chart this"]},
                attachments=[{"id": "file-7", "name": "lows.png", "mime_type": "image/png"}],
            ),  # no create_time at all
        ),
        "code": _node(
            "code",
            "u2",
            ["out"],
            _message(
                "code",
                "assistant",
                {"content_type": "code", "language": "python", "parts": ["plot(lows)"]},
                at=30,
                model="gpt-4o",
            ),
        ),
        "out": _node(
            "out",
            "code",
            ["a2"],
            _message(
                "out",
                "tool",
                {"content_type": "execution_output", "parts": ["<Figure 1>"]},
                at=29,
                name="python",
            ),
        ),
        "a2": _node(
            "a2", "out", [], _message("a2", "assistant", _text("Done."), at=31, model="gpt-4o")
        ),
        "a2b": _node(
            "a2b",
            "u2",
            [],
            _message(
                "a2b",
                "tool",
                {"content_type": "tether_quote", "parts": ["Lows near 8 °C."], "title": "IPMA"},
                at=5,  # long before its parent: clock skew
                name="browser",
            ),
        ),
    }
    return {
        "title": "Lisbon winters",
        "create_time": T0,
        "update_time": T0 + 40,
        "mapping": mapping,
        "current_node": "a2",
        "conversation_id": "wild-reasoning",
        "id": "wild-reasoning",
        "default_model_slug": "gpt-5",
    }


def _image(file_id: str) -> dict:
    return {
        "content_type": "image_asset_pointer",
        "asset_pointer": f"file-service://{file_id}",
        "size_bytes": 48213,
        "width": 800,
        "height": 600,
        "fovea": None,
        "metadata": {"sanitized": True},
    }


def chatgpt_hidden_loop() -> dict:
    """Hidden context nodes whose parent links loop; the visible turns form a chain."""
    hidden = {"is_visually_hidden_from_conversation": True}
    mapping = {
        "ctx-a": _node(
            "ctx-a", "ctx-b", ["ctx-b"], _message("ctx-a", "system", _text(""), **hidden)
        ),
        "ctx-b": _node(
            "ctx-b",
            "ctx-a",
            ["ctx-a", "q"],
            _message(
                "ctx-b",
                "user",
                {"content_type": "user_editable_context", "user_profile": "x"},
                **hidden,
            ),
        ),
        "q": _node("q", "ctx-b", ["r"], _message("q", "user", _text("Still there?"), at=1)),
        "r": _node("r", "q", [], _message("r", "assistant", _text("Yes."), at=2, model="gpt-4o")),
    }
    return {
        "title": "Looping context",
        "create_time": T0,
        "mapping": mapping,
        "current_node": "r",
        "conversation_id": "wild-loop",
    }


def claude_thinking() -> list:
    """Claude's current export: content parts with thinking, and an unnamed chat."""
    return [
        {
            "uuid": "cl-think",
            "name": "",
            "created_at": "2025-03-02T09:00:00.000000Z",
            "updated_at": "2025-03-02T09:01:00.000000Z",
            "account": {"uuid": "acct-1"},
            "chat_messages": [
                {
                    "uuid": "h1",
                    "text": "Is 221 prime?",
                    "content": [{"type": "text", "text": "Is 221 prime?", "citations": []}],
                    "sender": "human",
                    "created_at": "2025-03-02T09:00:00.000000Z",
                    "attachments": [],
                    "files": [],
                },
                {
                    "uuid": "a1",
                    "text": "",
                    "content": [
                        {
                            "type": "thinking",
                            "thinking": "221 = 13 * 17, so not prime.",
                            "summaries": [{"summary": "Factoring"}],
                            "cut_off": False,
                        },
                        {"type": "text", "text": "No: 221 = 13 * 17.", "citations": []},
                    ],
                    "sender": "assistant",
                    "created_at": "2025-03-02T08:59:59.000000Z",  # before the question
                    "attachments": [],
                    "files": [],
                },
            ],
        }
    ]


def openwebui_export() -> list:
    """Two chats from Open WebUI's "export all chats": a branched one and an older flat one."""
    reasoning = (
        '<details type="reasoning" done="true" duration="3">\n<summary>Thought for 3 seconds'
        "</summary>\n&gt; 17 * 3 = 51\n&gt; so the answer is 51\n</details>\n51"
    )
    return [
        {
            "id": "owui-1",
            "user_id": "u-1",
            "title": "Arithmetic",
            "chat": {
                "id": "",
                "title": "Arithmetic",
                "models": ["deepseek-r1:8b"],
                "params": {},
                "history": {
                    "currentId": "a2",
                    "messages": {
                        "q1": {
                            "id": "q1",
                            "parentId": None,
                            "childrenIds": ["a1", "a2"],
                            "role": "user",
                            "content": "What is 17 * 3?",
                            "timestamp": 1_730_000_000,
                            "models": ["deepseek-r1:8b"],
                            "files": [
                                {
                                    "type": "file",
                                    "file": {"filename": "sums.csv"},
                                    "name": "sums.csv",
                                }
                            ],
                        },
                        "a1": {
                            "id": "a1",
                            "parentId": "q1",
                            "childrenIds": [],
                            "role": "assistant",
                            "content": reasoning,
                            "model": "deepseek-r1:8b",
                            "modelName": "deepseek-r1:8b",
                            "timestamp": 1_730_000_005,
                            "done": True,
                        },
                        "a2": {
                            "id": "a2",
                            "parentId": "q1",
                            "childrenIds": [],
                            "role": "assistant",
                            "content": "<details>ignored</details>",
                            "model": "qwen3:4b",
                            "timestamp": 1_730_000_009,
                            "done": True,
                            "output": [
                                {
                                    "type": "reasoning",
                                    "content": [{"type": "output_text", "text": "3 * 17 is 51."}],
                                    "summary": None,
                                },
                                {
                                    "type": "message",
                                    "role": "assistant",
                                    "content": [{"type": "output_text", "text": "It is 51."}],
                                },
                            ],
                        },
                    },
                },
                "messages": [],
                "tags": [],
                "timestamp": 1_730_000_000_000,
            },
            "updated_at": 1_730_000_009,
            "created_at": 1_730_000_000,
            "share_id": None,
            "archived": False,
            "pinned": False,
            "meta": {"tags": ["math"]},
            "folder_id": None,
        },
        {
            "id": "owui-2",
            "user_id": "u-1",
            "title": "Old chat",
            "chat": {
                "title": "Old chat",
                "models": ["llama3:8b"],
                "messages": [
                    {"id": "m1", "role": "user", "content": "Hello", "timestamp": 1_700_000_000},
                    {"id": "m2", "role": "assistant", "content": "Hi!", "timestamp": None},
                ],
            },
            "updated_at": 1_700_000_010,
            "created_at": 1_700_000_000,
            "archived": False,
        },
    ]


def librechat_without_endpoint() -> dict:
    """A LibreChat export of a reasoning answer whose file names no endpoint."""
    think = [
        {"type": "think", "think": "Recall the capital."},
        {"type": "text", "text": "Paris."},
    ]
    return {
        "conversationId": "lc-think",
        "title": "Capitals",
        "messages": [
            {
                "messageId": "q",
                "parentMessageId": "00000000-0000-0000-0000-000000000000",
                "isCreatedByUser": True,
                "sender": "User",
                "text": "Capital of France?",
                "createdAt": "2025-01-01T10:00:00.000Z",
            },
            {
                "messageId": "a",
                "parentMessageId": "q",
                "isCreatedByUser": False,
                "sender": "o3-mini",
                "model": "o3-mini",
                "text": "",
                "content": think,
                "createdAt": "2025-01-01T10:00:00.000Z",  # the same millisecond as the question
            },
        ],
    }
