"""The types of what the core reads and writes: the database handle every service takes.

``Db`` is a pymongo ``Database`` whose documents are plain dicts; the embedded store
(mongomock) answers the same calls, so the one annotation serves both.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from pymongo.collection import Collection
from pymongo.database import Database

Document: TypeAlias = dict[str, Any]
Db: TypeAlias = Database[Document]
DocumentCollection: TypeAlias = Collection[Document]
