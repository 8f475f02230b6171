"""What the server does when it starts, and only then (never for a CLI command).

gunicorn calls :func:`on_server_start` in each worker once the app is loaded
(``post_worker_init`` in ``gunicorn.conf.py``): the store's indexes are declared (or
deferred to ``/readyz`` when it does not answer), the embedded store says where its data
lives, demo data is seeded when asked (on the embedded store: into a new data directory
only), and the first worker prints the banner: the docs URL and a ready-to-paste
``curl`` with a freshly minted token on the embedded store, the command that mints one
elsewhere (tokens do not belong in a production log).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from flask import Flask
from pymongo.errors import PyMongoError
from tqdm import tqdm

from .api.auth import mint_token
from .config import Config
from .core import demo
from .embedded import SAVE_INTERVAL_SECONDS, DataFile, StoreBusy
from .extensions import mongo

log = logging.getLogger(__name__)

TRY_PATH = "/v1/conversations?limit=5"
MINT_COMMAND = "colloquy create-token <user> [--role admin]"
ANY_ADDRESS = ("0.0.0.0", "[::]")


def on_server_start(app: Flask, url: str, first: bool = True, stream: TextIO = sys.stderr) -> None:
    """Prepare the store and, in the ``first`` worker, print the banner for ``url``."""
    settings: Config = app.config["COLLOQUY_CONFIG"]
    ready = _declare_indexes(app)
    files = mongo.store(app).files if ready else None
    if ready and settings.embedded:
        announce_embedded_store(files, stream)
    if ready and settings.seeds_demo_data:
        fresh = (files is None or not files.existed) if settings.embedded else first
        if fresh:
            with app.app_context():
                seed_demo(mongo.db, stream)
    if first:
        with app.app_context():
            print(banner(settings, _local(url)), file=stream, flush=True)


def _declare_indexes(app: Flask) -> bool:
    try:
        mongo.ensure_indexes(app)
    except StoreBusy as exc:
        log.error("embedded store not opened: %s", exc)
        return False
    except PyMongoError as exc:
        log.warning("store unreachable at start-up, indexes deferred to /readyz: %s", exc)
        return False
    return True


def _local(url: str) -> str:
    """``url`` as this machine can open it (a server bound to every address answers on
    the loopback one)."""
    for address in ANY_ADDRESS:
        url = url.replace(f"//{address}:", "//127.0.0.1:")
    return url.rstrip("/")


def announce_embedded_store(files: DataFile | None, stream: TextIO = sys.stderr) -> None:
    """Say where the embedded store's data lives, or that it lives in memory only."""
    if files is None:
        text = (
            "Embedded store (mongomock) IN MEMORY ONLY (DATA_DIR=:memory:): "
            "everything is lost when this process stops."
        )
    else:
        restored = files.restored
        text = (
            f"Embedded store (mongomock, inside this process): data in {files.path}, saved "
            f"within {SAVE_INTERVAL_SECONDS:g} s of a change and at shutdown; restored "
            f"{restored.get('conversations', 0)} conversations, "
            f"{restored.get('messages', 0)} messages.\n"
            f"Reset: stop the server and delete {files.directory}. Fine for a few thousand "
            "conversations (README: 'The embedded store'); production: MONGO_URI=mongodb://..."
        )
    print(f"\n{text}", file=stream, flush=True)


def seed_demo(db, stream: TextIO = sys.stderr) -> demo.DemoSummary:
    """Seed the demo users' conversations, with a progress bar on ``stream``."""
    summary = demo.seed(
        db, progress=lambda items: tqdm(items, desc="seeding demo data", unit="conv", file=stream)
    )
    print(
        f"Seeded {summary.conversations} conversations ({summary.messages} messages) "
        f"for {', '.join(demo.DEMO_USERS)}.",
        file=stream,
        flush=True,
    )
    return summary


def banner(settings: Config, base: str) -> str:
    """The start-up banner for a server answering at ``base`` (needs an app context)."""
    lines = [f"\nColloquy is up at {base}: API docs (Swagger UI) at {base}/docs"]
    can_mint = not settings.verifies_with_public_keys or bool(settings.JWT_PRIVATE_KEY)
    if settings.embedded and can_mint:
        user, admin = demo.DEMO_USERS[0], demo.DEMO_ADMIN
        lines += [
            f"Try it as {user} (paste the token into the docs page's Authorize, too):",
            f'  curl -H "Authorization: Bearer {mint_token(user)}" "{base}{TRY_PATH}"',
            f"Admin token ({admin}):\n  {mint_token(admin, role='admin')}",
            f"More tokens: {MINT_COMMAND}",
        ]
    elif can_mint:
        lines += [
            f"Mint a token with: {MINT_COMMAND}, then",
            f'  curl -H "Authorization: Bearer $TOKEN" "{base}{TRY_PATH}"',
        ]
    else:
        lines.append("Tokens come from the identity provider (JWT_PUBLIC_KEY / JWT_JWKS_URL).")
    return "\n".join(lines) + "\n"
