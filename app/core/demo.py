"""Realistic demo data: users with branching conversations, tags, archived and pinned ones.

Deterministic for a given random seed, so screenshots and docs stay stable; the ids
too (``conversation_id`` and ``message_id`` name them), so the API documentation's
examples (``EXAMPLE_*``: alice's first conversation) work on a freshly seeded store.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import conversations, deletion, lifecycle, messages
from .clock import ROOT_PARENT_ID, utcnow
from .scope import Scope
from .store import Db

DEMO_USERS = ("alice", "bob", "carol")
DEMO_ADMIN = "admin"
DEMO_WORKSPACE = "default"

TOPICS = [
    (
        "Database optimization strategies",
        ["postgres", "performance"],
        "How do I speed up a slow query that joins three large tables?",
        "Start with EXPLAIN ANALYZE to see where time goes. Usually an index on the join "
        "columns helps, and filtering early shrinks the intermediate result.",
    ),
    (
        "API authentication methods",
        ["security", "api"],
        "Should my public API use API keys or OAuth?",
        "API keys are simple for server-to-server calls; OAuth 2.0 fits when users delegate "
        "access to third-party apps. Many APIs offer both.",
    ),
    (
        "Machine learning discussion",
        ["ai", "technical"],
        "What is the difference between fine-tuning and retrieval augmentation?",
        "Fine-tuning changes the model's weights; retrieval keeps the model fixed and adds "
        "relevant documents to the prompt at query time.",
    ),
    (
        "Trip to Lisbon",
        ["travel"],
        "Plan three days in Lisbon for someone who likes food and architecture.",
        "Day one: Alfama and the cathedral, dinner in Bairro Alto. Day two: Belem's monastery "
        "and pasteis. Day three: LX Factory and a sunset at Miradouro da Senhora do Monte.",
    ),
    (
        "Python async pitfalls",
        ["python", "technical"],
        "Why does my asyncio program block when I call requests.get?",
        "requests is synchronous, so it blocks the event loop. Use an async client such as "
        "httpx.AsyncClient, or run the call in a thread with asyncio.to_thread.",
    ),
    (
        "Quarterly report outline",
        ["work"],
        "Draft an outline for a quarterly engineering report.",
        "1. Highlights. 2. Delivery against goals. 3. Reliability and incidents. "
        "4. Hiring and team. 5. Risks. 6. Plans for next quarter.",
    ),
    (
        "Sourdough troubleshooting",
        ["cooking"],
        "My sourdough is dense and flat. What am I doing wrong?",
        "Most often the starter is not active enough or the dough is under-proofed. Feed the "
        "starter twice before baking and let the bulk ferment until the dough grows by half.",
    ),
    (
        "Kubernetes rollout strategy",
        ["devops", "technical"],
        "How do I roll out a new version without downtime?",
        "Use a Deployment with a RollingUpdate strategy, readiness probes, and maxUnavailable "
        "set to zero so old pods serve until new ones are ready.",
    ),
]
FOLLOW_UPS = [
    (
        "Can you give a concrete example?",
        "Sure. Here is a small, concrete example with code:\n"
        "```python\nfor row in rows:\n    print(row)\n```",
    ),
    (
        "What are the trade-offs?",
        "The main trade-offs are complexity, cost and latency; "
        "pick the simplest option that meets your needs.",
    ),
    (
        "Summarise that in one sentence.",
        "In short: measure first, then change one thing at a time.",
    ),
    (
        "Any sources I can read?",
        "The official documentation is the best start, followed by "
        "the project's design notes and a few well-known blog posts.",
    ),
]
MODELS = [
    ("openAI", "gpt-4o", "GPT-4o"),
    ("anthropic", "claude-3-5-sonnet", "Claude"),
    ("google", "gemini-1.5-pro", "Gemini"),
]
SOURCES = ("api", "widget", "playground")
_ID_NAMESPACE = uuid.UUID("8f0c6f2e-4b1d-4c57-9a63-0d1e5c7a2b94")


def conversation_id(user_id: str, index: int) -> str:
    """The id of ``user_id``'s demo conversation number ``index`` (from 0)."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{user_id}/{index}"))


