"""Shared fixtures: an app on a fresh database per test, a client, and tokens.

Building an app is the slow part of an HTTP test, so tests share one: the app built
for a configuration serves every following test with the same ``app_config``, each
on its own fresh database, with its settings restored and its rate-limit counters
reset. A test that changes ``app_config`` gets an app of its own, and so does the
test after any other app was built (an app binds process-wide extensions). A test
that changes the app itself (routes, hooks, per-app state such as the store breaker)
is marked ``own_app``: it gets a new app, used by no other test.

Every test client checks each response against the app's OpenAPI document
(``tests/contract/responses.py``), so every scenario is a contract test too.

Set ``TEST_MONGO_URI=mongodb://…`` to run the whole suite against a real
server; each test then gets its own database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest
from flask import Flask

from app import create_app
from app.core import background
from app.core.scope import Scope
from app.core.services import Services
from app.db import connect
from app.extensions import api, limiter, mongo
from app.indexes import ensure_indexes
from tests import llm_server
from tests.contract.responses import ValidatingClient

pytest_plugins = ["tests.shapes.plugin"]

TEST_MONGO_URI = os.environ.get("TEST_MONGO_URI", "mongomock://tests")
TEST_SECRET = "test-secret-of-at-least-thirty-two-bytes!"


@pytest.fixture(scope="session", autouse=True)
def responses_match_the_document():
    """Every app's test client validates each response against the OpenAPI document."""
    plain, Flask.test_client_class = Flask.test_client_class, ValidatingClient
    yield
    Flask.test_client_class = plain


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


class SharedApp:
    """The last app built for a configuration, handed to each test on a fresh database."""

    def __init__(self):
        self.app, self.key, self.spec = None, None, None

    def for_test(self, config: dict, own: bool = False):
        """An app for ``config``, using the database ``config["MONGO_DB"]`` (indexed)."""
        key = repr(sorted((name, value) for name, value in config.items() if name != "MONGO_DB"))
        if not own and self.app is not None and key == self.key and api.spec is self.spec:
            self._use_database(config["MONGO_DB"])
            limiter.reset()
            return self.app
        self.close()
        self.app, self.key = create_app(config), None if own else key
        mongo.ensure_indexes(self.app)  # a real server's are declared when serving, not built
        self.spec = api.spec  # replaced whenever any app is built
        return self.app

    def _use_database(self, name: str) -> None:
        store = self.app.extensions["mongo"]
        self.app.extensions["mongo"] = replace(store, db=store.client[name], indexes_ready=False)
        mongo.ensure_indexes(self.app)

    def close(self) -> None:
        if self.app is not None:
            self.app.extensions["mongo"].client.close()
            self.app = None


@pytest.fixture(scope="session")
def shared_app():
    shared = SharedApp()
    yield shared
    shared.close()


@pytest.fixture
def app(request, app_config, shared_app):
    application = shared_app.for_test(app_config, own="own_app" in request.keywords)
    settings = dict(application.config)
    yield application
    application.config.clear()
    application.config.update(settings)
    application.extensions["mongo"].client.drop_database(app_config["MONGO_DB"])


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
def services():
    """Core services without an LLM that run background work inline (nothing left behind)."""
    return Services(run_in_background=background.run_inline)


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
