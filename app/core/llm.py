"""An LLM client for any OpenAI-compatible chat-completions endpoint.

Built on the official ``openai`` SDK (``LLM_BASE_URL``, ``LLM_API_KEY``,
``LLM_MODEL``, ``LLM_TIMEOUT_SECONDS``, ``LLM_MAX_RETRIES``). Every way a call
can fail (unreachable, timeout, HTTP error, a body that is not a chat
completion, an empty answer) raises ``LlmFailed`` with a short reason, so
callers can fall back to a local method and say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import openai

REASON_MAX = 200


class LlmFailed(Exception):
    """The endpoint gave no usable answer; ``str(exc)`` says why, briefly."""


@dataclass(frozen=True)
class LlmSettings:
    base_url: str
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    timeout_seconds: float = 20.0
    max_retries: int = 2

    @classmethod
    def from_config(cls, config: Mapping) -> LlmSettings | None:
        """Settings from a config mapping; ``None`` when no ``LLM_BASE_URL`` is set."""
        if not config.get("LLM_BASE_URL"):
            return None
        return cls(
            base_url=config["LLM_BASE_URL"],
            api_key=config.get("LLM_API_KEY"),
            model=config.get("LLM_MODEL") or cls.model,
            timeout_seconds=float(config.get("LLM_TIMEOUT_SECONDS") or cls.timeout_seconds),
            max_retries=int(config.get("LLM_MAX_RETRIES", cls.max_retries)),
        )


class LlmClient:
    """Chat completions against one endpoint and model."""

    def __init__(self, settings: LlmSettings):
        self.settings = settings
        self._client = openai.OpenAI(
            base_url=settings.base_url,
            # local servers often need no key, but the SDK insists on one
            api_key=settings.api_key or "not-needed",
            timeout=settings.timeout_seconds,
            max_retries=settings.max_retries,
        )

    @property
    def model(self) -> str:
        return self.settings.model

    def complete(self, system: str, user: str, max_tokens: int) -> str:
        """The assistant's answer to one system + user turn, stripped."""
        try:
            response = self._client.chat.completions.create(
                model=self.settings.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                max_tokens=max_tokens,
                temperature=0,
            )
            text = response.choices[0].message.content
        except openai.APITimeoutError as exc:
            raise LlmFailed("timed out") from exc
        except openai.APIStatusError as exc:
            raise LlmFailed(f"HTTP {exc.status_code}") from exc
        except openai.OpenAIError as exc:
            raise LlmFailed(_reason(exc)) from exc
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
            raise LlmFailed(f"unreadable answer: {_reason(exc)}") from exc
        if not isinstance(text, str) or not text.strip():
            raise LlmFailed("empty answer")
        return text.strip()


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:REASON_MAX]
