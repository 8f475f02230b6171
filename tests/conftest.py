"""Shared fixtures: an app on a fresh database per test, a client, and tokens.

Set ``TEST_MONGO_URI=mongodb://…`` to run the whole suite against a real
server; each test then gets its own database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest

from app import create_app
from app.core.scope import Scope
from app.db import connect, ensure_indexes
from tests import llm_server

pytest_plugins = ["tests.shapes.plugin"]

TEST_MONGO_URI = os.environ.get("TEST_MONGO_URI", "mongomock://tests")
TEST_SECRET = "test-secret-of-at-least-thirty-two-bytes!"


@pytest.fixture
def database_name():
    return f"colloquy_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def db(database_name):
    """A fresh database with every index declared, for core tests (no HTTP)."""
    client = connect(TEST_MONGO_URI)
    database = client[database_name]
    ensure_indexes(database)
    yield database
    client.drop_database(database_name)
    client.close()


@pytest.fixture
def app_config(database_name):
    """Settings for the test app; tests may add to the dict before using ``app``."""
    return {
        "MONGO_URI": TEST_MONGO_URI,
        "MONGO_DB": database_name,
        "JWT_SECRET_KEY": TEST_SECRET,
        "TESTING": True,
        "SEED_DEMO_DATA": False,
    }


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    yield application
    store = application.extensions["mongo"]
    store.client.drop_database(app_config["MONGO_DB"])
    store.client.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_db(app):
    """The database the app uses (to arrange data or check what a request left)."""
    return app.extensions["mongo"].db


@pytest.fixture
def token(app):
    """Mint a token: ``token("bob", role="admin", workspace="acme")``."""
    from app.api.auth import mint_token

    def mint(user_id="alice", workspace="default", role="user", hours=1.0):
        with app.app_context():
            return mint_token(user_id, workspace=workspace, role=role, hours=hours)

    return mint


@pytest.fixture
def auth(token):
    """Authorization headers: ``auth("bob")``."""

    def headers(user_id="alice", **claims):
        return {"Authorization": f"Bearer {token(user_id, **claims)}"}

    return headers


@pytest.fixture
def alice():
    return Scope.for_user("alice")


@pytest.fixture
def bob():
    return Scope.for_user("bob")


@pytest.fixture
def llm_mode():
    """How the fake LLM answers (``ok``, ``slow``, ``error``, ``garbage``, ``empty``).

    Parametrize ``llm_mode`` in a test to change it before anything is built.
    """
    return "ok"


@pytest.fixture
def fake_llm(monkeypatch, llm_mode):
    """A loopback OpenAI-compatible server (tests/llm_server.py) answering in ``llm_mode``."""
    yield from llm_server.serve(monkeypatch, llm_mode)


@pytest.fixture
def llm_timeout(llm_mode):
    """Client timeout: short only when the server is meant to hang."""
    return llm_server.timeout_for(llm_mode)
