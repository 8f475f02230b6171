"""The embedded store signs with a random secret of its own, kept with its data (0600)."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

import jwt as pyjwt
import pytest

from app import create_app
from app.api.auth import mint_token
from app.embedded_secret import SECRET_BYTES, SECRET_FILE, SecretUnreadable, embedded_secret
from app.extensions import mongo


def test_a_secret_is_made_once_per_data_directory_and_kept_private(tmp_path):
    first = embedded_secret(str(tmp_path / "data"))
    path = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= SECRET_BYTES
    assert embedded_secret(str(tmp_path / "data")) == first  # read back, not made again
    assert embedded_secret(str(tmp_path / "other")) != first  # random, never a constant


def test_a_secret_others_could_read_is_made_private_again(tmp_path):
    secret = embedded_secret(str(tmp_path))
    (tmp_path / SECRET_FILE).chmod(0o644)
    assert embedded_secret(str(tmp_path)) == secret
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600


def test_processes_starting_at_once_agree_on_one_secret(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: embedded_secret(str(tmp_path)), range(16)))
    assert len(secrets) == 1
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]  # no drafts left behind


def test_without_a_data_directory_the_secret_lives_in_the_process():
    assert embedded_secret(None) != embedded_secret(None)


def test_an_unusable_secret_file_stops_the_start(tmp_path):
    (tmp_path / SECRET_FILE).write_text("\n")
    with pytest.raises(SecretUnreadable, match=SECRET_FILE):
        embedded_secret(str(tmp_path))


def embedded_app(data_dir, **settings):
    return create_app({"MONGO_URI": "mongomock://localhost", "DATA_DIR": str(data_dir), **settings})


def test_the_cli_mints_tokens_the_running_server_accepts(tmp_path):
    server = embedded_app(tmp_path, TESTING=True)
    command = embedded_app(tmp_path, TESTING=True)  # the store is the server's: only the secret
    try:
        secret = (tmp_path / SECRET_FILE).read_text().strip()
        assert server.config["JWT_SECRET_KEY"] == command.config["JWT_SECRET_KEY"] == secret
        token = command.test_cli_runner().invoke(args=["create-token", "alice"]).output.strip()
        response = server.test_client().get(
            "/v1/conversations", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
    finally:
        mongo.close(command)
        mongo.close(server)


def test_a_configured_secret_wins(tmp_path):
    app = embedded_app(tmp_path, TESTING=True, JWT_SECRET_KEY="k" * 40)
    with app.app_context():
        token = mint_token("alice")
    mongo.close(app)
    assert pyjwt.decode(token, "k" * 40, algorithms=["HS256"])["sub"] == "alice"
    assert not (tmp_path / SECRET_FILE).exists()
