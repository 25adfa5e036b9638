"""A generated province-year, for benchmarks and load tests (`luoshi generate --tasks N`).

The unit tree and priority areas are the deployment's directory (the same as the demo's);
the demo users come too, plus one liaison for every other unit, all with the demo password.
Meetings cycle through the development readouts (luoshi/extraction/tests/readouts/ and the
canonical one), each read once by the extraction engine; every directive becomes a task led
by the unit the engine suggests (or a department), often decomposed to cities and on to
their counties. Tasks are spread over the last year in every state; their lights come from
luoshi.tasks.lights (the real rules); progress reports, urges and audit events follow.

Rows are written in chunks of CHUNK_TASKS tasks, each chunk in one transaction, so memory
stays flat however many tasks are asked for. Their ids are taken from the database's
sequences before the rows are built, so related rows point at each other from the start, and
each table's rows go in with one COPY on PostgreSQL (Django's bulk_create spent more time
preparing values than the database spent storing them) or one executemany on SQLite. The
search documents are built from the objects in memory and written in the same chunk, and the
audit events are appended with `record_events` (the sealer chains them), so search finds the
generated year and `luoshi audit verify` passes without a reindex. Nothing here bypasses a
rule that matters for reading: it writes what the services would have written, faster, and
is meant for test and benchmark databases only.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import record_events
from luoshi.extraction import Directory, extract, load_directory
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.search import indexing as search_index
from luoshi.search.models import SearchDocument
from luoshi.tasks import lights
from luoshi.tasks.lifecycle import FINISHED, LIT, Status
from luoshi.tasks.models import ProgressReport, Task, Urge
from luoshi.units.models import Unit
from luoshi.web import demo

READOUT_DIRS = [Path(__file__).resolve().parent.parent / "extraction" / "tests" / "readouts"]
CHUNK_TASKS = 5000
DAYS = 365

# Status mixes: for tasks whose deadline has passed, and for those still running.
PAST_DEADLINE = {
    Status.COMPLETED: 55, Status.IN_PROGRESS: 25, Status.COMPLETION_REQUESTED: 6, Status.SIGNED: 3,
    Status.ASSIGNED: 2, Status.SUSPENDED: 4, Status.CANCELLED: 3,
}
RUNNING = {
    Status.DRAFT: 3, Status.ASSIGNED: 8, Status.SIGNED: 12, Status.IN_PROGRESS: 52,
    Status.COMPLETION_REQUESTED: 6, Status.COMPLETED: 12, Status.SUSPENDED: 3, Status.CANCELLED: 2,
}
CADENCES = {"": 30, "monthly": 45, "weekly": 10, "quarterly": 15}
KINDS = {Meeting.Kind.EXECUTIVE: 60, Meeting.Kind.SPECIAL_TOPIC: 25, Meeting.Kind.PARTY_GROUP: 10,
         Meeting.Kind.ENLARGED: 5}
KIND_TITLES = {
    Meeting.Kind.EXECUTIVE: "省政府第{n}次常务会议",
    Meeting.Kind.SPECIAL_TOPIC: "省政府专题会议（第{n}次）",
    Meeting.Kind.PARTY_GROUP: "省政府党组第{n}次会议",
    Meeting.Kind.ENLARGED: "省政府第{n}次常务会议（扩大）",
}
REPORT_TEXTS = [
    "已召开专题部署会，制定工作方案，明确责任分工和时间节点。",
    "本月完成阶段目标{p}%，重点项目按计划推进，未发现重大风险。",
    "已组织专项检查{n}次，发现问题{m}项，已整改{k}项，其余正在推进。",
    "会同配合单位开展联合调研，形成问题清单和整改台账。",
    "资金已下达{n}亿元，项目开工率{p}%，下一步将加快形成实物工作量。",
    "The work plan is in place; {n} inspections held and {k} problems fixed so far.",
    "Progress is on schedule at {p}%; the remaining steps are agreed with the cooperating units.",
]
URGE_TEXTS = [
    "该事项已超期，请于三日内报送整改进展。",
    "请加快推进，按时限要求报送阶段性进展。",
    "This task is behind schedule: please report progress within five working days.",
]


@dataclass
class Result:
    tasks: int = 0
    meetings: int = 0
    reports: int = 0
    urges: int = 0
    audit_events: int = 0
    search_documents: int = 0
    rows: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    lights: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class ReadoutPlan:
    """One development readout as the engine read it, ready to be copied into meetings."""

    text: str
    lang: str | None
    agenda: tuple[tuple[str, str, tuple[int, int]], ...]
    directives: tuple[tuple[str, tuple[int, int], tuple[str, ...], tuple[str, ...]], ...]  # text, span, areas, units


@dataclass
class Chunk:
    """One chunk's rows, built in memory with their ids, ready to be written."""

    meetings: list[Meeting]
    agenda: list[AgendaItem]
    directives: list[Directive]
    directive_areas: list[tuple[int, int]]
    tasks: list[Task]
    cooperating: list[tuple[int, int]]
    task_areas: list[tuple[int, int]]
    reports: list[ProgressReport]
    urges: list[Urge]
    documents: list[tuple[str, int, str, str, str, str]]
    events: list[tuple[str, list[tuple[models.Model, dict[str, Any]]]]]  # verb, (object, after) per event


