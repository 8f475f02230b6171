"""The services appends and compactions use: an LLM (or not), and a background runner.

Built once per app from its settings (``app/extensions.py``) and passed
explicitly to the core functions that need them; frozen, so no request can
change another's. Without an LLM, summaries are extractive and titles come
from the local heuristic, inline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import background
from .background import Runner
from .llm import LlmClient
from .summaries import Summariser


@dataclass(frozen=True)
class Services:
    summariser: Summariser = field(default_factory=Summariser)
    title_llm: LlmClient | None = None  # None: titles from the local heuristic, inline
    run_in_background: Runner = background.run_in_background

    @classmethod
    def with_llm(cls, llm: LlmClient | None) -> Services:
        """Summaries and titles from ``llm`` (``None``: the local fallbacks), threads."""
        return cls(summariser=Summariser(llm), title_llm=llm)
