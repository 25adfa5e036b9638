"""Every number a person sees agrees with a plain count over what they may read (issue 14).

Random small provinces are built through the real services (assign, sign, report, suspend,
cancel, complete, decompose, with deadlines around a fixed day, the lights moved by the daily
pass); then, for every persona, the ledger's header (and the ledgers the home's figures link
to), the home page, the meetings list, the leader's stocktake, the Word stocktake, the
bulletin, the API list, the scores and the portal must say what a straightforward count over
visible_tasks says.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from docx import Document
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.api import services as api_services
from luoshi.documents import services as documents
from luoshi.meetings.services import DirectiveInput, create_priority_area, record_meeting
from luoshi.portal import services as portal
from luoshi.scoring import periods
from luoshi.scoring.ranking import unit_scores
from luoshi.tasks import services
from luoshi.tasks.lifecycle import LIT, PUBLIC, SCORED, Status
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import visible_tasks
from luoshi.testing.fixtures import Province
from luoshi.web import dashboards

BUILT_ON = dt.date(2026, 3, 2)  # the tasks are made and worked on this day …
SEEN_ON = dt.date(2026, 3, 20)  # … and everything is counted on this one, after the daily pass
LIGHTS = ("red", "amber", "green")
FINAL = ("draft", "assigned", "signed", "in_progress", "completion_requested", "completed", "suspended",
         "cancelled", "decomposed")


@dataclass(frozen=True)
class Plan:
    """One task to build: who leads it, who cooperates, how far it goes."""

    lead: int
    cooperating: tuple[int, ...]
    final: str
    deadline_days: int
    progress: int
    public: bool
    second_directive: bool
    sub_lead: int


plans = st.builds(
    Plan, lead=st.integers(0, 4), cooperating=st.lists(st.integers(0, 4), max_size=2, unique=True).map(tuple),
    final=st.sampled_from(FINAL), deadline_days=st.integers(1, 40), progress=st.integers(0, 100),
    public=st.booleans(), second_directive=st.booleans(), sub_lead=st.integers(0, 4),
)


def _units(province: Province) -> list:  # type: ignore[type-arg]
    return [province.emergency, province.health, province.city, province.county, province.other_city]


def build(province: Province, directives: list, items: list[Plan]) -> None:  # type: ignore[type-arg]
    """Each plan through the services, on BUILT_ON."""
    units = _units(province)
    sup = province.supervisor
    for plan in items:
        lead = units[plan.lead]
        draft = services.create_task(
            sup, directives[plan.second_directive], lead_unit=lead,
            cooperating_units=[units[i] for i in plan.cooperating], public=plan.public,
            deadline=BUILT_ON + dt.timedelta(days=plan.deadline_days))
        if plan.final == "draft":
            continue
        task = services.assign_task(sup, draft)
        if plan.final == "assigned":
            continue
        if plan.final in {"suspended", "cancelled"}:
            (services.suspend_task if plan.final == "suspended" else services.cancel_task)(sup, task, reason="why")
            continue
        liaison = _lead_liaison(province, lead)
        if liaison is None:
            continue  # no liaison of that unit in the fixture: it stays assigned
        task = services.sign_task(liaison, task)
        if plan.final == "decomposed":
            services.decompose_task(sup, task, [services.SubTask(units[plan.sub_lead], "part")])
            continue
        if plan.final == "signed":
            continue
        services.report_progress(liaison, task, text="under way", progress=min(plan.progress, 99))
        task = Task.objects.get(pk=task.pk)
        if plan.final == "in_progress":
            continue
        task = services.request_completion(liaison, task, text="done")
        if plan.final == "completed":
            services.approve_completion(sup, task, grade="good")


def _lead_liaison(province: Province, unit):  # type: ignore[no-untyped-def]
    return {province.emergency.pk: province.liaison, province.health.pk: province.other_liaison,
            province.city.pk: province.city_liaison, province.county.pk: province.county_liaison}.get(unit.pk)


@dataclass
class Plain:
    """The straightforward count of a list of (status, light) pairs."""

    total: int
    lights: dict[str, int]
    unlit: int

    @classmethod
    def of(cls, rows: list[tuple[str, str]]) -> Plain:
        for status, light in rows:  # the stored light is empty exactly when the status has none
            assert (light == "") == (status not in LIT), (status, light)
        lit = Counter(light for status, light in rows if status in LIT)
        return cls(len(rows), {light: lit[light] for light in LIGHTS}, sum(1 for s, _ in rows if s not in LIT))


def plain(tasks) -> Plain:  # type: ignore[no-untyped-def]
    return Plain.of(list(tasks.values_list("status", "light")))


def readable_by_hand(province: Province, user) -> set[int]:  # type: ignore[no-untyped-def]
    """Who may read what, written out without permissions.py: the office everything, a leader
    everything but drafts, a liaison their subtree's tasks (lead or cooperating) but drafts."""
    found = set()
    for task in Task.objects.select_related("lead_unit").prefetch_related("cooperating_units"):
        if user == province.supervisor:
            found.add(task.pk)
        elif task.status == Status.DRAFT:
            continue
        elif user == province.leader:
            found.add(task.pk)
        elif user.unit is not None and any(unit.path.startswith(user.unit.path) for unit in
                                           [task.lead_unit, *task.cooperating_units.all()]):
            found.add(task.pk)
    return found


