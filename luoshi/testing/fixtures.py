"""Personas and a small province for the tests, built through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.db import transaction
from django.test import override_settings

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.meetings.models import Directive, Meeting, PriorityArea
from luoshi.meetings.services import DirectiveInput, create_priority_area, record_meeting
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.units.models import Unit
from luoshi.units.services import create_unit

PASSWORD = "a-long-test-password-42"
T = TypeVar("T")


@dataclass
class Province:
    root: Unit
    office: Unit
    emergency: Unit
    health: Unit
    city: Unit
    county: Unit
    other_city: Unit
    area: PriorityArea
    supervisor: User
    liaison: User  # of the emergency department
    city_liaison: User
    county_liaison: User
    other_liaison: User  # of the health commission
    leader: User
    secretary: User
    sysadmin: User
    secadmin: User
    auditadmin: User
    outsider: User  # inactive supervisor
    meeting: Meeting
    directive: Directive

    def draft(self, lead: Unit | None = None, deadline_days: int = 30, **kwargs: object) -> Task:
        return services.create_task(
            self.supervisor, self.directive, lead_unit=lead or self.emergency,
            deadline=lib.today() + dt.timedelta(days=deadline_days), **kwargs,  # type: ignore[arg-type]
        )

    def assigned(self, lead: Unit | None = None, **kwargs: object) -> Task:
        return services.assign_task(self.supervisor, self.draft(lead, **kwargs))

    def liaison_of(self, task: Task) -> User:
        return {self.emergency.pk: self.liaison, self.city.pk: self.city_liaison,
                self.county.pk: self.county_liaison, self.health.pk: self.other_liaison}[task.lead_unit_id]

    def signed(self, lead: Unit | None = None, **kwargs: object) -> Task:
        task = self.assigned(lead, **kwargs)
        return services.sign_task(self.liaison_of(task), task)

    def in_progress(self, lead: Unit | None = None, progress: int = 10, **kwargs: object) -> Task:
        task = self.signed(lead, **kwargs)
        services.report_progress(self.liaison_of(task), task, text="work under way", progress=progress)
        return Task.objects.get(pk=task.pk)

    def completion_requested(self, lead: Unit | None = None, **kwargs: object) -> Task:
        task = self.in_progress(lead, **kwargs)
        return services.request_completion(self.liaison_of(task), task, text="all done")

    def completed(self, lead: Unit | None = None, **kwargs: object) -> Task:
        return services.approve_completion(self.supervisor, self.completion_requested(lead, **kwargs), grade="good")

    def suspended(self, lead: Unit | None = None, **kwargs: object) -> Task:
        return services.suspend_task(self.supervisor, self.signed(lead, **kwargs), reason="waiting for funds")

    def cancelled(self, lead: Unit | None = None, **kwargs: object) -> Task:
        return services.cancel_task(self.supervisor, self.signed(lead, **kwargs), reason="superseded")


def _user(username: str, role: str, unit: Unit | None = None) -> User:
    return create_user(None, username=username, password=PASSWORD, role=role, unit=unit, check_password=False)


def build_province() -> Province:
    root = create_unit(None, code="P", name_zh="省政府", name_en="Provincial Government", kind="province")
    office = create_unit(None, code="DCS", name_zh="督查室", name_en="Supervision Office", kind="office", parent=root)
    emergency = create_unit(None, code="EMERG", name_zh="省应急管理厅", name_en="Emergency Management",
                            kind="department", parent=root)
    health = create_unit(None, code="HEALTH", name_zh="省卫生健康委", name_en="Health Commission",
                         kind="department", parent=root)
    city = create_unit(None, code="SY", name_zh="沈阳市", name_en="Shenyang", kind="city", parent=root)
    county = create_unit(None, code="SY-HP", name_zh="和平区", name_en="Heping District", kind="county", parent=city)
    other_city = create_unit(None, code="DL", name_zh="大连市", name_en="Dalian", kind="city", parent=root)
    area = create_priority_area(None, code="SAFETY", name_zh="安全生产", name_en="safe production")
    supervisor = _user("supervisor", User.Role.SUPERVISOR, office)
    secretary = _user("secretary", User.Role.SECRETARY)
    readout = "会议要求，要抓好安全生产，坚决防范重特大事故。"
    text = "要抓好安全生产，坚决防范重特大事故。"
    start = readout.index(text)
    meeting = record_meeting(
        secretary, kind="executive", title="省政府第1次常务会议", date=dt.date(2022, 10, 7), readout=readout,
        directives=[DirectiveInput(text=text, span=(start, start + len(text)), priority_areas=[area])],
    )
    outsider = _user("outsider", User.Role.SUPERVISOR, office)
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    outsider.refresh_from_db()
    return Province(
        root=root, office=office, emergency=emergency, health=health, city=city, county=county,
        other_city=other_city, area=area, supervisor=supervisor,
        liaison=_user("liaison", User.Role.LIAISON, emergency),
        city_liaison=_user("city", User.Role.LIAISON, city),
        county_liaison=_user("county", User.Role.LIAISON, county),
        other_liaison=_user("other", User.Role.LIAISON, health),
        leader=_user("leader", User.Role.LEADER),
        secretary=secretary,
        sysadmin=_user("sysadmin", User.Role.SYSTEM_ADMIN),
        secadmin=_user("secadmin", User.Role.SECURITY_ADMIN),
        auditadmin=_user("auditadmin", User.Role.AUDIT_ADMIN),
        outsider=outsider,
        meeting=meeting,
        directive=meeting.directives.get(),
    )


@pytest.fixture
def province(db: None) -> Province:
    return build_province()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def built_for_module(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture (`yield from built_for_module(...)`): build data once,
    through the services, inside a transaction rolled back when the module ends. Each test
    still runs in its own savepoint (the `db` fixture), so nothing leaks between tests."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        atomic = transaction.atomic()
        atomic.__enter__()
        built = build()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
