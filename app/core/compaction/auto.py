"""The automatic-compaction setting: ``settings.compaction`` on a conversation.

``strategy`` and ``threshold_tokens`` plus the strategy's parameters; an append
after which the live context costs more than the threshold starts a compaction
in the background (``run.after_append``). Settings may be written by other
routes, so reading one never fails: what is not usable reads as ``none``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .. import conversations
from ..errors import Invalid
from ..scope import Scope
from ..store import Db
from .plan import TOKENS_MAX, CompactionRequest, check_count


@dataclass(frozen=True)
class AutoCompaction(CompactionRequest):
    """``settings.compaction``: compact with these parameters above ``threshold_tokens``."""

    threshold_tokens: int | None = None

    def request(self) -> CompactionRequest:
        parameters = asdict(self)
        parameters.pop("threshold_tokens")
        return CompactionRequest(**parameters)

    def validate(self) -> None:
        self.request().validate()
        if self.strategy != "none" and self.threshold_tokens is None:
            raise Invalid("threshold_tokens is required unless the strategy is none")
        check_count("threshold_tokens", self.threshold_tokens, 1, TOKENS_MAX)


AUTO_FIELDS = frozenset(AutoCompaction.__dataclass_fields__)
SETTING = "compaction"  # its key in a conversation's settings


def get_auto(db: Db, scope: Scope, conversation_id: object) -> dict:
    """A conversation's automatic-compaction setting (``strategy: none`` when unset)."""
    conversation = conversations.get(db, scope, conversation_id)
    return auto_of(conversation)


def auto_of(conversation: dict) -> dict:
    """The stored setting, or ``strategy: none`` when it is absent or not usable
    (settings may be written by other routes: an append must never fail on them)."""
    stored = (conversation.get("settings") or {}).get(SETTING)
    known = (
        {k: v for k, v in stored.items() if k in AUTO_FIELDS} if isinstance(stored, dict) else {}
    )
    setting = AutoCompaction(**{"strategy": "none", **known})
    try:
        setting.validate()
    except Invalid:
        setting = AutoCompaction("none")
    return asdict(setting)


def set_auto(db: Db, scope: Scope, conversation_id: object, setting: dict) -> dict:
    """Replace a conversation's automatic-compaction setting; returns it."""
    try:
        auto = AutoCompaction(**setting)
    except TypeError as exc:
        raise Invalid("unknown compaction setting") from exc
    auto.validate()
    stored = {k: v for k, v in asdict(auto).items() if v is not None}
    updated = conversations.update(db, scope, conversation_id, settings={SETTING: stored})
    return auto_of(updated)
