"""Summaries of compacted messages: who writes them, and how they are kept.

``Summariser.summarise`` asks the LLM (``app.core.llm``) when one is configured
and falls back to the local extractive summariser when there is none or when
the call fails; the result says which one wrote the text and, after a
fallback, why (``warning``).

The extractive summariser is sumy's, fed by a small regex tokenizer so that it
needs no NLTK data (sumy's default tokenizer would need the ``punkt`` models,
a download). LexRank ranks the sentences when there are at most
``GRAPH_SENTENCES_MAX`` of them (it compares every pair); longer inputs are
ranked with Luhn's method, which is linear. The best-ranked sentences that fit
the token budget are kept, in their original order, each prefixed with the
role that said it. Both are deterministic: the same messages give the same
summary.

A summary document (collection ``summaries``) records one compaction: the
``message_ids`` it covers (those now marked ``compacted_by`` its id), its
``text`` (``None`` for a sliding window, which drops without summarising),
``token_count``, ``number`` (1, 2, … per conversation), ``strategy``,
``provider`` (``llm`` / ``extractive`` / ``None``), ``model`` and ``created_at``.
A new summary folds in the text of the latest one before it, so the latest
summary alone stands for everything compacted so far; ``supersedes`` names the one it folded in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.utils import get_stop_words

from . import tokens
from .clock import new_id, utcnow
from .llm import LlmClient, LlmFailed
from .store import Db
from .tokens import DEFAULT_ENCODING

LANGUAGE = "english"
GRAPH_SENTENCES_MAX = 200
SENTENCE_CHARS_MAX = 1_000
LLM_INPUT_TOKENS_MAX = 12_000
SUMMARY_TOKENS_MAX = 500
HEADER = "Summary of the earlier conversation:"
PREVIOUS_ROLE = "summary"
SYSTEM_PROMPT = (
    "You compress chat transcripts for a language model's context. Write a faithful, "
    "compact summary of the transcript: keep facts, names, numbers, decisions, open "
    "questions and what each party asked for; drop pleasantries. Never invent anything. "
    "Answer with the summary only, at most {words} words."
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Budget:
    """How many tokens a summary may cost (as a system message), in which encoding."""

    tokens: int
    encoding: str = DEFAULT_ENCODING


@dataclass(frozen=True)
class SummaryResult:
    text: str
    provider: str  # "llm" or "extractive"
    model: str | None = None
    warning: str | None = None


class _OfflineTokenizer:
    """sumy's tokenizer interface without NLTK data: regex sentences and words."""

    language = LANGUAGE

    @staticmethod
    def to_sentences(paragraph: str) -> list[str]:
        return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]

    @staticmethod
    def to_words(sentence: str) -> list[str]:
        return _WORD.findall(sentence)


def transcript_lines(previous: str | None, messages: list[dict]) -> list[str]:
    """``role: sentence`` lines of the previous summary and the messages, in order."""
    items = [(PREVIOUS_ROLE, previous)] if previous else []
    items += [(m["role"], m.get("text") or "") for m in messages]
    return [
        f"{role}: {sentence[:SENTENCE_CHARS_MAX]}"
        for role, text in items
        for sentence in _OfflineTokenizer.to_sentences(text.removeprefix(HEADER))
    ]


def extractive_summary(previous: str | None, messages: list[dict], budget: Budget) -> str:
    """The best-ranked sentences that fit the budget (as a system message), in order."""
    lines = transcript_lines(previous, messages)
    document = PlaintextParser.from_string("\n".join(lines), _OfflineTokenizer()).document
    if len(document.sentences) != len(lines):  # a line the parser split differently
        lines = [str(sentence) for sentence in document.sentences]
    room = budget.tokens - summary_tokens(HEADER, budget.encoding)
    costs = [tokens.count_text(line, budget.encoding) + 1 for line in lines]  # +1: newline
    ranked: list = []
    if lines:

        def collect(infos: list) -> list:  # every rated sentence, none picked by sumy
            ranked.extend(infos)
            return []

        _ranker(len(lines))(document, collect)
    picked = sorted(info.order for info in _fit(ranked, costs, room))
    text = "\n".join([HEADER, *(lines[i] for i in picked)])
    return _fit_text(text, budget)


