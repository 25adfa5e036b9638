"""The audit trail is kept (at least 180 days; in practice for good): no path in the UI, the
API or the command line deletes or edits an event. These tests read the code itself, so a new
view, endpoint or command that would do it fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.contrib import admin
from django.core.management import get_commands
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

import luoshi
from luoshi.audit.models import AuditEvent, AuditHead

ROOT = Path(luoshi.__file__).parent
# The modules that write the chain: appends (services.py), and the sealer, which fills in each new
# event's seq and MAC once (chain.py).
CHAIN_BOOKKEEPING = ROOT / "audit" / "services.py"
SEALER = ROOT / "audit" / "chain.py"
WRITES = {"delete", "update", "bulk_update", "_raw_delete", "save", "update_or_create"}
AUDIT_NAMES = re.compile(r"\b(AuditEvent|AuditHead|auditevent|audithead)\b")
RAW_SQL = re.compile(r"(DELETE\s+FROM|UPDATE|TRUNCATE|DROP\s+TABLE)\s+\W?audit_audit(event|head)", re.IGNORECASE)


# What a command runs from luoshi/testing (the test-data generator writes real audit events).
COMMAND_CODE = {ROOT / "testing" / "generate.py", *(ROOT / "testing" / "management").rglob("*.py")}


def _production_sources() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if "tests" not in path.parts and "migrations" not in path.parts
            and ("testing" not in path.parts or path in COMMAND_CODE)
            and path not in {CHAIN_BOOKKEEPING, SEALER} and path.name != "conftest.py"]


def _writes_to_the_trail(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = [f"{path}: raw SQL {m.group(0)!r}" for m in RAW_SQL.finditer(source)]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            receiver = ast.get_source_segment(source, node.func.value) or ""
            if AUDIT_NAMES.search(receiver):
                found.append(f"{path}:{node.lineno}: {receiver}.{node.func.attr}(…)")
    return found


def test_no_code_outside_the_chain_bookkeeping_deletes_or_edits_audit_events():
    """Views, API endpoints, commands, jobs and services never delete, update or re-save events."""
    offenders = [line for path in _production_sources() for line in _writes_to_the_trail(path)]
    assert offenders == []


def test_the_scan_would_catch_a_deletion(tmp_path: Path):
    """The scanner is not blind: a planted deletion is reported."""
    planted = tmp_path / "bad.py"
    planted.write_text("from luoshi.audit.models import AuditEvent\n"
                       "def purge():\n    AuditEvent.objects.filter(pk__lt=10).delete()\n", encoding="utf-8")
    assert _writes_to_the_trail(planted)


def test_the_chain_bookkeeping_only_appends():
    """luoshi/audit/services.py and chain.py never delete; the sealer's only UPDATE of events sets
    seq and mac, and only on events that have none yet (WHERE seq IS NULL picks them)."""
    for path in (CHAIN_BOOKKEEPING, SEALER):
        source = path.read_text(encoding="utf-8")
        calls = {node.func.attr for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
        assert not calls & {"delete", "_raw_delete", "bulk_update"}
        assert not re.search(r"DELETE\s+FROM|TRUNCATE", source, re.IGNORECASE)
    updates = re.findall(r"UPDATE \{EVENT_TABLE\}[^\"]*", SEALER.read_text(encoding="utf-8"))
    assert len(updates) == 2 and all("SET seq = " in update for update in updates)


def test_every_url_pattern_reaches_only_code_that_keeps_the_trail():
    """Every view behind a URL lives in a module the scan above covers (nothing is hidden in tests)."""
    def views(resolver: URLResolver) -> list[object]:
        found = []
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                found += views(pattern)
            elif isinstance(pattern, URLPattern):
                found.append(pattern.callback)
        return found

    modules = {getattr(view, "__module__", "") for view in views(get_resolver())}
    luoshi_modules = {m for m in modules if m.startswith("luoshi.")}
    assert luoshi_modules and not any(".tests." in m or ".testing" in m for m in luoshi_modules)


def test_no_luoshi_command_is_exempt_from_the_scan():
    """Luoshi's management commands are plain modules under luoshi/, scanned like the views."""
    ours = {name: app for name, app in get_commands().items() if app.startswith("luoshi.")}
    assert {"audit", "backup", "restore"} <= set(ours)
    for name, app in ours.items():
        path = ROOT.parent / app.replace(".", "/") / "management" / "commands" / f"{name}.py"
        assert path.is_file() and path in _production_sources()


def test_the_admin_shows_audit_events_read_only(db, django_user_model):
    """The Django admin may list events but never add, change or delete them."""
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = django_user_model(is_superuser=True, is_staff=True, is_active=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert AuditHead not in admin.site._registry or not admin.site._registry[AuditHead].has_delete_permission(request)
