"""``make run`` keeps what was imported: stop gunicorn, start it again, the data is there."""

import json
import subprocess
import urllib.request
import uuid

from app import create_app
from app.api.auth import mint_token
from tests import samples
from tests.ops.test_gunicorn import free_port, start_gunicorn


def start(data_dir, port) -> subprocess.Popen:
    return start_gunicorn(port, DATA_DIR=str(data_dir), SEED_DEMO_DATA="false")


def stop(process: subprocess.Popen) -> str:
    process.terminate()  # what Ctrl-C on `make run` does: a graceful stop
    _, errors = process.communicate(timeout=30)
    return errors.decode()


def dev_token() -> str:
    app = create_app({"TESTING": True, "DATA_DIR": ":memory:"})  # embedded: the dev secret
    with app.app_context():
        return mint_token("alice")


def upload(url: str, token: str, document) -> int:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="conversations.json"\r\nContent-Type: application/json\r\n\r\n'
        f"{json.dumps(document)}\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def titles(url: str, token: str) -> list[str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return sorted(c["title"] for c in json.load(response)["data"])


def test_imported_conversations_survive_a_restart(tmp_path):
    port, token = free_port(), dev_token()
    base = f"http://127.0.0.1:{port}"
    server = start(tmp_path / "data", port)
    try:
        assert upload(base + "/v1/conversations/import", token, samples.chatgpt_export()) == 201
        before = titles(base + "/v1/conversations", token)
    finally:
        log = stop(server)
    assert len(before) == 2, log
    assert (tmp_path / "data" / "colloquy.bson").exists()

    server = start(tmp_path / "data", port)
    try:
        assert titles(base + "/v1/conversations", token) == before
    finally:
        stop(server)
