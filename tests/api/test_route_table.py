"""``docs/architecture.md``'s route table is complete and true.

Every route the app serves is a row, with the module its view is in; each hop the
row names (``module.function``, at most two) is a call the code makes: the view, or
a helper of its own module, calls the first; the first calls the second.
"""

import re
import types
from pathlib import Path

ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"
ROW = re.compile(
    r"^\| `(?P<method>[A-Z]+) (?P<path>\S+)` \| `(?P<view>[\w/]+\.py)` \| (?P<logic>.*) \|$"
)
HOP = re.compile(r"`([\w/]+)\.(\w+)`")


def documented() -> dict:
    rows = (ROW.match(line) for line in ARCHITECTURE.read_text().splitlines())
    return {(row["method"], row["path"]): row for row in rows if row}


def unwrap(function):
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return function


def served(app) -> dict:
    routes = {}
    for rule in app.url_map.iter_rules():
        view = unwrap(app.view_functions[rule.endpoint])
        if view.__module__.startswith("app."):  # not flask-smorest's /openapi.json and /docs
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes[(method, path)] = view
    return routes


def names_used(function) -> set[str]:
    """Names the function's code uses, and those of its own module's helpers it calls."""
    names = set(function.__code__.co_names)
    for name in list(names):
        helper = function.__globals__.get(name)
        if isinstance(helper, types.FunctionType) and helper.__module__ == function.__module__:
            names |= set(helper.__code__.co_names)
    return names


def callee(caller, module: str, function: str):
    """The function ``module.function`` as ``caller`` reaches it: an attribute of the
    module it imported (perhaps re-exported there), or a function it imported directly."""
    named = caller.__globals__.get(module.rsplit("/", 1)[-1])
    if isinstance(named, types.ModuleType):
        expected = "app." + module.replace("/", ".") if module.startswith("api/") else module
        assert named.__name__ in (expected, f"app.core.{expected}"), (named.__name__, module)
        target = getattr(named, function, None)
    else:
        target = caller.__globals__.get(function)
        expected = "app." + module.replace("/", ".")
        assert target is not None and target.__module__ == expected, (module, function)
    assert target is not None, f"{caller.__qualname__} reaches no {module}.{function}"
    return unwrap(target)


def test_every_route_is_a_row_with_its_view_module(app):
    rows, routes = documented(), served(app)
    assert set(rows) == set(routes), {
        "served, not in the table": set(routes) - set(rows),
        "in the table, not served": set(rows) - set(routes),
    }
    for key, view in routes.items():
        module = view.__module__.removeprefix("app.api.").replace(".", "/") + ".py"
        assert rows[key]["view"] == module, key


def test_each_hop_is_a_call_the_code_makes(app):
    rows = documented()
    for key, view in served(app).items():
        hops = HOP.findall(rows[key]["logic"].split(" (")[0])
        assert len(hops) <= 2, key
        caller = view
        for module, function in hops:
            assert function in names_used(caller), (key, module, function)
            caller = callee(caller, module, function)
        if hops:
            assert caller.__module__.startswith("app.core."), key
