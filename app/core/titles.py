"""Conversation titles: a local heuristic from the first user turn, and waiting for one.

``generate_if_due`` titles a conversation once it has its first user + assistant
exchange, and only while its title is still the default, so a user's own title
is never overwritten. The generator is a parameter: the deterministic
``heuristic_title``, or ``llm_title(client)`` which asks an OpenAI-compatible
endpoint and falls back to the heuristic when the call fails.

``after_append`` (a follow-up of the append flow, ``app.core.appending``)
titles inline with the heuristic when it is given no LLM, and through the
background runner with the LLM when it is, so appends never wait on it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable

from . import conversations, records
from .background import Runner
from .clock import require_id
from .errors import NotFound
from .llm import LlmClient, LlmFailed
from .scope import Scope
from .store import Db
from .validation import fit_title

log = logging.getLogger(__name__)

TITLE_WORDS_MAX = 8
TITLE_CHARS_MAX = 60
WAIT_SCHEDULE = (0.5, 1, 2, 4, 8)  # seconds between looks: about 15.5 s in all

TitleGenerator = Callable[[str], str | None]

_CODE_BLOCK = re.compile(r"```.*?(```|$)", re.DOTALL)
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"[`*_#>\[\]{}|~]+")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_POLITE_OPENERS = re.compile(
    r"^(hi|hello|hey|please|can you|could you|would you|i want to know|tell me)\b[,!:]?\s*",
    re.IGNORECASE,
)


def heuristic_title(text: str) -> str | None:
    """A short, sentence-like title from a user's message; ``None`` if nothing usable.

    Drops code blocks, links and markdown, keeps the first sentence, strips
    polite openers, cuts at a word boundary and capitalises the first letter.
    """
    cleaned = _MARKUP.sub(" ", _URL.sub(" ", _CODE_BLOCK.sub(" ", text or "")))
    cleaned = _SPACE.sub(" ", cleaned).strip()
    sentence = _SENTENCE_END.split(cleaned, maxsplit=1)[0]
    sentence = _POLITE_OPENERS.sub("", sentence).strip() or sentence
    words = _within_limits(sentence.split(" "))
    title = " ".join(words).rstrip(" .,;:!?-")
    if not title:
        return None
    return title[0].upper() + title[1:]


def _within_limits(words: list[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        if len(kept) == TITLE_WORDS_MAX or len(" ".join([*kept, word])) > TITLE_CHARS_MAX:
            break
        kept.append(word)
    return kept or [words[0][:TITLE_CHARS_MAX]]


def generate_if_due(
    db: Db, scope: Scope, conversation_id: str, generator: TitleGenerator = heuristic_title
) -> str | None:
    """Title the conversation from its first exchange if it still has the default title.

    Returns the new title, or ``None`` when nothing was due (no exchange yet, a
    title already chosen, or nothing usable in the first user turn). The write
    is conditional on ``title_source: "default"``, so a rename racing with this
    always wins.
    """
    owned = {"_id": conversation_id, **scope.query()}
    if db.conversations.find_one({**owned, "title_source": "default"}, {"_id": 1}) is None:
        return None
    first_user = _first(db, conversation_id, "user")
    if first_user is None or _first(db, conversation_id, "assistant") is None:
        return None
    title = generator(first_user.get("text") or "")
    if not isinstance(title, str) or not title.strip():
        return None
    title = fit_title(title)
    if title is None:
        return None
    changed = db.conversations.update_one(
        {**owned, "title_source": "default"},
        {"$set": conversations.titled(title, "generated")},
    )
    return title if changed.modified_count else None


def _first(db: Db, conversation_id: str, role: str) -> dict | None:
    return db.messages.find_one(
        {"conversation_id": conversation_id, "role": role}, {"text": 1}, sort=[("seq", 1)]
    )


def wait_for_title(
    db: Db,
    scope: Scope,
    conversation_id: object,
    schedule: Iterable[float] = WAIT_SCHEDULE,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The conversation's title once it is no longer the default one.

    Looks now, then again after each pause of ``schedule``; raises ``NotFound``
    if no title appeared or there is no such conversation, ``NotOwned`` if it is
    another user's.
    """
    conversation_id = require_id(conversation_id, "conversation id")
    query = {"_id": conversation_id, **scope.query(), "status": {"$ne": "deleted"}}
    for pause in (0, *schedule):
        if pause:
            sleep(pause)
        found = db.conversations.find_one(query, {"title": 1, "title_source": 1})
        if found is None:
            records.get_live(db, scope, conversation_id)  # raises NotOwned or NotFound
            raise NotFound("Conversation not found")
        if found.get("title_source") != "default":
            title: str = found["title"]
            return title
    raise NotFound("Title not found or method not implemented for the conversation's endpoint")


def parse_schedule(text: str) -> tuple[float, ...]:
    """``"0.5,1,2"`` to pauses in seconds; an empty string means look once, no waiting."""
    try:
        pauses = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"TITLE_WAIT_SCHEDULE must be comma-separated seconds: {text!r}") from exc
    if any(p < 0 for p in pauses):
        raise ValueError("TITLE_WAIT_SCHEDULE pauses must not be negative")
    return pauses


# --- titles from an LLM ---------------------------------------------------------------

TITLE_PROMPT = (
    "Write a short title, at most 8 words, for a conversation that begins with the "
    "user's message below. Answer with the title only: no quotes, no final period."
)
TITLE_INPUT_CHARS = 2_000
TITLE_ANSWER_TOKENS = 24
_QUOTES_AND_MARKUP = "\"'`*# \u201c\u201d\u2018\u2019"  # and curly quotes


def llm_title(llm: LlmClient) -> TitleGenerator:
    """A generator that asks ``llm`` and falls back to ``heuristic_title`` on failure."""

    def generate(text: str) -> str | None:
        try:
            answer = llm.complete(
                TITLE_PROMPT, (text or "")[:TITLE_INPUT_CHARS], TITLE_ANSWER_TOKENS
            )
        except LlmFailed as exc:
            log.warning("LLM title failed (%s); using the local heuristic", exc)
            return heuristic_title(text)
        return clean_llm_title(answer) or heuristic_title(text)

    return generate


def clean_llm_title(answer: str) -> str | None:
    """The first line of an LLM's answer without quotes, a ``Title:`` label or final dot,
    cut to the same limits as local titles."""
    lines = (answer or "").strip().splitlines()
    first = lines[0].strip(_QUOTES_AND_MARKUP) if lines else ""
    first = re.sub(r"^title\s*:\s*", "", first, flags=re.IGNORECASE).strip(_QUOTES_AND_MARKUP)
    words = [w for w in _SPACE.split(first.rstrip(". ")) if w]
    return " ".join(_within_limits(words)) if words else None


def after_append(
    db: Db, scope: Scope, conversation_id: str, llm: LlmClient | None, run_in_background: Runner
) -> None:
    """Title the conversation when due: inline locally, or through ``run_in_background``
    by ``llm``."""
    if llm is None:
        generate_if_due(db, scope, conversation_id)
        return
    run_in_background(
        lambda: generate_if_due(db, scope, conversation_id, llm_title(llm)), "llm-title"
    )
