"""The commands: create-token, seed, import, export.

The same commands answer as ``colloquy …`` (the console script, :func:`main`) and as
``flask --app wsgi …``: both build the app the way the server does, from the
environment and a ``.env`` file, but only the server seeds demo data and prints the
start-up banner (``app.startup``). A store that cannot be reached, or embedded data
another process owns, stops a data command with one line and a non-zero exit.
"""

from __future__ import annotations

import functools

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from pymongo.errors import ConnectionFailure, PyMongoError
from tqdm import tqdm

from .api.auth import mint_token
from .config import redact
from .core import demo, exports, importers
from .core.errors import DomainError
from .core.scope import DEFAULT_WORKSPACE, Scope
from .embedded import StoreBusy
from .extensions import mongo


def on_the_store(command):
    """A data command: refuse in one line if another process owns the embedded data or
    the store cannot be reached, and save the embedded data (saying where) when done."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            saved = mongo.save()
        except StoreBusy as exc:
            raise click.ClickException(f"nothing done: {exc}") from exc
        except PyMongoError as exc:
            raise click.ClickException(f"nothing done: {_store_failure(exc)}") from exc
        if saved:
            click.echo(f"embedded store saved to {saved}")
        return result

    return run


def _store_failure(error: PyMongoError) -> str:
    uri = redact(current_app.config["MONGO_URI"])
    if isinstance(error, ConnectionFailure):
        return f"the store at {uri} cannot be reached ({type(error).__name__})"
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"the store at {uri} refused the operation: {reason}"


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


def main() -> None:
    """The ``colloquy`` console script: the app's commands, as ``flask --app wsgi`` runs them."""
    from . import create_app

    group = FlaskGroup(
        name="colloquy",
        create_app=create_app,
        add_default_commands=False,
        add_version_option=False,
        help="Colloquy's commands (settings from the environment and a .env file).",
    )
    group.params = [p for p in group.params if p.name not in ("app", "debug")]  # one app here
    group.main(prog_name="colloquy")
