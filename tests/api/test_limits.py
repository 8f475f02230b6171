"""Fork / duplicate rate limits on the real LibreChat routes: per user and per IP."""

from __future__ import annotations

import pytest

from app import create_app
from app.api.limits import user_key
from app.core import conversations, messages
from app.core.scope import Scope


@pytest.fixture
def forking(app_config):
    return forking_client(app_config)


def forking_client(app_config):
    """An app with low fork limits and one conversation per user to copy."""
    app_config.update(FORK_USER_MAX=3, FORK_IP_MAX=5)
    app = create_app(app_config)
    db = app.extensions["mongo"].db
    sources = {}
    for user in ("alice", "bob", "a", "b", "c", "d", "e", "f"):
        conversation = conversations.create(db, Scope.for_user(user), title="source")
        messages.append(
            db,
            Scope.for_user(user),
            conversation["_id"],
            messages.NewMessage(role="user", text="hello"),
        )
        sources[user] = conversation["_id"]
    client = app.test_client()
    client.sources = sources
    return client


def copy(client, auth, user, route="duplicate"):
    body = {"conversationId": client.sources[user]}
    return client.post(f"/api/convos/{route}", json=body, headers=auth(user))


def test_fork_user_limit_counts_fork_and_duplicate_together(forking, auth):
    assert copy(forking, auth, "alice").status_code == 201
    assert copy(forking, auth, "alice").status_code == 201
    fork_body = {"conversationId": forking.sources["alice"], "messageId": "missing"}
    assert (
        forking.post("/api/convos/fork", json=fork_body, headers=auth("alice")).status_code == 404
    )  # counted, then refused
    refused = copy(forking, auth, "alice")
    assert refused.status_code == 429
    assert refused.json == {"error": "Too many fork or duplicate requests, try again later"}
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert copy(forking, auth, "bob").status_code == 201


def test_refused_copies_change_nothing(forking, auth):
    for _ in range(3):
        copy(forking, auth, "alice")
    assert copy(forking, auth, "alice").status_code == 429
    listing = forking.get("/api/convos?limit=100", headers=auth("alice")).json
    assert len(listing["conversations"]) == 1 + 3


def test_fork_ip_limit_spans_users(forking, auth):
    statuses = [copy(forking, auth, user).status_code for user in ("a", "b", "c", "d", "e", "f")]
    assert statuses == [201] * 5 + [429]


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


def copy_from(client, auth, user, ip):
    body = {"conversationId": client.sources[user]}
    return client.post(
        "/api/convos/duplicate",
        json=body,
        headers=auth(user),
        environ_base={"REMOTE_ADDR": ip},
    )


def test_a_request_refused_per_ip_spends_no_user_quota(forking, auth):
    for user in ("a", "b", "c", "d", "e"):
        assert copy_from(forking, auth, user, "10.0.0.1").status_code == 201
    for _ in range(3):
        assert copy_from(forking, auth, "alice", "10.0.0.1").status_code == 429
    statuses = [copy_from(forking, auth, "alice", "10.0.0.2").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]  # alice's whole quota (3) was still there


def test_a_request_refused_per_user_spends_no_ip_quota(forking, auth):
    for _ in range(3):
        assert copy_from(forking, auth, "alice", "10.0.0.1").status_code == 201
    for _ in range(3):
        assert copy_from(forking, auth, "alice", "10.0.0.1").status_code == 429
    statuses = [copy_from(forking, auth, user, "10.0.0.1").status_code for user in "abc"]
    assert statuses == [201, 201, 429]  # 3 + 2 = the IP's 5


def test_only_refusals_carry_retry_after(forking, auth):
    allowed = copy(forking, auth, "alice")
    assert allowed.status_code == 201
    assert "Retry-After" not in allowed.headers
    assert allowed.headers["X-RateLimit-Remaining"] == "2"
    for _ in range(2):
        copy(forking, auth, "alice")
    refused = copy(forking, auth, "alice")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def copy_forwarded_for(client, auth, user, forwarded_for):
    body = {"conversationId": client.sources[user]}
    headers = {**auth(user), "X-Forwarded-For": forwarded_for}
    return client.post("/api/convos/duplicate", json=body, headers=headers)


def test_behind_a_proxy_the_ip_limit_counts_the_forwarded_client(app_config, auth):
    app_config["FORWARDED_PROXIES"] = 1
    client = forking_client(app_config)
    users = ("a", "b", "c", "d", "e", "f")
    statuses = [copy_forwarded_for(client, auth, u, f"203.0.113.{i}") for i, u in enumerate(users)]
    assert [response.status_code for response in statuses] == [201] * 6


def test_without_a_proxy_forwarded_for_is_not_trusted(forking, auth):
    users = ("a", "b", "c", "d", "e", "f")
    statuses = [copy_forwarded_for(forking, auth, u, f"203.0.113.{i}") for i, u in enumerate(users)]
    assert [response.status_code for response in statuses] == [201] * 5 + [429]
