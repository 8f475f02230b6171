"""Core shared links: snapshots, anonymous public view, refresh, delete, pages, fork, scope."""

from datetime import timedelta

import pytest

from app.core import (
    conversations,
    deletion,
    feedback,
    lifecycle,
    message_edits,
    messages,
    shares,
)
from app.core.clock import ROOT_PARENT_ID, utcnow
from app.core.errors import Conflict, Invalid, NotFound, NotOwned
from app.core.scope import Scope
from tests import trees

CAROL = Scope.for_user("carol")


@pytest.fixture
def tree(db, alice):
    return trees.build(
        db, alice, title="Tree talk", tags=["private"], metadata={"k": "v"}, model="asst_abc123"
    )


def strings_in(value) -> set[str]:
    """Every string anywhere in a JSON-like value, keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | set().union(*(strings_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(strings_in(v) for v in value))
    return set()


def texts(view) -> set[str]:
    return {m["text"] for m in view["messages"]}


def test_share_shows_everything_anonymised_and_nothing_of_the_owner(db, alice, tree):
    conversation, ids = tree
    messages.append(
        db,
        alice,
        conversation["_id"],
        messages.NewMessage("assistant", text="rated", model="asst_abc123", metadata={"x": 1}),
    )
    last = conversations.get(db, alice, conversation["_id"])["latest_message_id"]
    feedback.set_feedback(
        db, alice, conversation["_id"], last, {"rating": "thumbsUp", "tag": "other"}
    )
    share = shares.create(db, alice, conversation["_id"])
    view = shares.public_view(db, share["share_id"])
    assert view["title"] == "Tree talk" and texts(view) == trees.ALL | {"rated"}
    originals = {*ids.values(), conversation["_id"], last, "alice", "asst_abc123"}
    assert originals.isdisjoint(strings_in(view))
    assert view["conversation_id"].startswith("convo_")
    by_text = {m["text"]: m for m in view["messages"]}
    assert by_text["u1"]["parent_message_id"] == ROOT_PARENT_ID
    assert by_text["a1"]["parent_message_id"] == by_text["u1"]["_id"]
    assert by_text["rated"]["model"].startswith("a_")
    assert all("feedback" not in m and "metadata" not in m for m in view["messages"])
    assert all("user_id" not in m for m in view["messages"])
    assert shares.public_view(db, share["share_id"]) == view  # the same ids every time


def test_share_up_to_a_target_keeps_its_depth(db, alice, tree):
    conversation, ids = tree
    share = shares.create(db, alice, conversation["_id"], ids["u2"])
    assert texts(shares.public_view(db, share["share_id"])) == {"u1", "a1", "a1b", "u2", "u3", "u5"}
    with pytest.raises(NotFound):
        shares.create(db, alice, conversation["_id"], "missing")


def test_one_share_per_conversation_and_target(db, alice, tree):
    conversation, ids = tree
    shares.create(db, alice, conversation["_id"])
    with pytest.raises(Conflict):
        shares.create(db, alice, conversation["_id"])
    shares.create(db, alice, conversation["_id"], ids["a1"])
    assert db.shares.count_documents({}) == 2
    assert shares.link_for(db, alice, conversation["_id"])["target_message_id"] is None


def test_the_view_follows_edits_and_deletes_until_refreshed(db, alice, tree):
    conversation, ids = tree
    share = shares.create(db, alice, conversation["_id"])
    message_edits.edit_text(db, alice, conversation["_id"], ids["u1"], "u1 edited")
    message_edits.delete(db, alice, conversation["_id"], ids["u4"])
    messages.append(db, alice, conversation["_id"], messages.NewMessage("user", text="later"))
    view = shares.public_view(db, share["share_id"])
    assert "u1 edited" in texts(view) and not {"u4", "later"} & texts(view)
    refreshed = shares.refresh(db, alice, share["share_id"])
    assert refreshed["share_id"] != share["share_id"]
    assert "later" in texts(shares.public_view(db, refreshed["share_id"]))
    with pytest.raises(NotFound):
        shares.public_view(db, share["share_id"])


def test_deleted_links_and_conversations_stop_the_view(db, alice, tree):
    conversation, _ = tree
    share = shares.create(db, alice, conversation["_id"])
    deletion.soft_delete(db, alice, conversation["_id"])
    with pytest.raises(NotFound):
        shares.public_view(db, share["share_id"])
    lifecycle.set_status(db, alice, conversation["_id"], "active")
    assert shares.public_view(db, share["share_id"])
    shares.delete(db, alice, share["share_id"])
    with pytest.raises(NotFound):
        shares.public_view(db, share["share_id"])
    again = shares.create(db, alice, conversation["_id"])
    deletion.hard_delete(db, alice, [conversation["_id"]])
    assert db.shares.count_documents({"share_id": again["share_id"]}) == 0


def test_other_users_cannot_manage_a_share(db, alice, bob, tree):
    conversation, _ = tree
    share = shares.create(db, alice, conversation["_id"])
    for attempt in (shares.refresh, shares.delete):
        with pytest.raises(NotFound):
            attempt(db, bob, share["share_id"])
    with pytest.raises(NotOwned):
        shares.create(db, bob, conversation["_id"])
    with pytest.raises(NotOwned):
        shares.link_for(db, bob, conversation["_id"])
    assert shares.page(db, bob).items == []
    assert db.shares.find_one({"share_id": share["share_id"]}) is not None


def test_nothing_to_share(db, alice):
    empty = conversations.create(db, alice)
    with pytest.raises(Invalid, match="No messages to share"):
        shares.create(db, alice, empty["_id"])


def test_pages_sorted_and_searched(db, alice, bob):
    made = []
    for title, text in (("Budget", "numbers"), ("Apples", "fruit salad"), ("Cars", "salad bar")):
        conversation = conversations.create(db, alice, title=title)
        messages.append(db, alice, conversation["_id"], messages.NewMessage("user", text=text))
        made.append(shares.create(db, alice, conversation["_id"]))
        later = utcnow() + timedelta(minutes=len(made))  # distinct creation times
        db.shares.update_one({"_id": made[-1]["_id"]}, {"$set": {"created_at": later}})
    by_title, cursor = [], None
    while True:
        page = shares.page(db, alice, sort_by="title", direction="asc", limit=2, cursor=cursor)
        by_title += [s["title"] for s in page.items]
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert by_title == ["Apples", "Budget", "Cars"]
    newest = shares.page(db, alice).items
    assert [s["share_id"] for s in newest] == [s["share_id"] for s in reversed(made)]
    found = shares.page(db, alice, search_text="SALAD", sort_by="title", direction="asc")
    assert [s["title"] for s in found.items] == ["Apples", "Cars"]
    assert shares.page(db, alice, search_text="budget").items[0]["title"] == "Budget"
    assert shares.page(db, alice, public=False).items == []


def test_anyone_may_fork_a_share_into_their_own_conversation(db, alice, tree):
    conversation, ids = tree
    share = shares.create(db, alice, conversation["_id"], ids["u2"])
    copy = shares.fork(db, CAROL, share["share_id"])
    assert copy.conversation["user_id"] == "carol"
    assert copy.conversation["title"] == "Tree talk"
    assert copy.conversation["tags"] == [] and copy.conversation["metadata"] == {}
    assert copy.conversation["forked_from"] == {"share_id": share["share_id"]}
    assert {m["text"] for m in copy.messages} == {"u1", "a1", "a1b", "u2", "u3", "u5"}
    assert not {m["_id"] for m in copy.messages} & set(ids.values())
    assert conversations.get(db, CAROL, copy.conversation["_id"])["message_count"] == 6
    with pytest.raises(NotFound):
        shares.fork(db, CAROL, "missing")
