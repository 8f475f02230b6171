"""Rules the code keeps as it changes: a module of ``app/`` holds one concept, so it stays
at most ``LINES_MAX`` lines long (split a longer one by concept, as ``schemas/`` packages)."""

from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
LINES_MAX = 300


def test_every_module_of_app_stays_within_the_line_limit():
    lengths = {path: len(path.read_text().splitlines()) for path in sorted(APP.rglob("*.py"))}
    too_long = {str(p.relative_to(APP.parent)): n for p, n in lengths.items() if n > LINES_MAX}
    assert too_long == {}, f"split by concept (at most {LINES_MAX} lines each): {too_long}"
