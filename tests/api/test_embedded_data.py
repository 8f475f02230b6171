"""Embedded mode keeps its data across restarts, and a second process never works on a copy."""

from __future__ import annotations

import io
import json

import pytest

from app import create_app
from app.extensions import mongo
from app.startup import on_server_start
from tests import samples
from tests.conftest import TEST_SECRET


@pytest.fixture
def start(tmp_path):
    """Start an app on the embedded store with its data in ``tmp_path`` (a "restart" is
    another call, after ``mongo.close`` of the one before, as at process exit)."""
    started = []

    def start_app(**overrides):
        app = create_app(
            {
                "MONGO_URI": "mongomock://localhost",
                "DATA_DIR": str(tmp_path / "data"),
                "JWT_SECRET_KEY": TEST_SECRET,
                "TESTING": True,
                "SEED_DEMO_DATA": False,
                **overrides,
            }
        )
        started.append(app)
        return app

    yield start_app
    for app in started:
        mongo.close(app)


def headers(app, user="alice"):
    from app.api.auth import mint_token

    with app.app_context():
        return {"Authorization": f"Bearer {mint_token(user)}"}


def import_sample(app):
    upload = {"file": (samples.as_file(samples.chatgpt_export()), "conversations.json")}
    response = app.test_client().post("/v1/conversations/import", data=upload, headers=headers(app))
    assert response.status_code == 201, response.get_json()


def titles(app):
    response = app.test_client().get("/v1/conversations?limit=100", headers=headers(app))
    assert response.status_code == 200, response.get_json()
    return sorted(c["title"] for c in response.get_json()["data"])


def test_imported_data_is_there_after_a_restart(start):
    first = start()
    import_sample(first)
    before = titles(first)
    assert len(before) == 2
    mongo.close(first)

    again = start()
    assert titles(again) == before
    messages = again.extensions["mongo"].db.messages.count_documents({"user_id": "alice"})
    assert messages == 8


def test_demo_data_is_seeded_on_the_first_start_only(start):
    first = start(SEED_DEMO_DATA=True)
    on_server_start(first, "http://127.0.0.1:8000", stream=io.StringIO())
    import_sample(first)
    seeded = len(titles(first))
    mongo.close(first)
    again = start(SEED_DEMO_DATA=True)
    on_server_start(again, "http://127.0.0.1:8000", stream=io.StringIO())
    assert len(titles(again)) == seeded  # imports not replaced by a seed


def test_a_second_app_on_the_same_data_refuses_with_a_reason(start):
    start()
    second = start()
    ready = second.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["store"] == "StoreBusy"
    listed = second.test_client().get("/v1/conversations", headers=headers(second))
    assert listed.status_code == 503


def test_the_cli_refuses_instead_of_working_on_a_copy(start, tmp_path):
    server = start()
    cli_app = start()
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps(samples.chatgpt_export()))
    runner = cli_app.test_cli_runner()

    result = runner.invoke(args=["import", str(source), "--user", "alice"])
    assert result.exit_code != 0
    assert "nothing done" in result.output and "in use by process" in result.output
    exported = runner.invoke(args=["export", "--user", "alice", "--out", str(tmp_path / "a.json")])
    assert exported.exit_code != 0 and "in use by process" in exported.output
    assert titles(server) == []


def test_the_cli_writes_where_the_server_will_read(start, tmp_path):
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps(samples.chatgpt_export()))
    cli_app = start()
    result = cli_app.test_cli_runner().invoke(args=["import", str(source), "--user", "alice"])
    assert result.exit_code == 0, result.output
    assert f"embedded store saved to {tmp_path / 'data' / 'colloquy.bson'}" in result.output
    mongo.close(cli_app)
    assert len(titles(start())) == 2
