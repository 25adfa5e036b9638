"""The shape of the import graph (the README's rules): no cycle between modules, the
extraction engine imports nothing of the apps, and only views import views."""

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", "migrations", "security_tests", "browser_tests", "testing"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if SKIPPED_DIRS & set(parts):
            continue
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def imports_of(path: Path) -> set[str]:
    """Every luoshi module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES}


GRAPH = {name: imports_of(path) for name, path in MODULES.items()}


def test_it_finds_the_modules():
    """The walk sees the apps (a broken walk would pass every rule below)."""
    assert {"luoshi.tasks.services", "luoshi.tasks.views", "luoshi.extraction", "luoshi.api.api"} <= set(MODULES)
    assert "luoshi.tasks.services" in GRAPH["luoshi.tasks.views"]


def test_the_module_graph_has_no_cycle():
    """No module imports, directly or through others, a module that imports it."""
    try:
        tuple(graphlib.TopologicalSorter(GRAPH).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' → '.join(error.args[1])}")


def test_extraction_imports_nothing_of_the_apps():
    """luoshi.extraction is a plain package: it imports only itself (and no Django, see its tests)."""
    for name, imported in GRAPH.items():
        if name.startswith("luoshi.extraction"):
            assert all(m.startswith("luoshi.extraction") for m in imported), (name, imported)


def test_only_views_import_views():
    """Apps import services, not views: the API, services and commands reach rules through services."""
    for name, imported in GRAPH.items():
        leaf = name.rsplit(".", 1)[-1]
        if leaf in {"views", "urls"}:
            continue
        offending = sorted(m for m in imported if m.rsplit(".", 1)[-1] == "views" and m.startswith("luoshi."))
        assert not offending, f"{name} imports {offending}"


def test_no_app_but_web_imports_web():
    """`web` is the top of the layers (the dashboards and the site's frame): the other apps
    take what views share (perform, is_htmx) from luoshi.lib, never from `web`."""
    for name, imported in GRAPH.items():
        if name == "luoshi.web" or name.startswith("luoshi.web."):
            continue
        offending = sorted(m for m in imported if m == "luoshi.web" or m.startswith("luoshi.web."))
        assert not offending, f"{name} imports {offending}"
