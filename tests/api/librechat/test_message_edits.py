"""Scenario: one message through /api/messages — read, edit, delete, feedback, pages, search."""

from app.core import conversations, deletion, messages

from .conftest import ALICE, BOB, assert_librechat_error

FOREIGN = "You don't have access to this conversation"


def ids_of(app_db, conversation):
    return [m["_id"] for m in app_db.messages.find({"conversation_id": conversation["_id"]})]


def url(conversation, message_id, tail=""):
    return f"/api/messages/{conversation['_id']}/{message_id}{tail}"


def test_read_edit_and_rate_one_message(client, as_alice, convo, app_db):
    conversation = convo("what is the capital of France?", "Paris.")
    question, answer = ids_of(app_db, conversation)
    read = client.get(url(conversation, answer), headers=as_alice)
    assert read.status_code == 200
    assert [m["messageId"] for m in read.json] == [answer]

    edited = client.put(url(conversation, question), json={"text": "and Italy?"}, headers=as_alice)
    assert edited.status_code == 200, edited.json
    assert edited.json["text"] == "and Italy?" and edited.json["messageId"] == question
    assert edited.json["updatedAt"] >= edited.json["createdAt"]

    rating = {"feedback": {"rating": "thumbsUp", "tag": "accurate_reliable", "text": "yes"}}
    rated = client.put(url(conversation, answer, "/feedback"), json=rating, headers=as_alice)
    assert rated.json == {"messageId": answer, "conversationId": conversation["_id"], **rating}
    listed = client.get(f"/api/messages/{conversation['_id']}", headers=as_alice).json
    assert listed[1]["feedback"] == rating["feedback"]
    v1 = client.get(f"/v1/conversations/{conversation['_id']}/messages", headers=as_alice).json
    assert v1["data"][1]["feedback"] == rating["feedback"]
    exported = client.get(f"/v1/conversations/{conversation['_id']}/export", headers=as_alice)
    assert exported.json["conversations"][0]["messages"][1]["feedback"] == rating["feedback"]
    cleared = client.put(url(conversation, answer, "/feedback"), json={}, headers=as_alice)
    assert cleared.json == {"messageId": answer, "conversationId": conversation["_id"]}


def test_edit_a_content_part_by_index(client, as_alice, convo, app_db):
    conversation = convo()
    parts = [{"type": "text", "text": "Bonjour"}, {"type": "image_url", "image_url": {}}]
    message = messages.append(
        app_db, ALICE, conversation["_id"], messages.NewMessage("assistant", content=parts)
    )
    body = {"conversationId": conversation["_id"], "messageId": message["_id"], "index": 0}
    edited = client.put(
        url(conversation, message["_id"]), json={**body, "text": "Salut"}, headers=as_alice
    )
    assert edited.json["content"][0] == {"type": "text", "text": "Salut"}
    refused = client.put(
        url(conversation, message["_id"]), json={"text": "x", "index": 1}, headers=as_alice
    )
    assert_librechat_error(refused, 400, "Cannot update non-text content")
    for index in (-1, "0", 9):
        bad = client.put(
            url(conversation, message["_id"]), json={"text": "x", "index": index}, headers=as_alice
        )
        assert_librechat_error(bad, 400)


def test_delete_one_message(client, as_alice, convo, app_db):
    conversation = convo("q", "a")
    question, answer = ids_of(app_db, conversation)
    response = client.delete(url(conversation, answer), headers=as_alice)
    assert response.status_code == 204 and response.data == b""
    stored = conversations.get(app_db, ALICE, conversation["_id"])
    assert (stored["message_count"], stored["latest_message_id"]) == (1, question)
    assert_librechat_error(client.delete(url(conversation, answer), headers=as_alice), 404)


def test_other_users_and_bad_input_change_nothing(client, as_alice, as_bob, convo, app_db):
    conversation = convo("mine", "yes")
    _question, answer = ids_of(app_db, conversation)
    before = list(app_db.messages.find())
    rating = {"feedback": {"rating": "thumbsDown", "tag": "other"}}
    for response in (
        client.get(url(conversation, answer), headers=as_bob),
        client.put(url(conversation, answer), json={"text": "bob's"}, headers=as_bob),
        client.delete(url(conversation, answer), headers=as_bob),
        client.put(url(conversation, answer, "/feedback"), json=rating, headers=as_bob),
    ):
        assert_librechat_error(response, 403, FOREIGN)
    for response in (
        client.put(url(conversation, answer), json={}, headers=as_alice),
        client.put(url(conversation, answer), json={"text": 5}, headers=as_alice),
        client.put(
            url(conversation, answer, "/feedback"), json={"feedback": "up"}, headers=as_alice
        ),
    ):
        assert_librechat_error(response, 400)
    assert_librechat_error(client.get(url(conversation, "nope"), headers=as_alice), 404)
    assert_librechat_error(client.get(url(conversation, answer)), 401)
    assert list(app_db.messages.find()) == before


def test_pages_of_a_conversation_and_one_by_id(client, as_alice, as_bob, convo, app_db):
    conversation = convo(*[f"turn {i}" for i in range(5)])
    seen, cursor = [], ""
    while True:
        page = client.get(
            f"/api/messages?conversationId={conversation['_id']}&pageSize=2{cursor}",
            headers=as_alice,
        ).json
        seen += [m["text"] for m in page["messages"]]
        if not page["nextCursor"]:
            break
        cursor = f"&cursor={page['nextCursor']}"
    assert seen == [f"turn {i}" for i in reversed(range(5))]  # newest first by default
    first_id = ids_of(app_db, conversation)[0]
    one = client.get(
        f"/api/messages?conversationId={conversation['_id']}&messageId={first_id}",
        headers=as_alice,
    ).json
    assert [m["text"] for m in one["messages"]] == ["turn 0"] and one["nextCursor"] is None
    assert client.get("/api/messages", headers=as_alice).json == {
        "messages": [],
        "nextCursor": None,
    }
    stray = client.get(f"/api/messages?{cursor[1:]}", headers=as_alice)
    message = "cursor: a cursor continues a conversationId or search listing"
    assert_librechat_error(stray, 400, message)
    foreign = client.get(f"/api/messages?conversationId={conversation['_id']}", headers=as_bob)
    assert_librechat_error(foreign, 403, FOREIGN)


def test_search_messages_newest_first_with_titles(client, as_alice, as_bob, convo, app_db):
    travel = convo("Trip to Lisbon in May", "Pack for sun.", title="Travel")
    convo("Lisbon or Porto?", "Both.", title="Cities")
    gone = convo("Lisbon again", "ok", title="Gone")
    deletion.soft_delete(app_db, ALICE, gone["_id"])
    convo("Lisbon for bob", scope=BOB)
    assert client.get("/api/search/enable", headers=as_alice).json is True
    hits, cursor = [], ""
    while True:
        page = client.get(f"/api/messages?search=LISBON&pageSize=1{cursor}", headers=as_alice).json
        hits += page["messages"]
        if not page["nextCursor"]:
            break
        cursor = f"&cursor={page['nextCursor']}"
    assert [(h["text"], h["title"]) for h in hits] == [
        ("Lisbon or Porto?", "Cities"),
        ("Trip to Lisbon in May", "Travel"),
    ]
    assert hits[1]["conversationId"] == travel["_id"] and hits[1]["isCreatedByUser"] is True
    assert client.get("/api/messages?search=.*", headers=as_alice).json["messages"] == []
    assert_librechat_error(client.get("/api/messages?search=", headers=as_alice), 400)
