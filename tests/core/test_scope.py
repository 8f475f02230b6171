"""Scope: who is asking, what their queries are confined to, and who may narrow to whom."""

import dataclasses

import pytest

from app.core.errors import Forbidden
from app.core.scope import DEFAULT_WORKSPACE, Scope


def test_a_user_scope_sees_only_their_own_data():
    scope = Scope.for_user("alice")
    assert (scope.workspace_id, scope.actor_id, scope.user_id) == (
        DEFAULT_WORKSPACE,
        "alice",
        "alice",
    )
    assert scope.role == "user" and scope.is_admin is False
    assert scope.query() == {"workspace_id": "default", "user_id": "alice"}


def test_an_admin_scope_sees_the_whole_workspace():
    scope = Scope.for_admin("root", "acme")
    assert (scope.role, scope.is_admin, scope.user_id) == ("admin", True, None)
    assert scope.query() == {"workspace_id": "acme"}


def test_a_user_may_narrow_to_themselves_only():
    alice = Scope.for_user("alice", "acme")
    assert alice.narrowed_to("alice") == alice
    with pytest.raises(Forbidden):
        alice.narrowed_to("bob")


def test_an_admin_narrowed_to_a_user_queries_that_user():
    narrowed = Scope.for_admin("root").narrowed_to("bob")
    assert (narrowed.actor_id, narrowed.user_id, narrowed.is_admin) == ("root", "bob", True)
    assert narrowed.query() == {"workspace_id": "default", "user_id": "bob"}


def test_query_is_a_fresh_dict_each_time():
    scope = Scope.for_user("alice")
    scope.query()["user_id"] = "mallory"
    assert scope.query()["user_id"] == "alice"


def test_scopes_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Scope.for_user("alice").user_id = None


def test_owner_is_the_narrowed_user_else_the_actor():
    admin = Scope.for_admin("root")
    assert admin.owner_id == "root"
    assert admin.narrowed_to("alice").owner_id == "alice"
    assert Scope.for_user("bob").owner_id == "bob"
