"""Every recorded query shape against the declared indexes: verdicts, counts, violations."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.indexes import INDEXES

from .allowed import reason_for
from .planner import CATEGORIES, SERVED, Index, Shape, Verdict, classify


def declared_indexes(collection: str) -> list[Index]:
    models = [model.document for model in INDEXES.get(collection, [])]
    return [Index(m["name"], tuple(m["key"].items())) for m in models]


def verdict(shape: Shape) -> Verdict:
    return classify(shape, declared_indexes(shape.collection))


@dataclass
class Audit:
    """Verdicts per shape (text), with the operations that issued each shape."""

    rows: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, recorded: dict[Shape, set[str]]) -> Audit:
        audit = cls()
        for shape, operations in recorded.items():
            judged = verdict(shape)
            row = {
                "category": judged.category,
                "index": judged.index,
                "detail": judged.detail,
                "allowed": None
                if judged.category == SERVED
                else reason_for(shape.collection, judged.prefix, judged.residual),
                "operations": sorted(operations),
            }
            audit.merge({str(shape): row})
        return audit

    def merge(self, rows: dict[str, dict]) -> None:
        for shape, row in rows.items():
            kept = self.rows.setdefault(shape, {**row, "operations": []})
            kept["operations"] = sorted(set(kept["operations"]) | set(row["operations"]))

    def counts(self) -> dict[str, int]:
        return {c: sum(r["category"] == c for r in self.rows.values()) for c in CATEGORIES}

    def violations(self) -> list[tuple[str, dict]]:
        """Shapes no index serves that the allow-list does not explain."""
        return sorted(
            (shape, row)
            for shape, row in self.rows.items()
            if row["category"] != SERVED and not row["allowed"]
        )
