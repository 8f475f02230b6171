"""What only the server's start does: seed demo data, say where the data is, print the banner."""

from __future__ import annotations

import io
import re

import jwt as pyjwt
import pytest

from app import create_app
from app.config import Config
from app.extensions import mongo
from app.startup import banner, on_server_start

URL = "http://0.0.0.0:8123"  # as gunicorn names a socket bound to every address


@pytest.fixture
def start(tmp_path):
    """An embedded app on ``tmp_path/data`` that seeds demo data (when its server starts)."""
    started = []

    def build():
        settings = {"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "SEED_DEMO_DATA": True}
        app = create_app({"MONGO_URI": "mongomock://localhost", **settings})
        started.append(app)
        return app

    yield build
    for app in started:
        mongo.close(app)


def conversations(app) -> int:
    return app.extensions["mongo"].db.conversations.count_documents({})


def started(app, first=True) -> str:
    stream = io.StringIO()
    on_server_start(app, URL, first=first, stream=stream)
    return stream.getvalue()


def test_building_the_app_seeds_nothing_and_prints_nothing(start, capsys):
    app = start()
    assert conversations(app) == 0
    assert capsys.readouterr() == ("", "")


def test_the_first_start_seeds_and_the_banner_has_a_working_curl(start):
    app = start()
    printed = started(app)
    seeded = conversations(app)
    assert seeded > 0
    assert "Seeded" in printed and "data in" in printed
    assert "API docs (Swagger UI) at http://127.0.0.1:8123/docs" in printed
    curl = re.search(r'curl -H "Authorization: Bearer (\S+)" "(\S+)"', printed)
    assert curl and curl[2] == "http://127.0.0.1:8123/v1/conversations?limit=5"
    response = app.test_client().get(curl[2], headers={"Authorization": f"Bearer {curl[1]}"})
    assert response.status_code == 200 and response.json["data"]

    mongo.close(app)
    again = start()
    assert "Seeded" not in started(again)  # the data directory holds data: no second seed
    assert conversations(again) == seeded


def test_later_workers_print_no_banner(start):
    assert "Colloquy is up" not in started(start(), first=False)


def banner_for(app, **env) -> str:
    with app.app_context():
        return banner(Config.load(env=env), "http://127.0.0.1:8000")


def test_a_real_store_banner_names_the_command_not_a_token(app):
    printed = banner_for(app, MONGO_URI="mongodb://db", JWT_SECRET_KEY="k" * 40)
    assert "colloquy create-token" in printed
    assert 'Bearer $TOKEN" "http://127.0.0.1:8000/v1/conversations?limit=5"' in printed
    assert not re.search(r"eyJ\w+\.", printed)


def test_an_identity_providers_banner_mints_nothing(app):
    printed = banner_for(app, JWT_JWKS_URL="https://idp/jwks")
    assert "identity provider" in printed and "create-token" not in printed


def test_minted_banner_tokens_are_signed_with_the_apps_secret(app):
    printed = banner_for(app)
    token = re.search(r"Bearer (eyJ\S+)\"", printed)[1]
    claims = pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["sub"] == "alice"
