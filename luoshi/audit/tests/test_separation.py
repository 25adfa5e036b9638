"""Separation of duties (三员分立): the three administrators change no business data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi import lib
from luoshi.lib import Forbidden, NotFound
from luoshi.meetings.services import publish_meeting, record_meeting
from luoshi.tasks import services as tasks
from luoshi.testing.fixtures import Province, build_province, built_for_module
from luoshi.units.services import create_unit, move_unit, rename_unit

ADMINS = ["sysadmin", "secadmin", "auditadmin"]


@pytest.fixture(scope="module")
def shared_province(django_db_setup: None, django_db_blocker: Any) -> Any:
    yield from built_for_module(django_db_blocker, build_province)


@pytest.fixture
def province(shared_province: Province, db: None) -> Province:
    """One province for the module; each test's changes roll back with its savepoint."""
    return shared_province
LATER = dt.timedelta(days=30)

# Each business service, called by an administrator on data prepared by the office.
BUSINESS: dict[str, Callable[[Province, Any], object]] = {
    "record_meeting": lambda p, u: record_meeting(u, kind="executive", title="x", date=lib.today()),
    "publish_meeting": lambda p, u: publish_meeting(u, p.meeting),
    "create_task": lambda p, u: tasks.create_task(u, p.directive, lead_unit=p.emergency, deadline=lib.today() + LATER),
    "assign_task": lambda p, u: tasks.assign_task(u, p.draft()),
    "update_task": lambda p, u: tasks.update_task(u, p.assigned(), title="changed"),
    "sign_task": lambda p, u: tasks.sign_task(u, p.assigned()),
    "report_progress": lambda p, u: tasks.report_progress(u, p.signed(), text="x", progress=50),
    "request_completion": lambda p, u: tasks.request_completion(u, p.in_progress(), text="done"),
    "approve_completion": lambda p, u: tasks.approve_completion(u, p.completion_requested(), grade="good"),
    "return_task": lambda p, u: tasks.return_task(u, p.completion_requested(), reason="more"),
    "suspend_task": lambda p, u: tasks.suspend_task(u, p.signed(), reason="x"),
    "resume_task": lambda p, u: tasks.resume_task(u, p.suspended()),
    "cancel_task": lambda p, u: tasks.cancel_task(u, p.signed(), reason="x"),
    "urge_task": lambda p, u: tasks.urge_task(u, p.signed(), text="hurry"),
    "escalate_task": lambda p, u: tasks.escalate_task(u, p.signed(), level=1, reason="late"),
    "write_instruction": lambda p, u: tasks.write_instruction(u, p.signed(), text="do it"),
    "review_report": lambda p, u: tasks.review_report(u, p.in_progress().reports.get(), accept=True),
}


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize("service", list(BUSINESS))
def test_every_business_service_refuses_each_administrator(province: Province, admin: str, service: str):
    """Forbidden (or not found), and no audit event by the administrator."""
    from luoshi.audit.models import AuditEvent

    user = getattr(province, admin)
    with pytest.raises((Forbidden, NotFound)):
        BUSINESS[service](province, user)
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_evidence_cannot_be_uploaded_by_an_administrator(province: Province):
    """Even with a valid file, an administrator reports nothing."""
    with pytest.raises((Forbidden, NotFound)):
        tasks.report_progress(province.sysadmin, province.signed(), text="x", progress=10,
                              files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")])


@pytest.mark.parametrize("admin", ["secadmin", "auditadmin"])
def test_only_the_system_administrator_manages_units(province: Province, admin: str):
    """The security and audit administrators do not touch the unit tree."""
    user = getattr(province, admin)
    with pytest.raises(Forbidden):
        create_unit(user, code="AS", name_zh="鞍山市", name_en="Anshan", kind="city", parent=province.root)
    with pytest.raises(Forbidden):
        rename_unit(user, province.city, name_zh="x", name_en="x")
    with pytest.raises(Forbidden):
        move_unit(user, province.county, parent=province.other_city)