def page_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def check_everything_agrees(province: Province) -> None:
    personas = [province.supervisor, province.leader, province.liaison, province.city_liaison,
                province.county_liaison, province.other_liaison]
    for user in personas:
        mine = visible_tasks(user)
        assert set(mine.values_list("pk", flat=True)) == readable_by_hand(province, user), user
        expected = plain(mine)
        who = user.username

        # The ledger's header, and its light links; drafts only for the office.
        counts = page_client(user).get("/tasks/").context["counts"]
        assert (counts.total, counts.lights, counts.unlit) == (expected.total, expected.lights, expected.unlit), who
        for light in LIGHTS:
            assert page_client(user).get(f"/tasks/?light={light}").context["counts"].total == expected.lights[light]
        drafts = page_client(user).get("/tasks/?status=draft").context["counts"].total
        assert drafts == (mine.filter(status=Status.DRAFT).count() if user == province.supervisor else 0), who

        # The API list, with a token.
        _token, raw = api_services.create_token(user, name="agreement")
        body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/tasks?page_size=200").json()
        assert body["count"] == expected.total and body["lights"] == {**expected.lights, "unlit": expected.unlit}
        assert len(body["results"]) == expected.total
        assert all((row["light"] is None) == (row["status"] not in LIT) for row in body["results"])

        # The meetings list: each meeting's top-level tasks, by light.
        for meeting in page_client(user).get("/meetings/").context["meetings"]:
            own = plain(mine.filter(directive__meeting=meeting, parent__isnull=True))
            shown = {light: n for light, _label, n in meeting.lights}
            assert (meeting.task_count, shown) == (own.total, own.lights), (who, meeting)

        # The home page.
        home = page_client(user).get("/").context
        working = mine.filter(status__in=LIT)
        if user == province.supervisor:
            board = home["board"]
            assert board.lights == expected.lights and board.open_total == working.count()
            assert board.completed == mine.filter(status=Status.COMPLETED).count()
            assert board.completion_requested == mine.filter(status=Status.COMPLETION_REQUESTED).count()
            # Its deadline figures and the ledger their links open (working tasks by deadline).
            week_end, yesterday = SEEN_ON + dt.timedelta(days=6), SEEN_ON - dt.timedelta(days=1)
            due_soon = working.filter(deadline__range=(SEEN_ON, week_end)).count()
            overdue = working.filter(deadline__lte=yesterday).count()
            assert (board.due_soon, board.overdue) == (due_soon, overdue)
            for link, n in ((f"?status=working&deadline_from={SEEN_ON}&deadline_to={week_end}", due_soon),
                            (f"?status=working&deadline_to={yesterday}", overdue)):
                assert f'href="/tasks/{link.replace("&", "&amp;")}"' in page_client(user).get("/").content.decode()
                assert page_client(user).get("/tasks/" + link).context["counts"].total == n
        elif user == province.leader:
            assert home["stocktake"].lights == expected.lights
        else:
            inbox = home["inbox"]
            assert inbox.lights == expected.lights and inbox.task_count == working.count(), who
            assert inbox.to_sign_count == mine.filter(status=Status.ASSIGNED,
                                                      lead_unit__path__startswith=user.unit.path).count()

        # Scores: each unit's tasks due in the period, and those done on time.
        period = periods.current_quarter(SEEN_ON)
        own = None if user.reads_everything else user.unit
        for line in unit_scores(period, SEEN_ON, unit=own):
            led = mine.filter(lead_unit=line.unit, status__in=SCORED, deadline__range=(period.start, period.end))
            due = [t for t in led if t.status == Status.COMPLETED or t.deadline < SEEN_ON]
            assert line.due == len(due), (who, line.unit)

        if user.role not in {user.Role.SUPERVISOR, user.Role.LEADER}:
            continue
        # The leader's stocktake page and the Word stocktake: the same totals, the same areas.
        stocktake = dashboards.leader_stocktake(user)
        assert stocktake.lights == expected.lights
        by_area = {block.row.area.pk: (block.row.red, block.row.amber, block.row.green) for block in stocktake.areas}
        for area_pk, lights in by_area.items():
            in_area = plain(working.filter(priority_areas=area_pk))
            assert lights == tuple(in_area.lights[light] for light in LIGHTS)
        facts = documents.stocktake_facts(user)
        assert facts.totals == expected.lights
        word_areas = {section.name: tuple(section.counts[light] for light in LIGHTS) for section in facts.sections}
        for block in stocktake.areas:
            assert word_areas[block.row.area.name] == by_area[block.row.area.pk]
        with translation.override("en"):
            _name, content = documents.build_stocktake(user)
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert (f"{working.count()} tasks are open: {expected.lights['red']} overdue (red), "
                f"{expected.lights['amber']} at risk (amber) and {expected.lights['green']} on track (green)") in text

        # The bulletin of the meetings' month: top-level tasks, not drafts or cancelled ones.
        bulletin = documents.bulletin_facts(user, period=documents.Period(2022, 10), number=1)
        reported = mine.filter(parent__isnull=True).exclude(status__in=[Status.DRAFT, Status.CANCELLED])
        completed = reported.filter(status=Status.COMPLETED).count()
        red = reported.filter(status__in=LIT, light="red").count()
        assert (bulletin.total, bulletin.completed_count, bulletin.overdue_count, bulletin.in_progress_count) == \
            (reported.count(), completed, red, reported.count() - completed - red)
        assert (len(bulletin.completed), len(bulletin.overdue), len(bulletin.in_progress)) == \
            (completed, red, reported.count() - completed - red)
        with translation.override("en"):
            _name, content = documents.build_bulletin(user, period=documents.Period(2022, 10), number=1)
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert re.search(rf"of the {reported.count()} tasks {completed} have been completed, "
                         rf"{reported.count() - completed - red} are in progress and {red} are overdue", text)

    # The public portal: what is marked public, in the statuses it shows.
    shown = Task.objects.filter(public=True, status__in=PUBLIC)
    expected = plain(shown)
    counts = portal.public_counts()
    assert (counts.total, counts.lights) == (expected.total, expected.lights)
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/public/").context
    assert page["page"].paginator.count == expected.total and page["counts"] == expected.lights
    assert page["completed"] == shown.filter(status=Status.COMPLETED).count()


