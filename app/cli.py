"""``flask`` commands: create-token, seed."""

from __future__ import annotations

import sys

import click
from flask import Flask
from tqdm import tqdm

from .api.auth import mint_token
from .core import demo
from .extensions import mongo


def seed_demo_and_announce(db, stream=sys.stderr) -> demo.DemoSummary:
    """Seed the demo data with a progress bar and print ready-to-paste tokens."""
    summary = demo.seed(
        db, progress=lambda items: tqdm(items, desc="seeding demo data", unit="conv", file=stream)
    )
    user, admin = demo.DEMO_USERS[0], demo.DEMO_ADMIN
    print(
        f"\nSeeded {summary.conversations} conversations ({summary.messages} messages) "
        f"for {', '.join(demo.DEMO_USERS)}.\n"
        f"Token for {user} (paste into Swagger UI's Authorize):\n  {mint_token(user)}\n"
        f"Admin token:\n  {mint_token(admin, role='admin')}\n",
        file=stream,
        flush=True,
    )
    return summary


def register(app: Flask) -> None:
    """Attach the commands to ``app``'s CLI."""

    @app.cli.command("create-token")
    @click.argument("user_id")
    @click.option("--workspace", default="default", show_default=True)
    @click.option("--role", type=click.Choice(["user", "admin"]), default="user", show_default=True)
    @click.option("--hours", type=float, default=24, show_default=True)
    def create_token(user_id, workspace, role, hours):
        """Mint a bearer token for USER_ID (development and scripts)."""
        click.echo(mint_token(user_id, workspace=workspace, role=role, hours=hours))

    @app.cli.command("seed")
    @click.option(
        "--per-user", type=int, default=16, show_default=True, help="Conversations per demo user."
    )
    def seed(per_user):
        """Replace the demo users' data with fresh demo conversations."""
        mongo.ensure_indexes()
        summary = demo.seed(
            mongo.db,
            conversations_per_user=per_user,
            progress=lambda items: tqdm(items, desc="seeding", unit="conv"),
        )
        click.echo(f"seeded {summary.conversations} conversations, {summary.messages} messages")
