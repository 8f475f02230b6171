"""Lists of conversations: what a request selects, and its pages.

``ListFilter`` is an immutable selection; a page is keyset (``list_page``, with
totals in ``list_counted``, with search matches in ``search_page``) or
limit/offset (``list_offset``, for the dialect whose spec asks for offsets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from . import search
from .errors import Invalid
from .lifecycle import LIVE, check_status
from .pagination import Page, Sort, fetch_page
from .scope import Scope
from .store import Db

LIST_LIMIT_MAX = 100
OFFSET_MAX = 100_000


@dataclass(frozen=True)
class ListFilter:
    """What a list, count or search selects; ``None`` means no constraint."""

    statuses: tuple[str, ...] | None = LIVE
    pinned: bool | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    assistant_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    conversation_ids: tuple[str, ...] | None = None
    extra: Mapping = field(default_factory=dict, hash=False)  # more clauses, read-only

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def query(self, scope: Scope) -> dict:
        """The MongoDB filter for this selection inside ``scope``."""
        clause = dict(scope.query())
        if self.statuses is not None:
            clause["status"] = {"$in": [check_status(s) for s in self.statuses]}
        if self.tags:
            clause["tags"] = {"$in": list(self.tags)}
        if self.conversation_ids is not None:
            clause["_id"] = {"$in": list(self.conversation_ids)}
        clause.update(self._equalities())
        clause.update(self._ranges())
        clause.update(self.extra)
        return clause

    def _equalities(self) -> dict:
        values = {"pinned": self.pinned, "source": self.source, "assistant_id": self.assistant_id}
        return {name: value for name, value in values.items() if value is not None}

    def _ranges(self) -> dict:
        ranges = {}
        for name, after, before in (
            ("created_at", self.created_after, self.created_before),
            ("updated_at", self.updated_after, self.updated_before),
        ):
            bounds = {k: v for k, v in (("$gte", after), ("$lt", before)) if v is not None}
            if bounds:
                ranges[name] = bounds
        return ranges


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise Invalid(f"limit must be between 1 and {LIST_LIMIT_MAX}")


def list_page(
    db: Db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    sort: Sort | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> Page:
    """One keyset page of the caller's conversations."""
    _check_limit(limit)
    query = (selection or ListFilter()).query(scope)
    return fetch_page(db.conversations, query, sort or Sort(), limit, cursor)


@dataclass(frozen=True)
class CountedPage:
    """A keyset page plus where it stands: how many match, how many come before it."""

    page: Page
    total: int
    before: int


def list_counted(
    db: Db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    search_text: str | None = None,
    backend: str = search.DEFAULT_BACKEND,
    sort: Sort | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> CountedPage:
    """``list_page`` with an optional title/message search, plus totals for page numbers."""
    selection = selection or ListFilter()
    if search_text is not None:
        matching = search.conversation_filter(db, scope, search_text, backend)
        selection = replace(selection, extra={**selection.extra, **matching})
    sort = sort or Sort()
    page = list_page(db, scope, selection, sort=sort, limit=limit, cursor=cursor)
    query = selection.query(scope)
    total = db.conversations.count_documents(query)
    after = sort.after(cursor)
    remaining = db.conversations.count_documents({"$and": [query, after]}) if after else total
    return CountedPage(page=page, total=total, before=total - remaining)


def search_page(
    db: Db,
    scope: Scope,
    text: object,
    selection: ListFilter,
    *,
    sort: Sort | None = None,
    limit: int = 20,
    cursor: str | None = None,
    backend: str = search.DEFAULT_BACKEND,
) -> Page:
    """A keyset page of conversations matching ``text``, each with ``matched_fields``."""
    matches = search.find_matches(db, scope, text, backend)
    chosen = replace(selection, extra={**selection.extra, **matches.query()})
    page = list_page(db, scope, chosen, sort=sort, limit=limit, cursor=cursor)
    page.items = [{**c, "matched_fields": matches.fields_for(c)} for c in page.items]
    return page


@dataclass(frozen=True)
class OffsetPage:
    """A limit/offset page with the total the selection holds."""

    items: list[dict]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def list_offset(
    db: Db,
    scope: Scope,
    selection: ListFilter | None = None,
    *,
    sort: Sort | None = None,
    limit: int = 20,
    offset: int = 0,
) -> OffsetPage:
    """A limit/offset page and total (for dialects whose spec asks for offsets)."""
    _check_limit(limit)
    if not 0 <= offset <= OFFSET_MAX:
        raise Invalid(f"offset must be between 0 and {OFFSET_MAX}")
    query = (selection or ListFilter()).query(scope)
    cursor = db.conversations.find(query).sort((sort or Sort()).pymongo)
    items = list(cursor.skip(offset).limit(limit))
    return OffsetPage(items, db.conversations.count_documents(query), limit, offset)
