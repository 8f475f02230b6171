"""LibreChat dialect fixtures: data arranged through the core, requests as alice or bob."""

from __future__ import annotations

import pytest

from app.core import appending, conversations, messages
from app.core.scope import Scope
from app.extensions import CoreServices

ALICE = Scope.for_user("alice")
BOB = Scope.for_user("bob")


@pytest.fixture
def app_config(app_config):
    """No real waiting in gen_title: three looks, zero seconds apart."""
    return {**app_config, "TITLE_WAIT_SCHEDULE": "0,0"}


@pytest.fixture
def as_alice(auth):
    return auth("alice")


@pytest.fixture
def as_bob(auth):
    return auth("bob")


@pytest.fixture
def convo(app, app_db):
    """Create a conversation for alice (or ``scope``), with optional turns of text
    appended as the app appends them (titles follow)."""
    services = app.extensions[CoreServices.KEY]

    def make(*turns: str, scope: Scope = ALICE, **options) -> dict:
        created = conversations.create(app_db, scope, **options)
        for index, text in enumerate(turns):
            role = "user" if index % 2 == 0 else "assistant"
            new = messages.NewMessage(role=role, text=text, model="gpt-4o")
            appending.append(app_db, scope, created["_id"], new, services)
        return conversations.get(app_db, scope, created["_id"])

    return make


def assert_librechat_error(response, status: int, message: str | None = None) -> None:
    """A 4xx in LibreChat's shape: ``{"error": msg}`` (``Unauthorized`` + message for 401/403)."""
    assert response.status_code == status, response.json
    body = response.json
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    if status in (401, 403):
        assert body["error"] == "Unauthorized"
        text = body["message"]
    else:
        assert set(body) == {"error"}
        text = body["error"]
    if message is not None:
        assert text == message
