"""A province with something of every kind for the URL walk: a task in each state led by one
unit (EMERG), the same kinds of object owned by another unit (HEALTH) for the IDOR tests,
a meeting, a pending report with evidence, notifications, a webhook and a delivery, calendar
feeds and a ledger import. Built once per module, through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.services import ask_second_administrator
from luoshi.api.services import create_token
from luoshi.calendars.services import create_calendar_feed
from luoshi.commitments.services import add_commitment
from luoshi.leaders.services import InstructionInput, put_in_charge, register_instruction
from luoshi.ledgers.services import upload_ledger
from luoshi.ledgers.tests.helpers import GOOD_ROWS, upload
from luoshi.meetings.services import AgendaItemInput, record_meeting
from luoshi.notices.services import issue_notice
from luoshi.notifications.models import Delivery, Notification
from luoshi.notifications.services import create_endpoint
from luoshi.taskrequests.services import request_extension
from luoshi.tasks import services
from luoshi.tasks.models import Evidence, ProgressReport, Task
from luoshi.testing.fixtures import Province, build_province, built_for_module

# The personas of the matrix, by the name the tables in matrix.py use.
PERSONAS = ("anonymous", "supervisor", "liaison", "other_liaison", "leader", "secretary",
            "sysadmin", "secadmin", "auditadmin")


@dataclass
class Side:
    """One unit's objects: ids a URL can be filled with."""

    task: Task
    report: ProgressReport
    evidence: Evidence
    notification: Notification
    feed: int
    feed_token: str
    api_token: int
    task_request: int  # an extension the unit asked for, waiting for the office
    milestone: int  # a milestone of the task, not done
    notice: int  # a numbered notice issued on the task
    instruction: int  # an instruction document the unit leads, its reply not yet drafted


@dataclass
class World:
    province: Province
    tasks: dict[str, Task]  # by status, all led by EMERG
    own: Side  # EMERG's, seen by `liaison`
    other: Side  # HEALTH's, seen by `other_liaison`
    webhook: int
    delivery: int
    ledger: int
    public_task: Task
    account_request: int
    audit_check: int
    agreement: int  # an agenda item of kind agreement, with a commitment
    commitment: int
    commitment_milestone: int
    portfolio: int
    users: dict[str, User | None] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return self.users[persona]


def _evidence_report(province: Province, task: Task) -> ProgressReport:
    liaison = province.liaison_of(task)
    services.report_progress(liaison, task, text="evidence attached", progress=30, files=[
        SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 test", content_type="application/pdf")])
    return ProgressReport.objects.filter(task=task).latest("pk")


def _side(province: Province, task: Task, user: User) -> Side:
    report = _evidence_report(province, task)
    services.urge_task(province.supervisor, Task.objects.get(pk=task.pk), text="please hurry")
    feed, token = create_calendar_feed(user, scope="unit", unit=user.unit)
    api_token, _raw = create_token(user, name="scripts")
    notification = Notification.objects.filter(recipient=user).latest("pk")
    asked = request_extension(user, Task.objects.get(pk=task.pk), deadline=task.deadline + dt.timedelta(days=30),
                              reason="the site is flooded")
    milestone = services.add_milestone(province.supervisor, Task.objects.get(pk=task.pk), title="plan",
                                       due=task.deadline)
    notice = issue_notice(province.supervisor, Task.objects.get(pk=task.pk), kind="supervision", level=3,
                          text="report within three days")
    instruction = register_instruction(province.supervisor, InstructionInput(
        leader=province.leader, leader_name="", date=lib.today(), title=f"{user.unit} 的报告",
        text=f"请{user.unit}落实。", lead_unit=task.lead_unit, reply_due=task.deadline,
        upload=SimpleUploadedFile("批示件.txt", "请抓紧落实。".encode(), content_type="text/plain")))
    return Side(task=Task.objects.get(pk=task.pk), report=report, evidence=report.evidence.get(),
                notification=notification, feed=feed.pk, feed_token=token, api_token=api_token.pk,
                task_request=asked.pk, milestone=milestone.pk, notice=notice.pk,
                instruction=instruction.pk)


def _agreement(province: Province) -> tuple[int, int, int]:
    """An executive meeting that heard a framework agreement, with one commitment under it."""
    meeting = record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议",
                             date=dt.date(2022, 10, 14), agenda_items=[
                                 AgendaItemInput(kind="agreement", title="战略合作框架协议")])
    item = meeting.agenda_items.get()
    commitment = add_commitment(province.supervisor, item, title="共建产业园", province_unit=province.city,
                                counterparty="中国铁建", signed_on=dt.date(2022, 10, 14),
                                milestones=[("开工", dt.date(2023, 3, 1))])
    return item.pk, commitment.pk, commitment.milestones.get().pk


def build_world() -> World:
    from luoshi.audit.services import start_chain_check

    province = build_province()
    tasks = {name: getattr(province, name)() for name in (
        "draft", "assigned", "signed", "in_progress", "completion_requested", "completed", "suspended",
        "cancelled")}
    own = _side(province, tasks["in_progress"], province.liaison)
    other = _side(province, province.in_progress(lead=province.health), province.other_liaison)
    webhook = create_endpoint(province.sysadmin, name="group", kind="generic", url="https://chat.example/hook")
    delivery = Delivery.objects.create(channel=Delivery.Channel.WEBHOOK, endpoint=webhook, message={"text": "x"},
                                       state=Delivery.State.FAILED, created_at=own.task.created_at)
    ledger = upload_ledger(province.supervisor, upload(GOOD_ROWS))
    public = province.in_progress(public=True)
    asked = ask_second_administrator(province.secadmin, province.sysadmin, "reset_password")
    audit_check = start_chain_check(province.auditadmin)
    charge = put_in_charge(province.supervisor, leader=province.leader, unit=province.city, valid_from=lib.today())
    agreement, commitment, commitment_milestone = _agreement(province)
    world = World(province=province, tasks=tasks, own=own, other=other, webhook=webhook.pk, delivery=delivery.pk,
                  ledger=ledger.pk, public_task=public, account_request=asked.pk, audit_check=audit_check.pk,
                  agreement=agreement, commitment=commitment, commitment_milestone=commitment_milestone,
                  portfolio=charge.pk)
    world.users = {name: None if name == "anonymous" else getattr(province, name) for name in PERSONAS}
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    yield from built_for_module(django_db_blocker, build_world)


@pytest.fixture(autouse=True)
def _portal_on(settings: Any) -> None:
    """The public portal is off by default; switched on here so that its pages are walked too."""
    settings.LUOSHI_PUBLIC_PORTAL = True


def client_for(user: User | None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client
