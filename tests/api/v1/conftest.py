"""Helpers for the platform dialect's scenarios: a caller bound to one token."""

from __future__ import annotations

import pytest

V1 = "/v1/conversations"


class Caller:
    """Requests to ``/v1/conversations`` as one user; ``ok`` asserts the status."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def request(self, method, path="", expect=None, headers=None, **kwargs):
        response = self.client.open(
            f"{V1}{path}", method=method, headers={**self.headers, **(headers or {})}, **kwargs
        )
        if expect is not None:
            assert response.status_code == expect, response.json
        return response

    def create(self, **body):
        return self.request("POST", json=body, expect=201).json["data"]

    def append(self, conversation_id, expect=201, **body):
        body.setdefault("role", "user")
        body.setdefault("content", "hello")
        path = f"/{conversation_id}/messages"
        return self.request("POST", path, json=body, expect=expect).json["data"]

    def get(self, path="", expect=200, **params):
        return self.request("GET", path, query_string=params, expect=expect).json


@pytest.fixture
def as_user(client, auth):
    """``as_user("bob")`` or ``as_user("root", role="admin")``."""

    def make(user_id="alice", **claims):
        return Caller(client, auth(user_id, **claims))

    return make


@pytest.fixture
def alice_v1(as_user):
    return as_user("alice")


@pytest.fixture
def bob_v1(as_user):
    return as_user("bob")


@pytest.fixture
def admin_v1(as_user):
    return as_user("root", role="admin")


def platform_error(response, status: int, kind: str | None = None) -> dict:
    """Assert the platform error shape and status; return the error object."""
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert set(error) >= {"type", "message", "request_id"}
    if kind is not None:
        assert error["type"] == kind
    return error
