"""Keyset cursors: complete, duplicate-free pages in every order, robust to bad input."""

import base64
import json
from datetime import timedelta

import pytest

from app.core import conversations, listing
from app.core.clock import utcnow
from app.core.errors import Invalid
from app.core.pagination import Sort


@pytest.fixture
def many(db, alice):
    base = utcnow() - timedelta(days=1)
    created = []
    for i in range(23):
        # pairs share a timestamp and a title so ties must be broken by _id
        conv = conversations.create(
            db, alice, title=f"title {i // 2:02d}", created_at=base + timedelta(minutes=i // 2)
        )
        created.append(conv["_id"])
    return created


def walk(db, scope, sort, limit):
    seen, cursor = [], None
    while True:
        page = listing.list_page(db, scope, sort=sort, limit=limit, cursor=cursor)
        seen.extend(c["_id"] for c in page.items)
        if not page.has_more:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("field", ["updated_at", "created_at", "title"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("limit", [1, 4, 23, 50])
def test_every_order_pages_completely_once(db, alice, many, field, direction, limit):
    seen = walk(db, alice, Sort(field, direction), limit)
    assert sorted(seen) == sorted(many)
    assert len(seen) == len(set(seen))


def test_order_is_the_sort_order(db, alice, many):
    seen = walk(db, alice, Sort("created_at", "asc"), 5)
    stamps = [conversations.get(db, alice, i)["created_at"] for i in seen]
    assert stamps == sorted(stamps)


def test_inserts_between_pages_cause_no_duplicates(db, alice, many):
    sort = Sort("created_at", "desc")
    first = listing.list_page(db, alice, sort=sort, limit=10)
    conversations.create(db, alice, title="newcomer")
    rest = walk_from(db, alice, sort, first.next_cursor)
    ids = [c["_id"] for c in first.items] + rest
    assert len(ids) == len(set(ids)) == len(many)


def walk_from(db, scope, sort, cursor):
    seen = []
    while cursor:
        page = listing.list_page(db, scope, sort=sort, limit=7, cursor=cursor)
        seen.extend(c["_id"] for c in page.items)
        cursor = page.next_cursor
    return seen


def encode(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64-!!",
        "e30",  # {}
        encode([1, 2]),
        encode({"f": "title", "d": "asc", "k": {"t": "s", "v": "a"}, "id": "x"}),
        encode({"f": "updated_at", "d": "desc", "k": {"t": "d", "v": "yesterday"}, "id": "x"}),
        encode({"f": "updated_at", "d": "desc", "k": {"t": "s", "v": {"$gt": ""}}, "id": "x"}),
        encode({"f": "updated_at", "d": "desc", "k": {"t": "s", "v": "a"}, "id": {"$ne": 1}}),
    ],
)
def test_bad_cursors_are_invalid(db, alice, many, cursor):
    with pytest.raises(Invalid):
        listing.list_page(db, alice, sort=Sort("updated_at", "desc"), cursor=cursor)


@pytest.mark.parametrize("field,direction", [("nope", "asc"), ("title", "up")])
def test_bad_sorts_are_invalid(field, direction):
    with pytest.raises(Invalid):
        Sort(field, direction)


def test_integer_keys_page_messages_by_seq(db, alice):
    from app.core import messages

    conv = conversations.create(db, alice)
    made = [
        messages.append(db, alice, conv["_id"], messages.NewMessage(role="user", text=str(i)))
        for i in range(5)
    ]
    page = messages.list_page(db, alice, conv["_id"], limit=2)
    rest = messages.list_page(db, alice, conv["_id"], limit=10, cursor=page.next_cursor)
    assert [m["_id"] for m in page.items + rest.items] == [m["_id"] for m in made]
    assert Sort("seq", "asc").after(page.next_cursor) != {}


@pytest.mark.parametrize("key", [{"t": "i", "v": "3"}, {"t": "i", "v": True}, {"t": "i"}])
def test_integer_cursor_keys_must_be_integers(key):
    payload = {"f": "seq", "d": "asc", "k": key, "id": "x"}
    raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    with pytest.raises(Invalid):
        Sort("seq", "asc").after(raw)


@pytest.mark.parametrize(
    "payload",
    [b"[" * 1000, b"{" * 100_000, b'{"f": [[[[[[[[[[[]]]]]]]]]]]}', b"x" * 20_000],
)
def test_crafted_cursors_are_invalid_without_recursing(payload):
    cursor = base64.urlsafe_b64encode(payload).decode()
    with pytest.raises(Invalid, match="cursor is not valid"):
        Sort().after(cursor)