def readout_paths() -> list[Path]:
    paths = [demo.READOUT]
    for folder in READOUT_DIRS:
        paths += sorted(p for p in folder.glob("*.txt") if p.name != demo.READOUT.name)
    return paths


_READ: dict[Path, ReadoutPlan | None] = {}


def _read(path: Path, directory: Directory) -> ReadoutPlan | None:
    """The engine's reading of one readout (kept for the process: the same file reads the same)."""
    if path not in _READ:
        _READ[path] = _extract(path, directory)
    return _READ[path]


def _extract(path: Path, directory: Directory) -> ReadoutPlan | None:
    text, published = demo.split_publication_marker(path.read_text(encoding="utf-8"))
    result = extract(text, published=published, directory=directory)
    if not result.directives:
        return None
    return ReadoutPlan(
        text=text, lang=result.lang,
        agenda=tuple((a.kind, a.title[:500], tuple(a.span)) for a in result.agenda_items),  # type: ignore[misc]
        directives=tuple(
            (d.text, tuple(d.span), tuple(m.code for m in directory.match_areas(d.text, result.lang)),  # type: ignore[misc]
             tuple(m.code for m in directory.match_units(d.text, result.lang)))
            for d in result.directives
        ),
    )


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment of `day`, aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))))


# --- writing rows fast -------------------------------------------------------------------------