def _ranker(sentence_count: int) -> LexRankSummarizer | LuhnSummarizer:
    kind = LexRankSummarizer if sentence_count <= GRAPH_SENTENCES_MAX else LuhnSummarizer
    summarizer = kind(Stemmer(LANGUAGE))
    summarizer.stop_words = get_stop_words(LANGUAGE)
    return summarizer


def _fit(ranked: list, costs: list[int], budget: int) -> list:
    """Best-rated first, every new sentence whose cost still fits the budget."""
    chosen, spent, seen = [], 0, set()
    for info in ranked:
        cost, text = costs[info.order], str(info.sentence)
        if spent + cost <= budget and text not in seen:
            chosen.append(info)
            spent += cost
            seen.add(text)
    return chosen


class Summariser:
    """Summaries from the LLM when configured, else (or when it fails) extractive."""

    def __init__(self, llm: LlmClient | None = None, max_tokens: int = SUMMARY_TOKENS_MAX):
        self.llm = llm
        self.max_tokens = max_tokens

    def summarise(
        self, previous: str | None, messages: list[dict], budget: Budget
    ) -> SummaryResult:
        """A ``SummaryResult`` for ``messages`` (and the ``previous`` summary's text)."""
        if self.llm is None:
            return SummaryResult(extractive_summary(previous, messages, budget), "extractive")
        try:
            text = self._ask_llm(self.llm, previous, messages, budget)
        except LlmFailed as exc:
            warning = f"LLM failed ({exc}); used the extractive summariser"
            text = extractive_summary(previous, messages, budget)
            return SummaryResult(text, "extractive", warning=warning)
        return SummaryResult(text, "llm", model=self.llm.model)

    def _ask_llm(
        self, llm: LlmClient, previous: str | None, messages: list[dict], budget: Budget
    ) -> str:
        transcript = "\n".join(transcript_lines(previous, messages))
        if tokens.count_text(transcript, budget.encoding) > LLM_INPUT_TOKENS_MAX:
            wide = Budget(LLM_INPUT_TOKENS_MAX, budget.encoding)
            transcript = extractive_summary(previous, messages, wide)
        system = SYSTEM_PROMPT.format(words=max(20, budget.tokens * 3 // 5))
        answer = llm.complete(system, transcript, max_tokens=budget.tokens)
        return _fit_text(f"{HEADER}\n{answer}", budget)


def _fit_text(text: str, budget: Budget) -> str:
    """``text`` cut at word ends until it fits the budget as a system message."""
    words = text.split(" ")
    while len(words) > 1 and summary_tokens(" ".join(words), budget.encoding) > budget.tokens:
        words = words[: max(1, len(words) * 9 // 10)]
    return " ".join(words)


def summary_tokens(text: str | None, encoding: str) -> int:
    """What a summary costs in a context, where it is a system message; 0 for none."""
    return tokens.message_tokens("system", text, encoding) if text else 0


def store(db: Db, conversation: dict, record: dict) -> dict:
    """Insert the next summary document of ``conversation`` and return it.

    ``number`` orders a conversation's summaries (1, 2, …); callers hold the
    conversation's compaction lock, so no two stores race for a number.
    """
    newest = latest(db, conversation)
    document = {
        "_id": new_id(),
        "number": newest["number"] + 1 if newest else 1,
        "conversation_id": conversation["_id"],
        "workspace_id": conversation["workspace_id"],
        "user_id": conversation["user_id"],
        "created_at": utcnow(),
        **record,
    }
    db.summaries.insert_one(document)
    return document


def latest(db: Db, conversation: dict, with_text: bool = False) -> dict | None:
    """The newest summary of ``conversation`` (that has text, if asked), or ``None``."""
    query = {"conversation_id": conversation["_id"]}
    if with_text:
        query["text"] = {"$ne": None}
    return db.summaries.find_one(query, sort=[("number", -1)])


def list_for(db: Db, conversation: dict) -> list[dict]:
    """Every summary of ``conversation``, oldest first."""
    query = {"conversation_id": conversation["_id"]}
    return list(db.summaries.find(query).sort([("number", 1)]))
