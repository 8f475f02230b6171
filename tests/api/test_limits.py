"""Fork / duplicate rate limits, on a test-only route (the fork routes are another issue)."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from app import create_app
from app.api.auth import require_auth
from app.api.limits import fork_limits, user_key


@fork_limits  # decorated once, at import, as real views are
def fake_fork():
    return jsonify({"forked": True})


@pytest.fixture
def forking(app_config):
    """An app with a stand-in fork route under /api, limited like the real one will be."""
    app_config.update(FORK_USER_MAX=3, FORK_IP_MAX=5)
    app = create_app(app_config)
    blueprint = require_auth(Blueprint("fake_fork", __name__))
    blueprint.add_url_rule("/api/test-only/fork", view_func=fake_fork, methods=["POST"])
    app.register_blueprint(blueprint)
    return app.test_client()


def test_fork_user_limit(forking, auth):
    for _ in range(3):
        assert forking.post("/api/test-only/fork", headers=auth("alice")).status_code == 200
    refused = forking.post("/api/test-only/fork", headers=auth("alice"))
    assert refused.status_code == 429
    assert refused.json == {"error": "Too many fork or duplicate requests, try again later"}
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert forking.post("/api/test-only/fork", headers=auth("bob")).status_code == 200


def test_fork_ip_limit_spans_users(forking, auth):
    statuses = [
        forking.post("/api/test-only/fork", headers=auth(user)).status_code
        for user in ("a", "b", "c", "d", "e", "f")
    ]
    assert statuses == [200] * 5 + [429]


def test_default_fork_limits_are_librechats(app):
    config = app.config
    assert (config["FORK_IP_MAX"], config["FORK_IP_WINDOW"]) == (30, 1)
    assert (config["FORK_USER_MAX"], config["FORK_USER_WINDOW"]) == (7, 1)
    assert (config["IMPORT_IP_MAX"], config["IMPORT_IP_WINDOW"]) == (100, 15)
    assert (config["IMPORT_USER_MAX"], config["IMPORT_USER_WINDOW"]) == (50, 15)


def test_user_key_falls_back_to_the_ip_without_a_valid_token(app, auth):
    with app.test_request_context(headers={"Authorization": "Bearer nonsense"}):
        assert user_key().startswith("ip:")
    with app.test_request_context(headers=auth("alice", workspace="acme")):
        assert user_key() == "user:acme:alice"