def message_id(conversation: str, step: int) -> str:
    """The id of a demo conversation's message number ``step`` (from 1, in append order)."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{conversation}/{step}"))


def _topic(user_id: str, index: int) -> tuple:
    return TOPICS[(index + len(user_id)) % len(TOPICS)]


EXAMPLE_USER = DEMO_USERS[0]
EXAMPLE_CONVERSATION_ID = conversation_id(EXAMPLE_USER, 0)
EXAMPLE_MESSAGE_ID = message_id(EXAMPLE_CONVERSATION_ID, 1)  # its first question
EXAMPLE_TAG = _topic(EXAMPLE_USER, 0)[1][0]


@dataclass(frozen=True)
class DemoSummary:
    users: int
    conversations: int
    messages: int


def seed(
    db: Db,
    *,
    users: Iterable[str] = DEMO_USERS,
    conversations_per_user: int = 16,
    random_seed: int = 7,
    progress: Callable[[Iterable], Iterable] = lambda items: items,
) -> DemoSummary:
    """Replace the demo users' data with a fresh, deterministic set."""
    rng = random.Random(random_seed)
    users = list(users)
    now = utcnow()
    plan = [(u, i) for u in users for i in range(conversations_per_user)]
    total_messages = 0
    for user_id in users:
        deletion.hard_delete_all(db, Scope.for_user(user_id, DEMO_WORKSPACE))
        db.tags.delete_many({"workspace_id": DEMO_WORKSPACE, "user_id": user_id})
    for user_id, index in progress(plan):
        total_messages += _conversation(db, rng, user_id, index, now)
    return DemoSummary(len(users), len(plan), total_messages)


def _conversation(db: Db, rng: random.Random, user_id: str, index: int, now: datetime) -> int:
    scope = Scope.for_user(user_id, DEMO_WORKSPACE)
    title, tags, question, answer = _topic(user_id, index)
    endpoint, model, label = rng.choice(MODELS)
    started = now - timedelta(days=rng.randint(0, 45), minutes=rng.randint(0, 1440))
    conversation = conversations.create(
        db,
        scope,
        title=title,
        title_source="generated",
        endpoint=endpoint,
        model=model,
        model_label=label,
        source=rng.choice(SOURCES),
        tags=tags,
        created_at=started,
        pinned=index % 7 == 0,
        assistant_id=f"asst_{model.split('-')[0]}",
        conversation_id=conversation_id(user_id, index),
    )
    steps = iter(range(1, 10_000))
    clock = iter(started + timedelta(seconds=40 * step) for step in range(1, 10_000))
    turns = [(question, answer), *rng.sample(FOLLOW_UPS, rng.randint(1, len(FOLLOW_UPS)))]
    parent, count = ROOT_PARENT_ID, 0
    for turn, (prompt, reply) in enumerate(turns):
        asked = _append(db, scope, conversation, "user", prompt, parent, None, next(clock), steps)
        replied = _append(
            db, scope, conversation, "assistant", reply, asked["_id"], model, next(clock), steps
        )
        count += 2
        if turn == 1 and rng.random() < 0.5:  # a regenerated answer: a sibling branch
            _append(
                db,
                scope,
                conversation,
                "assistant",
                "Another take: " + reply,
                asked["_id"],
                model,
                next(clock),
                steps,
            )
            count += 1
        parent = replied["_id"]
    _finish(db, scope, conversation["_id"], index)
    return count


def _append(
    db: Db,
    scope: Scope,
    conversation: dict,
    role: str,
    text: str,
    parent: str,
    model: str | None,
    at: datetime,
    steps: Iterator[int],
) -> dict:
    """The bare append: demo conversations come titled and without a compaction
    setting, so none of the append flow's follow-ups would be due."""
    tokens = max(1, len(text) // 4)
    new = messages.NewMessage(
        role=role,
        text=text,
        parent_message_id=parent,
        model=model,
        created_at=at,
        token_count=tokens,
        input_tokens=tokens if role == "user" else 0,
        output_tokens=tokens if role == "assistant" else 0,
        cost_cents=round(tokens * (0.015 if role == "assistant" else 0.005), 4),
        message_id=message_id(conversation["_id"], next(steps)),
    )
    return messages.append(db, scope, conversation["_id"], new)


def _finish(db: Db, scope: Scope, conversation_id: str, index: int) -> None:
    """Make timestamps tell the conversation's story; archive a few."""
    conversation = conversations.get(db, scope, conversation_id)
    changes = {"updated_at": conversation["last_message_at"]}
    if index % 5 == 4:
        changes.update(lifecycle.transition("archived", conversation["last_message_at"]))
    db.conversations.update_one({"_id": conversation_id}, {"$set": changes})
