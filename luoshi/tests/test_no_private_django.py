"""No product module reaches into Django's private internals: they change without notice
between releases. Model._meta, _default_manager, _base_manager and _state are Django's
documented API and allowed; the ORM's internals below are not. Migrations are left alone
(they run once, against the Django of their day)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", "migrations"}

# Attributes of querysets, queries, compilers and model instances that Django keeps to itself.
PRIVATE_ATTRIBUTES = frozenset({
    "_iterable_class", "_result_cache", "_prefetch_related_lookups", "_prefetch_done", "_fields", "_db",
    "_hints", "_known_related_objects", "_for_write", "_sticky_filter", "_defer_next_filter",
    "_deferred_filter", "_query", "_clone", "_chain", "_filter_or_exclude", "_raw_delete", "_insert",
    "_batched_insert", "_update", "_values", "_combinator_query", "_annotate", "_do_insert", "_do_update",
    "_save_table", "_save_parents", "_prepare_related_fields_for_save", "_get_pk_val", "_set_pk_val",
    "_prefetch_related_objects", "klass_info", "annotation_col_map", "get_compiler", "get_related_populators",
    "get_converters", "apply_converters", "has_composite_fields", "col_count",
})
# Names whose import means using the ORM's machinery rather than its API.
PRIVATE_IMPORTS = frozenset({"get_related_populators", "ModelIterable", "ValuesListIterable", "ValuesIterable",
                             "FlatValuesListIterable", "NamedValuesListIterable", "RelatedPopulator"})
# Attributes of a queryset's `.query` (the sql.Query object, Django's internal) nobody may read.
QUERY_HOLDERS = frozenset({"query"})


def private_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each use of a private Django name in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_ATTRIBUTES:
                found.append((node.lineno, f".{node.attr}"))
            elif isinstance(node.value, ast.Attribute) and node.value.attr in QUERY_HOLDERS:
                found.append((node.lineno, f".query.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            for alias in node.names:
                if alias.name.startswith("_") or alias.name in PRIVATE_IMPORTS:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("django") and any(part.startswith("_") for part in alias.name.split(".")):
                    found.append((node.lineno, f"import {alias.name}"))
    return sorted(found)


def product_modules() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if not SKIPPED_DIRS & set(path.relative_to(PACKAGE).parts)]


def test_the_checker_finds_each_kind_of_private_use():
    """A new occurrence fails: each pattern the rule names is found in a sample."""
    sample = "\n".join([
        "from django.db.models.query import ModelIterable, get_related_populators",
        "from django.db.models.sql import _private",
        "import django.db._internal",
        "kind = queryset._iterable_class",
        "rows = queryset._result_cache",
        "lookups = tasks._prefetch_related_lookups",
        "names = tasks._fields",
        "alias = tasks._db",
        "info = compiler.klass_info",
        "compiler = tasks.query.get_compiler(using='default')",
        "where = tasks.query.where",
    ])
    assert [line for line, _what in private_uses(sample)] == [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


def test_the_checker_allows_djangos_documented_api():
    """Model._meta, the default and base managers, _state and translation's `_` alias pass."""
    sample = "\n".join([
        "from django.utils.translation import gettext as _",
        "table = Task._meta.db_table",
        "rows = model._default_manager.filter(pk=1)",
        "plain = model._base_manager.all()",
        "adding = task._state.adding",
        "print(str(tasks.query))",
        "self._cache = {}",
    ])
    assert private_uses(sample) == []


def test_no_product_module_uses_a_private_django_name():
    modules = product_modules()
    assert any(path.name == "counts.py" for path in modules)  # the walk sees the apps
    found = [f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
             for path in modules for line, what in private_uses(path.read_text(encoding="utf-8"))]
    assert found == []