@pytest.fixture
def second_directive(province: Province):  # type: ignore[no-untyped-def]
    """A directive of a second meeting that month, in two priority areas."""
    roads = create_priority_area(None, code="ROADS", name_zh="道路", name_en="roads")
    text = "要加快道路建设。"
    meeting = record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议",
                             date=dt.date(2022, 10, 20), readout=text,
                             directives=[DirectiveInput(text=text, span=(0, len(text)),
                                                        priority_areas=[province.area, roads])])
    return meeting.directives.get()


@hypothesis_settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(items=st.lists(plans, min_size=1, max_size=7))
def test_every_view_counts_what_the_user_may_read(province: Province, second_directive, items, settings) -> None:  # type: ignore[no-untyped-def]
    """Ledger, homes, stocktake page and Word, bulletin, API, scores and portal agree with a
    plain count, for the office, a leader and four liaisons (lead, parent unit, county, other)."""
    settings.LUOSHI_PUBLIC_PORTAL = True
    settings.LUOSHI_API_RATE = "100000/min"
    with transaction.atomic():
        # The personas' passwords must predate the tokens made on SEEN_ON (a token dies with
        # an older password: api.services.may_use_tokens).
        User.objects.update(password_changed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        with lib.clock_at(BUILT_ON):
            build(province, [province.directive, second_directive], items)
        with lib.clock_at(SEEN_ON):
            services.refresh_lights()  # the daily pass moves the lights with the clock
            check_everything_agrees(province)
        transaction.set_rollback(True)