class Ids:
    """Primary keys handed out before the rows are written, so a task can name its parent and
    a report its task while both are still in memory. PostgreSQL's sequences give them out
    (other writers simply get other numbers); on SQLite, which has no sequence, they continue
    from the table's largest id and from the ids already handed out, which holds as long as
    nothing else writes the test database during the run."""

    FIRST, LARGEST = 64, 10_000  # blocks double from FIRST, so a small run leaves no large gap

    def __init__(self) -> None:
        self.free: dict[type[models.Model], list[int]] = {}
        self.block: dict[type[models.Model], int] = {}
        self.last: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        free = self.free.get(model)
        if not free:
            size = self.block[model] = min(self.LARGEST, 2 * self.block.get(model, self.FIRST // 2))
            free = self.free[model] = self._reserve(model, size)[::-1]
        return free.pop()

    def _reserve(self, model: type[models.Model], size: int) -> list[int]:
        ids = lib.reserve_ids(model, size, above=self.last.get(model, 0))
        self.last[model] = ids[-1]
        return ids


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows (values the database adapter takes as they are): COPY on PostgreSQL,
    one executemany INSERT elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", list(rows))  # nosec B608 # model tables and columns, quoted


def insert_objects(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert model instances whose primary keys are already set, every column as it is on
    the instance. PostgreSQL's adapter takes the Python values (dates, aware datetimes, text
    choices) directly; SQLite's go through the fields' own conversion, as Django's would."""
    fields = model._meta.concrete_fields
    values = attrgetter(*(f.attname for f in fields))
    if connection.vendor == "postgresql":
        rows: Iterable[Sequence[Any]] = map(values, objects)
    else:
        rows = ([f.get_db_prep_save(v, connection) for f, v in zip(fields, values(obj), strict=True)]
                for obj in objects)
    insert_rows(model._meta.db_table, [f.column for f in fields], rows)


class Generator:
    def __init__(self, tasks: int, *, seed: int = 2022, today: dt.date | None = None,
                 progress: Callable[[int, int, int, float], None] | None = None) -> None:
        self.target = tasks
        self.rng = random.Random(seed)  # nosec B311 # reproducible demo data, not secrets
        self.today = today or lib.today()
        self.start = self.today - dt.timedelta(days=DAYS)
        self.progress = progress
        self.rules = lights.LightRules.from_settings()
        self.result = Result()
        self.password = make_password(demo.DEMO_PASSWORD)
        self.ids = Ids()

    # --- set-up -----------------------------------------------------------------------------

    def set_up(self) -> None:
        self.directory = load_directory()
        with transaction.atomic():
            demo.load_units(self.directory)
            units = list(Unit.objects.all())
            by_code = {u.code: u for u in units}
            # The demo's people, with the demo password hashed once (create_user hashes each).
            User.objects.bulk_create([
                User(username=d.username, password=self.password, role=d.role, first_name=d.name,
                     unit=by_code.get(d.unit or ""))
                for d in demo.DEMO_USERS
            ], ignore_conflicts=True)
            self.supervisor = User.objects.get(username="supervisor")
            staffed = set(User.objects.filter(role=User.Role.LIAISON).values_list("unit_id", flat=True))
            User.objects.bulk_create([
                User(username=f"liaison-{u.code.lower()}", password=self.password, role=User.Role.LIAISON,
                     unit=u, first_name=f"{u.name_zh}联络员")
                for u in units if u.pk not in staffed and u.kind != Unit.Kind.PROVINCE
            ], ignore_conflicts=True)
        self.units = {u.code: u for u in units}
        self.liaison = {}
        for user in User.objects.filter(role=User.Role.LIAISON).order_by("-id"):
            self.liaison[user.unit_id] = user  # the earliest liaison of a unit wins
        self.departments = [u for u in units if u.kind == Unit.Kind.DEPARTMENT]
        self.cities = [u for u in units if u.kind == Unit.Kind.CITY]
        self.counties: dict[int, list[Unit]] = {}
        for u in units:
            if u.kind == Unit.Kind.COUNTY and u.parent_id:
                self.counties.setdefault(u.parent_id, []).append(u)
        self.areas = {a.code: a for a in PriorityArea.objects.all()}
        self.paths = readout_paths()
        self.plans: list[ReadoutPlan] = []
        self.meeting_number = Meeting.objects.count()

    # --- the year ---------------------------------------------------------------------------

    def run(self) -> Result:
        began = time.perf_counter()
        self.set_up()
        # Meetings fall evenly over the year, in order; the count is an estimate that the
        # loop corrects as it goes (it stops at exactly `target` tasks).
        per_meeting = 60
        self.meetings_planned = max(1, self.target // per_meeting)
        self.built = self.meetings_built = 0
        while self.result.tasks < self.target:
            self._write(self._build())
            self.result.seconds = time.perf_counter() - began
            if self.progress:
                self.progress(self.result.tasks, self.target, self.result.rows, self.result.seconds)
        self.result.seconds = time.perf_counter() - began
        return self.result

    def _plan(self, number: int) -> ReadoutPlan:
        """Readouts in turn: each is read by the engine the first time it comes up."""
        while self.paths and len(self.plans) <= number % (len(self.plans) + len(self.paths)):
            plan = _read(self.paths.pop(0), self.directory)
            if plan is not None:
                self.plans.append(plan)
        return self.plans[number % len(self.plans)]

    def _meeting_day(self) -> dt.date:
        fraction = min(1.0, self.meetings_built / self.meetings_planned)
        return self.start + dt.timedelta(days=int(fraction * (DAYS - 5)))

    def _build(self) -> Chunk:
        """The next chunk's rows, in memory: meetings in date order, each directive's tasks
        (parents first), their reports and urges, search documents and audit entries."""
        rng = self.rng
        meetings: list[Meeting] = []
        agenda: list[AgendaItem] = []
        directives: list[tuple[Directive, tuple[str, ...], tuple[str, ...]]] = []
        families: list[list[tuple[Task, int]]] = []
        made = 0
        goal = min(CHUNK_TASKS, self.target - self.built)
        while made < goal:
            plan = self._plan(self.meeting_number)
            self.meeting_number += 1
            kind = _pick(rng, KINDS)
            day = self._meeting_day()
            meeting = Meeting(
                id=self.ids.take(Meeting), kind=kind, title=KIND_TITLES[kind].format(n=self.meeting_number), number=self.meeting_number,
                date=day, chair_name="省长" if kind != Meeting.Kind.SPECIAL_TOPIC else "分管副省长",
                chair_title="", readout=plan.text, status=Meeting.Status.PUBLISHED,
                created_by=self.supervisor, created_at=_at(day, rng),
            )
            meetings.append(meeting)
            self.meetings_built += 1
            for order, (akind, title, span) in enumerate(plan.agenda, start=1):
                agenda.append(AgendaItem(id=self.ids.take(AgendaItem), meeting=meeting, order=order, kind=akind, title=title,
                                         outcome=AgendaItem.Outcome.ADOPTED, span_start=span[0], span_end=span[1]))
            for order, (text, span, area_codes, unit_codes) in enumerate(plan.directives, start=1):
                directive = Directive(id=self.ids.take(Directive), meeting=meeting, order=order, text=text, span_start=span[0], span_end=span[1])
                directives.append((directive, area_codes, unit_codes))
                family = self._family(directive, text, unit_codes, day)[: goal - made]
                self._roll_up(family)
                families.append(family)
                made += len(family)
                if made >= goal:
                    break
        self.built += made
        return self._rest_of_chunk(meetings, agenda, directives, families)

    # --- one directive's tasks ---------------------------------------------------------------

    def _family(self, directive: Directive, text: str, unit_codes: tuple[str, ...], day: dt.date) -> list[tuple[Task, int]]:
        """The directive's task and its sub-tasks (parents first), each with its level."""
        rng = self.rng
        suggested = [self.units[c] for c in unit_codes if c in self.units
                     and self.units[c].kind in {Unit.Kind.DEPARTMENT, Unit.Kind.OFFICE}]
        lead = suggested[0] if suggested and rng.random() < 0.8 else rng.choice(self.departments)
        cooperating = sorted({u.pk: u for u in suggested[1:3] + rng.sample(self.departments, rng.randint(0, 2))
                              if u.pk != lead.pk}.values(), key=lambda u: u.path)  # as cooperating_units.all() lists them
        top = self._task(directive, None, text[:500], lead, cooperating, day, weight=1)
        family = [(top, 0)]
        if top.status in {Status.DRAFT, Status.ASSIGNED} or rng.random() < 0.45:
            return family
        for city in rng.sample(self.cities, rng.randint(3, len(self.cities))):
            child = self._task(directive, top, f"{city.name_zh}：{text[:200]}", city, [], day,
                               weight=rng.randint(1, 3))
            family.append((child, 1))
            counties = self.counties.get(city.pk, [])
            if counties and child.status not in {Status.DRAFT, Status.ASSIGNED} and rng.random() < 0.3:
                for county in rng.sample(counties, min(len(counties), rng.randint(1, 3))):
                    family.append((self._task(directive, child, f"{county.name_zh}：{text[:200]}", county, [],
                                              day, weight=1), 2))
        return family

    def _task(self, directive: Directive, parent: Task | None, title: str, lead: Unit, cooperating: list[Unit],
              day: dt.date, *, weight: int) -> Task:
        rng, today = self.rng, self.today
        created = _at(day + dt.timedelta(days=rng.randint(0, 3) + (2 if parent else 0)), rng)
        deadline = created.date() + dt.timedelta(days=rng.choice([45, 60, 90, 120, 180, 270, 365]))
        if parent is not None and parent.deadline:
            deadline = min(deadline, parent.deadline)
        if parent is not None and parent.status == Status.COMPLETED:
            status = Status.COMPLETED
        elif parent is not None and parent.status == Status.CANCELLED:
            status = Status.CANCELLED
        else:
            status = _pick(rng, PAST_DEADLINE if deadline < today else RUNNING)
            if parent is not None and status == Status.DRAFT:
                status = Status.ASSIGNED
        cadence = _pick(rng, CADENCES)
        task = Task(
            id=self.ids.take(Task), directive=directive, parent=parent, title=title, lead_unit=lead, deadline=deadline, cadence=cadence,
            person_responsible=rng.choice(["分管副厅长", "分管副市长", "处长", "主任"]), status=status,
            weight=weight, public=rng.random() < 0.05, created_by=self.supervisor, created_at=created,
            updated_at=created,
        )
        task._cooperating = cooperating  # type: ignore[attr-defined]
        task._reports = []  # type: ignore[attr-defined]
        version = 1
        moment = created
        if status != Status.DRAFT:
            task.assigned_at = moment = min(_at(created.date() + dt.timedelta(days=rng.randint(0, 4)), rng), lib.now())
            version += 1
        if status not in {Status.DRAFT, Status.ASSIGNED}:
            task.signed_at = moment = min(moment + dt.timedelta(days=rng.randint(1, 5)), lib.now())
            version += 1
        if status in {Status.SUSPENDED, Status.CANCELLED}:
            task.status_reason = rng.choice(["上级政策调整，暂缓实施。", "已并入其他督办事项。", "Merged into another task."])
            if status == Status.SUSPENDED:
                task.status_before_suspension = Status.IN_PROGRESS
        # Progress reports between signing and today (or completion).
        end = min(lib.now(), _at(deadline + dt.timedelta(days=rng.randint(-20, 25)), rng))
        if status in {Status.IN_PROGRESS, Status.COMPLETION_REQUESTED, Status.COMPLETED, Status.SUSPENDED} \
                and task.signed_at and end > task.signed_at:
            count = rng.randint(1, 3)
            span = (end - task.signed_at).total_seconds()
            final = 100 if status in {Status.COMPLETION_REQUESTED, Status.COMPLETED} else self._running_progress(task)
            for i in range(count):
                asks = i == count - 1 and final == 100
                at = task.signed_at + dt.timedelta(seconds=span * (i + 1) / (count + 1))
                value = final if i == count - 1 else max(0, final * (i + 1) // count - rng.randint(0, 10))
                task._reports.append((at, value, asks))  # type: ignore[attr-defined]
                version += 1
            task.last_report_at = task._reports[-1][0]  # type: ignore[attr-defined]
            task.progress = final
        if status == Status.COMPLETED:
            task.completed_at = min(end + dt.timedelta(days=rng.randint(1, 6)), lib.now())
            version += 1
        elif status == Status.CANCELLED:
            task.progress = rng.randint(0, 40)
        task.blocked = status in {Status.IN_PROGRESS, Status.SIGNED} and rng.random() < 0.01
        task.version = version + (1 if status in {Status.SUSPENDED, Status.CANCELLED} else 0)
        task.updated_at = max(t for t in (created, task.assigned_at, task.signed_at, task.last_report_at,
                                          task.completed_at) if t is not None)
        self._set_light(task, today)
        return task

    def _roll_up(self, family: list[tuple[Task, int]]) -> None:
        """Parents show their children's weighted progress, as services.roll_up keeps it."""
        kids: dict[int, list[Task]] = {}
        for task, _level in family:
            if task.parent is not None:
                kids.setdefault(id(task.parent), []).append(task)
        for task, _level in reversed(family):
            live = [k for k in kids.get(id(task), []) if k.status != Status.CANCELLED]
            total = sum(k.weight for k in live)
            if total and task.status not in FINISHED:
                task.progress = round(sum(k.progress * k.weight for k in live) / total)
                self._set_light(task, self.today)

    def _running_progress(self, task: Task) -> int:
        """Near the straight line, some ahead, some well behind."""
        facts = self._facts(task)
        expected = lights.expected_progress(facts, self.today) or 0.0
        return max(5, min(95, int(expected + self.rng.gauss(-5, 25))))

    def _set_light(self, task: Task, today: dt.date) -> None:
        """The light and its reason, as services.set_light stores them (none for an unlit status)."""
        if task.status not in LIT:
            task.light, task.light_rule, task.light_amount = "", "", None
            return
        reason = lights.explain(self._facts(task), today, self.rules)
        task.light, task.light_rule, task.light_amount = reason.light.value, reason.rule, reason.amount

    @staticmethod
    def _facts(task: Task) -> lights.TaskFacts:
        return lights.TaskFacts(
            status=task.status, progress=task.progress, deadline=task.deadline,
            assigned_on=timezone.localdate(task.assigned_at) if task.assigned_at else None,
            blocked=task.blocked, cadence=task.cadence,
            last_report_on=timezone.localdate(task.last_report_at) if task.last_report_at else None,
        )

    def _rest_of_chunk(self, meetings: list[Meeting], agenda: list[AgendaItem],
                       directives: list[tuple[Directive, tuple[str, ...], tuple[str, ...]]],
                       families: list[list[tuple[Task, int]]]) -> Chunk:
        rng, ids = self.rng, self.ids
        tasks = [task for family in families for task, _level in family]  # parents before their children
        area_ids = {d.pk: [self.areas[c].pk for c in codes if c in self.areas] for d, codes, _u in directives}
        reports = []
        for task in tasks:
            liaison = self.liaison.get(task.lead_unit_id)
            reports_of = task._reports  # type: ignore[attr-defined]
            for i, (at, value, asks) in enumerate(reports_of):
                last = i == len(reports_of) - 1
                if task.status == Status.COMPLETED or not last:
                    outcome = ProgressReport.Outcome.ACCEPTED if rng.random() < 0.95 else ProgressReport.Outcome.RETURNED
                else:
                    outcome = ProgressReport.Outcome.PENDING
                text = rng.choice(REPORT_TEXTS).format(p=value, n=rng.randint(2, 40), m=rng.randint(10, 90),
                                                        k=rng.randint(1, 9))
                reports.append(ProgressReport(
                    id=ids.take(ProgressReport), task=task, unit=task.lead_unit, author=liaison or self.supervisor,
                    period="monthly" if task.cadence else "", text=text, progress=value, asks_completion=asks,
                    submitted_at=at, outcome=outcome,
                    reviewed_by=None if outcome == ProgressReport.Outcome.PENDING else self.supervisor,
                    reviewed_at=None if outcome == ProgressReport.Outcome.PENDING else at + dt.timedelta(days=2),
                ))
        urges = []
        for task in tasks:
            if task.light in {"red", "amber"} and rng.random() < 0.6:
                for _ in range(rng.randint(1, 2)):
                    urges.append(Urge(id=ids.take(Urge), task=task, by=self.supervisor, to_unit_id=task.lead_unit_id,
                                      text=rng.choice(URGE_TEXTS),
                                      created_at=lib.now() - dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 9))))
        # The search index, from the objects in memory (no query), as the services keep it.
        agenda_of: dict[int, list[str]] = {}
        for item in agenda:
            agenda_of.setdefault(item.meeting_id, []).append(item.title)
        documents = list(search_index.document_rows(
            [*meetings, *(d for d, _a, _u in directives), *tasks, *reports],
            units_of=lambda task: [task.lead_unit, *task._cooperating],  # type: ignore[attr-defined]
            agenda_of=lambda meeting: agenda_of.get(meeting.pk, [])))
        return Chunk(
            meetings=meetings, agenda=agenda, directives=[d for d, _a, _u in directives],
            directive_areas=[(d.pk, a) for d, _c, _u in directives for a in area_ids[d.pk]],
            tasks=tasks, cooperating=[(t.pk, u.pk) for t in tasks for u in t._cooperating],  # type: ignore[attr-defined]
            task_areas=[(t.pk, a) for t in tasks for a in area_ids[t.directive_id]],
            reports=reports, urges=urges, documents=documents,
            events=[
                ("record_meeting", [(m, {"title": m.title, "kind": m.kind, "date": m.date, "generated": True})
                                    for m in meetings]),
                ("create_task", [(t, _snapshot(t)) for t in tasks]),
                ("submit_report", [(r, {"task": r.task_id, "progress": r.progress, "text": r.text, "generated": True})
                                   for r in reports]),
                ("urge_task", [(u, {"task": u.task_id, "text": u.text, "generated": True}) for u in urges]),
            ],
        )

    # --- writing ----------------------------------------------------------------------------

    @transaction.atomic
    def _write(self, chunk: Chunk) -> None:
        """One chunk in one transaction: its rows, its search documents, its audit events."""
        if connection.vendor == "postgresql":
            # Much of a chunk's database time is the search index: a larger pending list, and
            # the memory to sort it, let the GIN index take the new entries in a few large
            # merges instead of many small ones (for this transaction only; after_generation
            # merges what is left). Measured in bench/FIGURES.md.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        insert_objects(Meeting, chunk.meetings)
        insert_objects(AgendaItem, chunk.agenda)
        insert_objects(Directive, chunk.directives)
        insert_rows(Directive.priority_areas.through._meta.db_table, ["directive_id", "priorityarea_id"],
                    chunk.directive_areas)
        insert_objects(Task, chunk.tasks)
        insert_rows(Task.cooperating_units.through._meta.db_table, ["task_id", "unit_id"], chunk.cooperating)
        insert_rows(Task.priority_areas.through._meta.db_table, ["task_id", "priorityarea_id"], chunk.task_areas)
        insert_objects(ProgressReport, chunk.reports)
        insert_objects(Urge, chunk.urges)
        insert_rows(SearchDocument._meta.db_table, search_index.ROW_FIELDS, chunk.documents)
        events = sum(record_events(self.supervisor, verb, items) for verb, items in chunk.events)

        result = self.result
        result.meetings += len(chunk.meetings)
        result.tasks += len(chunk.tasks)
        result.reports += len(chunk.reports)
        result.urges += len(chunk.urges)
        result.audit_events += events
        result.search_documents += len(chunk.documents)
        result.rows += events + sum(len(rows) for rows in (
            chunk.meetings, chunk.agenda, chunk.directives, chunk.directive_areas, chunk.tasks, chunk.cooperating,
            chunk.task_areas, chunk.reports, chunk.urges, chunk.documents))
        for task in chunk.tasks:
            result.statuses[task.status] = result.statuses.get(task.status, 0) + 1
            result.lights[task.light] = result.lights.get(task.light, 0) + 1


def _snapshot(task: Task) -> dict[str, Any]:
    """What task_snapshot would say, without a query per task."""
    return {
        "title": task.title, "status": task.status, "progress": task.progress, "lead_unit_id": task.lead_unit_id,
        "deadline": task.deadline, "cadence": task.cadence, "light": task.light, "weight": task.weight,
        "parent": task.parent_id, "version": task.version, "generated": True,
        "cooperating_units": sorted(u.code for u in task._cooperating),  # type: ignore[attr-defined]
    }


def generate(tasks: int, *, seed: int = 2022, today: dt.date | None = None,
             progress: Callable[[int, int, int, float], None] | None = None) -> Result:
    """Write a province-year of `tasks` tasks (and everything around them) into the database."""
    if tasks < 1:
        raise lib.InvalidInput("The number of tasks must be at least 1.")
    result = Generator(tasks, seed=seed, today=today, progress=progress).run()
    after_generation()
    return result


def after_generation() -> None:
    """What follows a generated year, once its rows are all in: the one place for steps that
    rebuild something from the whole data (a summary table, say). The search index and the
    audit chain need nothing here, they are written with the rows, but on PostgreSQL the
    search index's pending entries are merged (searches would scan them one by one), and
    the planner's statistics are refreshed, so the first pages after a large load do not
    plan for empty tables. The dashboards' stored counts (luoshi/tasks/counts.py) are
    counted again: the rows were written in bulk, past the signals that keep them."""
    from luoshi.tasks.counts import rebuild

    rebuild()
    tables = [model._meta.db_table for model in (Meeting, AgendaItem, Directive, Task, ProgressReport, Urge,
                                                  SearchDocument, AuditEvent)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = %s::regclass AND am.amname = 'gin'",
                [SearchDocument._meta.db_table])
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
