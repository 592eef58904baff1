"""The apps depend on each other one way (README, "How it is built"): a lower app never imports a
higher one, and the page cache imports none of ours. Read from the source with `ast`, so an import
inside a function counts too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. `coachdesk` (settings, commands, the demo) sits above them all.
CHAIN = [
    "accounts",
    "clients",
    "interviews",
    "goals",
    "inbound",
    "reminders",
    "practices",
    "dashboard",
]
OURS = {"pagecache", *CHAIN, "coachdesk"}
# The project package's own modules the apps may use: the readiness heartbeat the sweep records,
# the template tags every template loads, the request-size limit the CSV upload reads. Nothing
# else of it (not the demo, the commands or the settings' choices).
PROJECT_MODULES_ANY_APP_MAY_USE = {
    "coachdesk.readiness",
    "coachdesk.templatetags",
    "coachdesk.middleware",
}


def imported_modules(app: str, root: Path = ROOT):
    for path in (root / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module


def higher_than(app: str) -> set[str]:
    return set(CHAIN[CHAIN.index(app) + 1 :]) | {"coachdesk"}


@pytest.mark.parametrize("app", CHAIN)
def test_an_app_imports_no_app_above_it(app):
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in imported_modules(app)
        if module.split(".")[0] in higher_than(app)
        and not any(module.startswith(allowed) for allowed in PROJECT_MODULES_ANY_APP_MAY_USE)
    ]
    assert wrong == []


def test_the_page_cache_imports_nothing_of_ours():
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in imported_modules("pagecache")
        if module.split(".")[0] in OURS - {"pagecache"}
    ]
    assert wrong == []


def test_the_check_sees_an_upward_import_inside_a_function(tmp_path):
    """The positive control: a lower module importing a higher one is found."""
    app = tmp_path / "clients"
    app.mkdir()
    (app / "bad.py").write_text("def f():\n    from dashboard import views\n")

    found = [module for _, module in imported_modules("clients", root=tmp_path)]

    assert found == ["dashboard"]
    assert "dashboard" in higher_than("clients")
