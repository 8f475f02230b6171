"""The embedded store's data on disk: snapshots restored whole, one owner, atomic saves."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from app.config import Config
from app.db import connect
from app.embedded import DataFile, SnapshotDamaged, StoreBusy


def fresh_db(name="colloquy"):
    return connect("mongomock://localhost")[name]


@pytest.fixture
def opened(tmp_path):
    """Open data files on ``tmp_path`` and close whatever is still open afterwards."""
    files: list[DataFile] = []

    def open_(db=None, interval=60.0):
        data = DataFile.open(db if db is not None else fresh_db(), tmp_path, interval=interval)
        files.append(data)
        return data

    yield open_
    for data in files:
        data.close()


def test_a_snapshot_brings_back_every_document_with_its_types(opened):
    first = opened()
    stamp = datetime(2024, 5, 1, 12, 30, 1, 123000)
    first.db.conversations.insert_one(
        {"_id": "c1", "created_at": stamp, "big": 2**40, "ratio": 0.5, "nested": {"a": [1, None]}}
    )
    first.db.messages.insert_many([{"_id": f"m{i}", "seq": i} for i in range(3)])
    first.close()

    second = opened()
    assert second.existed
    assert second.restored == {"conversations": 1, "messages": 3}
    assert second.db.conversations.find_one({"_id": "c1"}) == {
        "_id": "c1",
        "created_at": stamp,
        "big": 2**40,
        "ratio": 0.5,
        "nested": {"a": [1, None]},
    }
    assert [m["seq"] for m in second.db.messages.find().sort("seq", 1)] == [0, 1, 2]


def test_a_new_directory_starts_empty_and_says_so(opened, tmp_path):
    data = opened()
    assert (data.existed, data.restored) == (False, {})
    assert data.path == tmp_path.resolve() / "colloquy.bson"


def test_one_process_owns_the_directory(opened):
    opened()
    with pytest.raises(StoreBusy, match="in use by process"):
        opened()


def test_closing_releases_the_directory_and_saves_the_last_writes(opened):
    first = opened()
    first.db.tags.insert_one({"_id": "t", "tag": "x"})
    first.close()
    assert not first.path.with_name(first.path.name + ".tmp").exists()
    assert opened().db.tags.count_documents({}) == 1


def test_writes_are_saved_in_the_background(opened):
    data = opened(interval=0.05)
    data.db.tags.insert_one({"_id": "t", "tag": "x"})
    for _ in range(200):  # a poll, not a timing assertion
        if data.path.exists() and not data.unsaved:
            break
        time.sleep(0.05)
    assert data.path.exists() and not data.unsaved


def test_a_damaged_snapshot_stops_the_start_instead_of_starting_empty(opened, tmp_path):
    data = opened()
    data.db.tags.insert_one({"_id": "t", "tag": "x"})
    data.close()
    data.path.write_bytes(data.path.read_bytes()[:-10])
    with pytest.raises(SnapshotDamaged, match="move it away"):
        opened()
    assert (tmp_path / "colloquy.bson").exists()  # left as it was, for the user to look at


def test_a_file_that_is_not_a_snapshot_is_refused(opened, tmp_path):
    (tmp_path / "colloquy.bson").write_bytes(b"not bson at all")
    with pytest.raises(SnapshotDamaged):
        opened()


def test_a_damaged_snapshot_leaves_the_directory_free(opened, tmp_path):
    (tmp_path / "colloquy.bson").write_bytes(b"junk")
    with pytest.raises(SnapshotDamaged):
        opened()
    (tmp_path / "colloquy.bson").unlink()
    assert opened().restored == {}


def test_where_the_data_lives():
    assert Config.load(env={}).data_dir == "data"
    assert Config.load(env={"DATA_DIR": "/srv/colloquy"}).data_dir == "/srv/colloquy"
    assert Config.load(env={"DATA_DIR": ":memory:"}).data_dir is None
    assert Config.load({"TESTING": True}, env={}).data_dir is None
    real = {"MONGO_URI": "mongodb://db", "JWT_SECRET_KEY": "s" * 40, "DATA_DIR": "/srv"}
    assert Config.load(env=real).data_dir is None
