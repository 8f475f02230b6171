"""Each dialect renders errors in its own shape, decided by the path prefix."""

import pytest

from app.api.chat import chat_body
from app.api.errors import Problem, summarise_validation
from app.api.librechat import librechat_body


def test_unknown_routes_take_the_dialect_shape(client):
    assert client.get("/api/convos/nope/deeper/still").json == {
        "error": "The requested URL was not found on the server. If you entered the URL "
        "manually please check your spelling and try again."
    }
    chat = client.get("/chat/nope/deeper")
    assert chat.status_code == 404
    assert chat.json["error"] is True
    assert chat.json["message"]


def test_librechat_401_and_403_carry_unauthorized():
    body = librechat_body(Problem(403, "not_owned", "You don't have access to this conversation"))
    assert body == {
        "error": "Unauthorized",
        "message": "You don't have access to this conversation",
    }
    assert librechat_body(Problem(404, "not_found", "Conversation not found")) == {
        "error": "Conversation not found"
    }


def test_chat_body():
    assert chat_body(Problem(422, "validation_error", "title is required")) == {
        "error": True,
        "message": "title is required",
    }


@pytest.mark.parametrize(
    "messages,expected",
    [
        (
            {"json": {"arg": {"conversationId": ["Missing data for required field."]}}},
            "conversationId is required",
        ),
        ({"json": {"title": ["Not a valid string."]}}, "title: Not a valid string."),
        ({"query": {"_schema": ["bad combination"]}}, "bad combination"),
        (None, "Invalid request"),
    ],
)
def test_validation_summaries(messages, expected):
    assert summarise_validation(messages) == expected


@pytest.mark.parametrize(
    "path,method,status,body",
    [
        (
            "/v1/conversations",
            "post",
            400,
            {"type": "malformed_json", "message": "The request body is not valid JSON"},
        ),
        ("/api/convos/update", "post", 400, "The request body is not valid JSON"),
        ("/chat/rename/some-id", "put", 422, "The request body is not valid JSON"),
    ],
)
def test_malformed_json_has_its_own_error_in_every_dialect(
    client, auth, path, method, status, body
):
    response = getattr(client, method)(
        path, data="{not json", headers=auth(), content_type="application/json"
    )
    assert response.status_code == status
    error = response.json["error"]
    if isinstance(body, dict):
        assert {k: error[k] for k in body} == body
    elif path.startswith("/chat"):
        assert response.json == {"error": True, "message": body}
    else:
        assert response.json == {"error": body}
