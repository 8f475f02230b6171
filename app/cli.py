"""``flask`` commands: create-token, seed, import, export."""

from __future__ import annotations

import functools
import sys

import click
from flask import Flask
from tqdm import tqdm

from .api.auth import mint_token
from .core import demo, exports, importers
from .core.errors import DomainError
from .core.scope import DEFAULT_WORKSPACE, Scope
from .embedded import SAVE_INTERVAL_SECONDS, DataFile, StoreBusy
from .extensions import mongo


def announce_embedded_store(files: DataFile | None, stream=sys.stderr) -> None:
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


def seed_demo_and_announce(db, stream=sys.stderr, seed: bool = True) -> demo.DemoSummary | None:
    """Seed the demo data (unless ``seed`` is false) and print ready-to-paste tokens."""
    summary = None
    if seed:
        summary = demo.seed(
            db,
            progress=lambda items: tqdm(items, desc="seeding demo data", unit="conv", file=stream),
        )
        done = f"Seeded {summary.conversations} conversations ({summary.messages} messages)"
    else:
        done = "Demo data was seeded on the first start (`flask seed` seeds it afresh)"
    user, admin = demo.DEMO_USERS[0], demo.DEMO_ADMIN
    print(
        f"\n{done} for {', '.join(demo.DEMO_USERS)}.\n"
        f"Token for {user} (paste into Swagger UI's Authorize):\n  {mint_token(user)}\n"
        f"Admin token:\n  {mint_token(admin, role='admin')}\n",
        file=stream,
        flush=True,
    )
    return summary


def on_the_store(command):
    """A data command: refuse clearly if another process owns the embedded data, and save
    the embedded data (saying where) when the command is done."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            saved = mongo.save()
        except StoreBusy as exc:
            raise click.ClickException(f"nothing done: {exc}") from exc
        if saved:
            click.echo(f"embedded store saved to {saved}")
        return result

    return run


def import_path(
    db, scope: Scope, path: str, duplicates: bool, max_bytes: int, strict: bool = False
):
    """Import a file from disk with one progress bar over the bytes the import parses."""
    with open(path, "rb") as raw, tqdm(unit="B", unit_scale=True, desc="importing") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        limits = importers.Limits(max_file_bytes=max_bytes)
        return importers.import_file(
            db,
            scope,
            raw,
            duplicates=duplicates,
            strict=strict,
            limits=limits,
            progress=progress,
        )


def export_path(db, scope: Scope, path: str, fmt: str) -> int:
    """Write the scope's user's export to ``path`` with a progress bar over conversations."""
    total = exports.count_conversations(db, scope)
    progress = lambda items: tqdm(items, total=total, desc="exporting", unit="conv")  # noqa: E731
    chunks = exports.stream_user_export(db, scope, scope.user_id, fmt, progress=progress)
    with open(path, "w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(chunk)
    return total


def register(app: Flask) -> None:
    """Attach the commands to ``app``'s CLI."""

    @app.cli.command("create-token")
    @click.argument("user_id")
    @click.option("--workspace", default="default", show_default=True)
    @click.option("--role", type=click.Choice(["user", "admin"]), default="user", show_default=True)
    @click.option("--hours", type=float, default=24, show_default=True)
    def create_token(user_id, workspace, role, hours):
        """Mint a bearer token for USER_ID (development and scripts)."""
        try:
            click.echo(mint_token(user_id, workspace=workspace, role=role, hours=hours))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--hours") from exc

    @app.cli.command("seed")
    @click.option(
        "--per-user", type=int, default=16, show_default=True, help="Conversations per demo user."
    )
    @on_the_store
    def seed(per_user):
        """Replace the demo users' data with fresh demo conversations."""
        mongo.ensure_indexes()
        summary = demo.seed(
            mongo.db,
            conversations_per_user=per_user,
            progress=lambda items: tqdm(items, desc="seeding", unit="conv"),
        )
        click.echo(f"seeded {summary.conversations} conversations, {summary.messages} messages")

    @app.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--user", "user_id", required=True, help="Who the conversations belong to.")
    @click.option("--workspace", default=DEFAULT_WORKSPACE, show_default=True)
    @click.option("--duplicates", is_flag=True, help="Import conversations imported before.")
    @click.option("--strict", is_flag=True, help="One malformed conversation fails the file.")
    @on_the_store
    def import_command(path, user_id, workspace, duplicates, strict):
        """Import an export file (LibreChat, ChatGPT JSON/ZIP, Claude, Open WebUI,
        chatbot-ui, Colloquy)."""
        mongo.ensure_indexes()
        scope = Scope.for_user(user_id, workspace)
        max_bytes = app.config["CONVERSATION_IMPORT_MAX_FILE_SIZE_BYTES"]
        try:
            report = import_path(mongo.db, scope, path, duplicates, max_bytes, strict)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(
            f"imported {report.conversations} conversations, {report.messages} messages "
            f"({', '.join(report.formats) or 'nothing'}); skipped {report.skipped} "
            f"imported before; rejected {len(report.rejected)}; batch {report.batch_id}"
        )
        for rejected in report.rejected:
            click.echo(f"rejected: {rejected.reason}", err=True)

    @app.cli.command("export")
    @click.option("--user", "user_id", required=True, help="Whose data to export.")
    @click.option("--out", "path", required=True, type=click.Path(dir_okay=False))
    @click.option("--workspace", default=DEFAULT_WORKSPACE, show_default=True)
    @click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="json")
    @on_the_store
    def export_command(user_id, path, workspace, fmt):
        """Export every conversation, message, summary and tag of a user to a file."""
        total = export_path(mongo.db, Scope.for_user(user_id, workspace), path, fmt)
        click.echo(f"exported {total} conversations of {user_id} to {path}")
