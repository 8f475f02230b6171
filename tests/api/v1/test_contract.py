"""The v1 and chat routes are documented, and arbitrary input never gets a 5xx."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DOCUMENTED = {
    ("get", "/v1/conversations"): {"200", "401", "422"},
    ("post", "/v1/conversations"): {"201", "401", "422"},
    ("get", "/v1/conversations/{conversation_id}"): {"200", "401", "404"},
    ("patch", "/v1/conversations/{conversation_id}"): {"200", "401", "404", "422"},
    ("delete", "/v1/conversations/{conversation_id}"): {"200", "401", "403", "404"},
    ("get", "/v1/conversations/search"): {"200", "401", "422"},
    ("get", "/v1/conversations/stats"): {"200", "401", "403"},
    ("post", "/v1/conversations/bulk"): {"200", "401", "422"},
    ("get", "/v1/conversations/{conversation_id}/messages"): {"200", "401", "404"},
    ("post", "/v1/conversations/{conversation_id}/messages"): {"201", "401", "404", "409"},
    ("patch", "/v1/conversations/{conversation_id}/messages/{message_id}"): {"200", "404"},
    ("get", "/chat/"): {"200", "401", "500"},
    ("put", "/chat/rename/{chat_id}"): {"200", "401", "404", "422", "500"},
    ("delete", "/chat/archive/{chat_id}"): {"200", "401", "404", "500"},
}


def test_every_route_has_a_summary_and_its_error_statuses(client):
    paths = client.get("/openapi.json").json["paths"]
    for (method, path), statuses in DOCUMENTED.items():
        operation = paths[path][method]
        assert operation["summary"], (method, path)
        assert statuses <= set(operation["responses"]), (method, path)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.just({"$gt": ""}),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
query_values = st.text(alphabet=string.printable, max_size=40)
QUERY_NAMES = [
    "limit",
    "cursor",
    "status",
    "order",
    "sort",
    "created_after",
    "q",
    "user_id",
    "tag",
    "messages_limit",
    "thread",
    "offset",
    "hard",
    "source",
]
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(QUERY_NAMES), query_values, max_size=4))
def test_query_strings_never_5xx(client, auth, params):
    headers = auth("alice")
    for path in (
        "/v1/conversations",
        "/v1/conversations/search",
        "/v1/conversations/stats",
        "/v1/conversations/x",
        "/v1/conversations/x/messages",
        "/chat/",
    ):
        response = client.get(path, query_string=params, headers=headers)
        assert response.status_code < 500, (path, params, response.json)


@FUZZ
@given(
    body=st.dictionaries(
        st.sampled_from(
            [
                "action",
                "conversation_ids",
                "tags",
                "title",
                "metadata",
                "status",
                "role",
                "content",
                "text",
                "parent_message_id",
                "input_tokens",
                "cost_cents",
                "is_pinned",
                "messages",
                "user_id",
                "model",
                "endpoint",
            ]
        ),
        values,
        max_size=5,
    )
)
def test_json_bodies_never_5xx(client, auth, body):
    headers = auth("alice")
    conv = client.post("/v1/conversations", json={"title": "fuzz"}, headers=headers).json["data"]
    for method, path in (
        ("POST", "/v1/conversations"),
        ("POST", "/v1/conversations/bulk"),
        ("PATCH", f"/v1/conversations/{conv['id']}"),
        ("POST", f"/v1/conversations/{conv['id']}/messages"),
        ("PATCH", f"/v1/conversations/{conv['id']}/messages/x"),
        ("PUT", f"/chat/rename/{conv['id']}"),
    ):
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code < 500, (method, path, body, response.json)
