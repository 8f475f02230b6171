"""Compare two OpenAPI documents of this service, ignoring tag names.

    python scripts/openapi_diff.py dump before.json      # the current app's document
    python scripts/openapi_diff.py compare before.json after.json

``compare`` prints every other difference (a path into the document and both
values), the tag names of each side, the 401 responses only the second side
documents, and exits 1 when anything but tags and added 401s differs. Used to
show that a refactoring of the HTTP layer leaves the contract unchanged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

METHODS = ("get", "post", "put", "patch", "delete")


def dump(target: str) -> None:
    from app import create_app

    app = create_app(
        {
            "MONGO_URI": "mongomock://openapi",
            "JWT_SECRET_KEY": "x" * 40,
            "TESTING": True,
            "SEED_DEMO_DATA": False,
        }
    )
    document = app.test_client().get("/openapi.json").json
    Path(target).write_text(json.dumps(document, indent=1, sort_keys=True))


def operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def without_tags_and_added_401s(document: dict, other: dict) -> tuple[dict, list[str]]:
    """A copy without tags, and without the 401s ``other`` lacks (listed)."""
    copy = json.loads(json.dumps(document))
    copy.pop("tags", None)
    added = []
    for path, method, operation in operations(copy):
        operation.pop("tags", None)
        before = other["paths"].get(path, {}).get(method, {}).get("responses", {})
        if "401" in operation.get("responses", {}) and "401" not in before:
            operation["responses"].pop("401")
            added.append(f"{method.upper()} {path}")
    return copy, added


def differences(left: object, right: object, where: str = "") -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            found += differences(
                left.get(key, "<absent>"), right.get(key, "<absent>"), f"{where}/{key}"
            )
        return found
    if left != right:
        return [f"{where}: {json.dumps(left)[:200]} != {json.dumps(right)[:200]}"]
    return []


def compare(before_file: str, after_file: str) -> int:
    before = json.loads(Path(before_file).read_text())
    after = json.loads(Path(after_file).read_text())
    for name, document in (("before", before), ("after", after)):
        tags = [t["name"] for t in document.get("tags", [])]
        print(f"{name}: {sum(1 for _ in operations(document))} operations, tags {tags}")
    stripped_before, _ = without_tags_and_added_401s(before, after)
    stripped_after, added = without_tags_and_added_401s(after, before)
    print(f"401 documented only after: {len(added)} {added}")
    found = differences(stripped_before, stripped_after)
    for line in found:
        print(line)
    print(f"other differences: {len(found)}")
    return 1 if found else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"] and len(sys.argv) == 3:
        dump(sys.argv[2])
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
