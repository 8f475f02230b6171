"""``flask import`` and ``flask export``: files on disk, progress bars, clear failures."""

from __future__ import annotations

import json
import re

from tests import samples


def test_import_then_export_then_reimport(app, app_db, tmp_path):
    runner = app.test_cli_runner()
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps(samples.chatgpt_export()))

    imported = runner.invoke(args=["import", str(source), "--user", "alice"])
    assert imported.exit_code == 0, imported.output
    assert "imported 2 conversations, 8 messages (chatgpt); skipped 0" in imported.output

    target = tmp_path / "alice.json"
    exported = runner.invoke(args=["export", "--user", "alice", "--out", str(target)])
    assert exported.exit_code == 0, exported.output
    assert "exported 2 conversations of alice" in exported.output
    document = json.loads(target.read_text())
    assert sum(len(c["messages"]) for c in document["conversations"]) == 8

    again = runner.invoke(args=["import", str(target), "--user", "alice"])
    assert "imported 0 conversations" in again.output
    assert "skipped 2" in again.output
    copies = runner.invoke(args=["import", str(target), "--user", "alice", "--duplicates"])
    assert "imported 2 conversations, 8 messages (colloquy)" in copies.output
    assert app_db.conversations.count_documents({"user_id": "alice"}) == 4


def test_ndjson_export(app, app_db, tmp_path):
    runner = app.test_cli_runner()
    source = tmp_path / "claude.json"
    source.write_text(json.dumps(samples.claude_export()))
    runner.invoke(args=["import", str(source), "--user", "bob", "--workspace", "acme"])
    target = tmp_path / "bob.ndjson"
    options = ["--workspace", "acme", "--out", str(target), "--format", "ndjson"]
    runner.invoke(args=["export", "--user", "bob", *options])
    kinds = [json.loads(line)["type"] for line in target.read_text().splitlines()]
    assert (kinds.count("conversation"), kinds.count("message")) == (2, 6)


def test_a_bad_file_fails_with_its_reason(app, app_db, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("just some notes")
    result = app.test_cli_runner().invoke(args=["import", str(source), "--user", "alice"])
    assert result.exit_code != 0
    assert "neither JSON nor a ZIP" in result.output
    assert app_db.conversations.count_documents({}) == 0


def test_rejected_conversations_are_listed_and_strict_refuses(app, app_db, tmp_path):
    broken = samples.chatgpt_browsing()
    broken["mapping"] = "nope"
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps([samples.chatgpt_coding(), broken]))
    runner = app.test_cli_runner()

    strict = runner.invoke(args=["import", str(source), "--user", "alice", "--strict"])
    assert strict.exit_code != 0
    assert "field 'mapping' must be an object" in strict.output
    assert app_db.conversations.count_documents({}) == 0

    result = runner.invoke(args=["import", str(source), "--user", "alice"])
    assert result.exit_code == 0, result.output
    assert "imported 1 conversations" in result.output
    assert "rejected 1;" in result.output
    assert "rejected: conversation 2 (\"Bird photo\"): field 'mapping'" in result.output


def test_zip_progress_moves_forward_to_100_percent(app, app_db, tmp_path):
    source = tmp_path / "export.zip"
    source.write_bytes(samples.chatgpt_zip())
    result = app.test_cli_runner().invoke(args=["import", str(source), "--user", "alice"])
    assert result.exit_code == 0, result.output
    percents = [int(p) for p in re.findall(r"importing:\s+(\d+)%", result.output)]
    assert percents and percents == sorted(percents)
    assert percents[-1] == 100
