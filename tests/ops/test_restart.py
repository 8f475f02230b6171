"""``make run`` keeps what was imported: stop gunicorn, start it again, the data is there."""

import json
import time
import urllib.request
import uuid
from pathlib import Path

import jwt as pyjwt

from app.embedded_secret import SECRET_FILE
from tests import samples
from tests.ops.server import serve


def token_signed_in(data: Path) -> str:
    """A token for alice signed with the secret the embedded store made in ``data``."""
    secret = (data / SECRET_FILE).read_text().strip()
    return pyjwt.encode({"sub": "alice", "exp": int(time.time()) + 600}, secret, "HS256")


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
    data = tmp_path / "data"
    with serve(tmp_path, DATA_DIR=str(data)) as server:  # leaving the block stops it gracefully
        token = token_signed_in(data)
        assert upload(server.base + "/v1/conversations/import", token, samples.chatgpt_export())
        before = titles(server.base + "/v1/conversations", token)
    assert len(before) == 2
    assert (data / "colloquy.bson").exists()

    with serve(tmp_path, DATA_DIR=str(data)) as server:  # the same secret: the token still works
        assert titles(server.base + "/v1/conversations", token) == before
