"""/v1/conversations/bulk: every action, mixed valid / invalid / foreign ids, limits."""

import pytest

from tests.api.v1.conftest import platform_error


@pytest.fixture
def mine(alice_v1):
    return [alice_v1.create(title=f"c{i}", tags=["keep"])["id"] for i in range(3)]


def bulk(caller, expect=200, **body):
    response = caller.request("POST", "/bulk", json=body, expect=expect)
    return response.json["data"] if expect == 200 else response


def statuses(caller, ids):
    return [caller.get(f"/{i}", include_messages="false")["data"]["status"] for i in ids]


def test_archive_with_mixed_ids_reports_each_failure(alice_v1, bob_v1, mine):
    foreign = bob_v1.create(title="bob's")["id"]
    ids = [*mine, "missing-id", foreign, mine[0], "x" * 300]
    result = bulk(alice_v1, action="archive", conversation_ids=ids)
    assert (result["action"], result["updated"], result["failed"]) == ("archive", 3, 3)
    reasons = {f["id"][:20]: f["reason"] for f in result["failures"]}
    assert reasons == {"missing-id": "not_found", foreign[:20]: "not_found", "x" * 20: "invalid_id"}
    assert all(f["message"] for f in result["failures"])
    assert statuses(alice_v1, mine) == ["archived"] * 3
    assert statuses(bob_v1, [foreign]) == ["active"]


def test_every_status_action_round_trip(alice_v1, mine):
    assert bulk(alice_v1, action="archive", conversation_ids=mine[:2])["updated"] == 2
    assert statuses(alice_v1, mine) == ["archived", "archived", "active"]
    assert bulk(alice_v1, action="unarchive", conversation_ids=mine[:1])["updated"] == 1
    assert statuses(alice_v1, mine) == ["active", "archived", "active"]
    assert bulk(alice_v1, action="delete", conversation_ids=mine)["updated"] == 3
    assert statuses(alice_v1, mine) == ["deleted"] * 3
    assert alice_v1.get()["data"] == []
    assert bulk(alice_v1, action="restore", conversation_ids=mine)["updated"] == 3
    assert statuses(alice_v1, mine) == ["active"] * 3


def test_already_in_state_counts_as_updated_and_wrong_state_fails(alice_v1, mine):
    bulk(alice_v1, action="archive", conversation_ids=mine[:1])
    again = bulk(alice_v1, action="archive", conversation_ids=mine)
    assert (again["updated"], again["failed"]) == (3, 0)
    bulk(alice_v1, action="delete", conversation_ids=mine[:1])
    result = bulk(alice_v1, action="unarchive", conversation_ids=mine)
    assert result["updated"] == 2
    assert result["failures"] == [
        {
            "id": mine[0],
            "reason": "invalid_state",
            "message": "cannot unarchive a conversation that is deleted",
        }
    ]


def test_tag_and_untag(alice_v1, mine):
    tagged = bulk(alice_v1, action="tag", conversation_ids=mine, tags=["work", " work ", "q3"])
    assert tagged["updated"] == 3
    assert alice_v1.get(f"/{mine[0]}")["data"]["tags"] == ["keep", "work", "q3"]
    assert sorted(c["id"] for c in alice_v1.get(tag="q3")["data"]) == sorted(mine)
    bulk(alice_v1, action="tag", conversation_ids=mine[:1], tags=["work"])
    assert alice_v1.get(f"/{mine[0]}")["data"]["tags"] == ["keep", "work", "q3"]
    untagged = bulk(alice_v1, action="untag", conversation_ids=mine[1:], tags=["work", "nope"])
    assert untagged["updated"] == 2
    assert alice_v1.get(f"/{mine[1]}")["data"]["tags"] == ["keep", "q3"]


def test_tag_limit_per_conversation(alice_v1):
    full = alice_v1.create(title="full", tags=[f"t{i}" for i in range(100)])["id"]
    roomy = alice_v1.create(title="roomy")["id"]
    result = bulk(alice_v1, action="tag", conversation_ids=[full, roomy], tags=["one-more"])
    assert result["updated"] == 1
    assert result["failures"][0]["id"] == full
    assert result["failures"][0]["reason"] == "too_many_tags"
    assert len(alice_v1.get(f"/{full}")["data"]["tags"]) == 100


def test_deleted_conversations_cannot_be_tagged(alice_v1, mine):
    bulk(alice_v1, action="delete", conversation_ids=mine[:1])
    result = bulk(alice_v1, action="tag", conversation_ids=mine[:1], tags=["x"])
    assert result["failures"][0]["reason"] == "invalid_state"


def test_admin_acts_across_users_of_its_workspace(alice_v1, bob_v1, admin_v1, as_user):
    ids = [alice_v1.create(title="a")["id"], bob_v1.create(title="b")["id"]]
    elsewhere = as_user("eve", workspace="other").create(title="e")["id"]
    result = bulk(admin_v1, action="archive", conversation_ids=[*ids, elsewhere])
    assert (result["updated"], result["failed"]) == (2, 1)
    assert result["failures"][0]["id"] == elsewhere


@pytest.mark.parametrize(
    "body",
    [
        {"action": "explode", "conversation_ids": ["a"]},
        {"action": "archive"},
        {"action": "archive", "conversation_ids": []},
        {"action": "archive", "conversation_ids": [f"id{i}" for i in range(1001)]},
        {"action": "archive", "conversation_ids": [{"$gt": ""}]},
        {"action": "archive", "conversation_ids": "a"},
        {"action": "tag", "conversation_ids": ["a"], "tags": "x"},
    ],
)
def test_bad_requests_are_422(alice_v1, body):
    platform_error(alice_v1.request("POST", "/bulk", json=body), 422)


def test_tag_without_tags_is_400_and_changes_nothing(alice_v1, app_db, mine):
    before = list(app_db.conversations.find())
    for tags in (None, [], ["  "]):
        body = {"action": "tag", "conversation_ids": mine, **({"tags": tags} if tags else {})}
        platform_error(alice_v1.request("POST", "/bulk", json=body), 400, "invalid_request")
    assert list(app_db.conversations.find()) == before


def test_a_thousand_ids_are_accepted(alice_v1, mine):
    ids = [*mine, *(f"missing-{i}" for i in range(997))]
    result = bulk(alice_v1, action="delete", conversation_ids=ids)
    assert (result["updated"], result["failed"]) == (3, 997)
