"""pytest plugin: run the whole suite against NeoSQLite through its NX-27017 wire server.

An evaluation aid, not part of the service (docs/performance.md has the outcome):

    .venv/bin/pip install "neosqlite[nx27017]==1.17.2"
    PYTHONPATH=scripts/bench .venv/bin/pytest -p neosqlite_suite -n 2

Each pytest process starts a threaded NX-27017 server on a SQLite file and points
TEST_MONGO_URI at it. The server maps every database name onto the same tables
(and ``dropDatabase`` drops nothing), so each test's collections are dropped after
it. NeoSQLite cannot put ``_id`` inside a compound index (inserts then fail with
"JSON path error near '_id'"), so ``_id`` is taken out of every declared index.
"""

import logging
import os
import socket
import tempfile
import threading
import time

import pymongo
import pytest
from nx_27017.handler import NeoSQLiteHandler
from nx_27017.server import run_server_threaded

import app.indexes

for _name in ("nx_27017", "neosqlite"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

with socket.socket() as _probe:
    _probe.bind(("127.0.0.1", 0))
    PORT = _probe.getsockname()[1]
_handler = NeoSQLiteHandler(os.path.join(tempfile.mkdtemp(), "suite.db"))
threading.Thread(
    target=run_server_threaded, args=("127.0.0.1", PORT, _handler), daemon=True
).start()
time.sleep(0.2)
os.environ["TEST_MONGO_URI"] = f"mongodb://127.0.0.1:{PORT}"

for _models in app.indexes.INDEXES.values():
    _models[:] = [
        pymongo.IndexModel(
            [(k, v) for k, v in m.document["key"].items() if k != "_id"],
            **{k: v for k, v in m.document.items() if k != "key"},
        )
        for m in _models
    ]


@pytest.fixture(autouse=True)
def _drop_collections():
    yield
    client = pymongo.MongoClient(os.environ["TEST_MONGO_URI"])
    database = client["any"]
    for name in database.list_collection_names():
        database.drop_collection(name)
    client.close()
