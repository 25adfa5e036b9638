"""The office's own documents, built as Word files: the period bulletin (通报), the
stocktake briefing for a leader (by priority area), the minutes of a meeting (会议纪要) and
the look-back brief on a meeting (回头看), before the next one of its series.

Each `build_*` function checks that the user may have the document, gathers its facts in a
bounded number of queries (`*_facts`, which the tests read too) and lays them out with
luoshi/documents/word.py. Nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.checks.stocktake import repeatedly_demanded
from luoshi.commitments.services import Funnel, funnels
from luoshi.lib import Forbidden, InvalidInput, NotFound
from luoshi.meetings.models import AgendaItem, Directive, Meeting, PriorityArea
from luoshi.scoring import periods as scoring_periods
from luoshi.scoring.ranking import UnitScore, unit_scores
from luoshi.tasks import lights
from luoshi.tasks.counts import Counts, light_counts, light_counts_by
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.lifecycle import LIT, UNIT_VISIBLE, Status
from luoshi.tasks.models import Indicator, IndicatorPoint, ProgressReport, Task, plain_number
from luoshi.tasks.permissions import visible_tasks
from luoshi.tasks.services import facts_of

from .word import OfficialDocument

# The tasks a bulletin and the minutes report: assigned ones, but not those cancelled.
REPORTED = sorted(UNIT_VISIBLE - {Status.CANCELLED})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The meetings a bulletin covers, named as its title names them.
MEETING_SERIES = {
    "": gettext_lazy("meetings"),
    Meeting.Kind.EXECUTIVE: gettext_lazy("executive meetings"),
    Meeting.Kind.PARTY_GROUP: gettext_lazy("Party Group meetings"),
    Meeting.Kind.ENLARGED: gettext_lazy("enlarged meetings"),
    Meeting.Kind.SPECIAL_TOPIC: gettext_lazy("special-topic meetings"),
    Meeting.Kind.OTHER: gettext_lazy("other meetings"),
}
STOCKTAKE_LIST_LIMIT = 200  # red and amber tasks listed per area; the rest are counted
STOCKTAKE_INDICATOR_LIMIT = 200  # indicators listed, the most behind plan first
STOCKTAKE_ACTUALS_SHOWN = 6  # the latest actuals of each


def may_have_documents(user: User) -> bool:
    """The supervision office issues the documents; leaders read them."""
    return user.is_active and user.role in {User.Role.SUPERVISOR, User.Role.LEADER}


def _require(user: User) -> None:
    if not may_have_documents(user):
        raise Forbidden(_("Only the supervision office and leaders may download these documents."))


# --- wording shared by the documents ---------------------------------------------------------


def _chinese() -> bool:
    return not (get_language() or "").startswith("en")


def office_name() -> str:
    return settings.LUOSHI_DOCUMENT_OFFICE_ZH if _chinese() else settings.LUOSHI_DOCUMENT_OFFICE_EN


def long_date(day: dt.date) -> str:
    """2026年12月5日 (Arabic numerals, as GB/T 9704-2012 asks) or 5 December 2026."""
    return f"{day.year}年{day.month}月{day.day}日" if _chinese() else dateformat.format(day, "j F Y")


def short_date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


@dataclass(frozen=True)
class Period:
    """A calendar month, the period of a bulletin."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        try:
            day = dt.datetime.strptime(text.strip(), "%Y-%m").date()
        except ValueError:
            raise InvalidInput(_("A period is a month written as YYYY-MM, e.g. 2026-11.")) from None
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return lights.add_months(self.first, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月" if _chinese() else dateformat.format(self.first, "F Y")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def bulletin_number(number: int, year: int) -> str:
    """督查通报〔2026〕12号: the office's prefix, the year in hexagonal brackets, the number."""
    prefix = settings.LUOSHI_BULLETIN_PREFIX_ZH if _chinese() else settings.LUOSHI_BULLETIN_PREFIX_EN
    if _chinese():
        return f"{prefix}〔{year}〕{number}号"
    return f"{prefix} [{year}] No. {number}"


# --- the bulletin ------------------------------------------------------------------------------


@dataclass
class BulletinFacts:
    period: Period
    number: str
    title: str
    as_of: dt.date
    meetings: int
    counts: Counts = field(default_factory=Counts)
    completed: list[Task] = field(default_factory=list)
    in_progress: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    ranking: list[UnitScore] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The tasks reported: every one of them but drafts and cancelled ones."""
        return self.counts.total - self.counts.of_status(Status.DRAFT, Status.CANCELLED)

    @property
    def completed_count(self) -> int:
        return self.counts.of_status(Status.COMPLETED)

    @property
    def overdue_count(self) -> int:
        """Red, as the ledger calls "overdue" (已超期)."""
        return self.counts.red

    @property
    def in_progress_count(self) -> int:
        return self.total - self.completed_count - self.overdue_count


def bulletin_title(period: Period, meeting_kind: str = "") -> str:
    return _("Bulletin on the implementation of the decisions of the provincial government's "
             "%(meetings)s of %(period)s") % {"meetings": MEETING_SERIES[meeting_kind], "period": period.label}


def bulletin_facts(user: User, *, period: Period, number: int, meeting_kind: str = "",
                   title: str = "") -> BulletinFacts:
    """The top-level tasks from the meetings held in `period` (not drafts or cancelled ones),
    sorted into completed, overdue (red, as on the ledger) and in progress (every other task).
    The numbers are the one count (counts.light_counts) of the same selection."""
    _require(user)
    if meeting_kind not in MEETING_SERIES:
        raise InvalidInput(_("Unknown meeting kind: %(kind)s") % {"kind": meeting_kind})
    if number < 1:
        raise InvalidInput(_("A document number is a whole number from 1."))
    as_of = lib.today()
    meetings = Meeting.objects.filter(date__range=(period.first, period.last))
    if meeting_kind:
        meetings = meetings.filter(kind=meeting_kind)
    selection = LedgerQuery(top_level=True, meetings=meetings)
    tasks = list(
        selection.filter(visible_tasks(user)).filter(status__in=REPORTED)
        .select_related("lead_unit").order_by("lead_unit__path", "deadline", "id")
    )
    facts = BulletinFacts(
        period=period, number=bulletin_number(number, as_of.year),
        title=title.strip() or bulletin_title(period, meeting_kind), as_of=as_of,
        meetings=meetings.count(), counts=light_counts(user, selection),
    )
    for task in tasks:
        if task.status == Status.COMPLETED:
            facts.completed.append(task)
        elif task.light == Task.Light.RED:
            facts.overdue.append(task)
        else:
            facts.in_progress.append(task)
    facts.ranking = unit_scores(scoring_periods.month(period.year, period.month), as_of)
    return facts


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "0.0"


def build_bulletin(user: User, *, period: Period, number: int, meeting_kind: str = "",
                   title: str = "") -> tuple[str, bytes]:
    """The bulletin as (file name, .docx bytes)."""
    facts = bulletin_facts(user, period=period, number=number, meeting_kind=meeting_kind, title=title)
    doc = OfficialDocument()
    doc.masthead(office_name(), facts.number)
    doc.title(facts.title)
    doc.recipients(settings.LUOSHI_BULLETIN_RECIPIENTS_ZH if _chinese() else settings.LUOSHI_BULLETIN_RECIPIENTS_EN)
    doc.para(ngettext("To see that the decisions of the provincial government's %(meetings)s are carried out, "
                      "%(office)s followed the %(total)s tasks set by the meeting of %(period)s. "
                      "Their progress is reported as follows.",
                      "To see that the decisions of the provincial government's %(meetings)s are carried out, "
                      "%(office)s followed the %(total)s tasks set by the %(count)s meetings of %(period)s. "
                      "Their progress is reported as follows.", facts.meetings)
             % {"meetings": MEETING_SERIES[meeting_kind], "office": office_name(), "total": facts.total,
                "count": facts.meetings, "period": period.label})
    doc.heading(_("1. Overall"))
    doc.para(_("As of %(date)s, of the %(total)s tasks %(completed)s have been completed, %(in_progress)s are in "
               "progress and %(overdue)s are overdue; the completion rate is %(rate)s%%.")
             % {"date": long_date(facts.as_of), "total": facts.total, "completed": facts.completed_count,
                "in_progress": facts.in_progress_count, "overdue": facts.overdue_count,
                "rate": _percent(facts.completed_count, facts.total)})
    unit, task_, deadline = _("Lead unit"), _("Task"), _("Deadline")
    doc.heading(_("2. Completed tasks"))
    if facts.completed:
        doc.table([_("No."), unit, task_, deadline, _("Completed on")], [
            [str(i), t.lead_unit.name, t.title, short_date(t.deadline),
             short_date(timezone.localdate(t.completed_at) if t.completed_at else None)]
            for i, t in enumerate(facts.completed, start=1)
        ], widths_mm=[12, 34, 74, 18, 18])
    else:
        doc.para(_("None."))
    doc.heading(_("3. Tasks in progress"))
    if facts.in_progress:
        doc.table([_("No."), unit, task_, deadline, _("Progress")], [
            [str(i), t.lead_unit.name, t.title, short_date(t.deadline), f"{t.progress}%"]
            for i, t in enumerate(facts.in_progress, start=1)
        ], widths_mm=[12, 34, 74, 18, 18])
    else:
        doc.para(_("None."))
    doc.heading(_("4. Overdue tasks"))
    if facts.overdue:
        doc.table([_("No."), unit, task_, deadline, _("Progress"), _("Days overdue")], [
            [str(i), t.lead_unit.name, t.title, short_date(t.deadline), f"{t.progress}%",
             str((facts.as_of - t.deadline).days) if t.deadline else "—"]
            for i, t in enumerate(facts.overdue, start=1)
        ], widths_mm=[12, 30, 62, 18, 14, 20])
        doc.para(_("The units concerned are to analyse why these tasks are late, set a date by which each "
                   "will be done, and report to the supervision office in writing within five working days."))
    else:
        doc.para(_("None."))
    doc.heading(_("5. Ranking of units"))
    doc.para(_("Units are ranked by their score for %(period)s, which weighs on-time completion, report "
               "punctuality, days overdue and returned reports; the scoring page shows the formula.")
             % {"period": period.label})
    if facts.ranking:
        doc.table([_("Rank"), unit, _("Score"), _("On-time rate"), _("Report punctuality"),
                   _("Mean days overdue"), _("Returned")], [
            [str(r.rank), r.unit.name, _fmt(r.score), _fmt_rate(r.ontime_rate), _fmt_rate(r.punctuality),
             f"{r.mean_overdue_days:.1f}", str(r.returned)]
            for r in facts.ranking
        ], widths_mm=[12, 40, 16, 22, 24, 22, 20])
    else:
        doc.para(_("None."))
    doc.closing(office_name(), long_date(facts.as_of))
    return f"bulletin-{period}-{number}.docx", doc.save()


# --- the stocktake briefing --------------------------------------------------------------------


@dataclass
class AttentionTask:
    task: Task
    expected: float | None  # where the straight line from assignment to deadline stands today
    last_report_on: dt.date | None
    last_report_text: str


@dataclass
class AreaStocktake:
    name: str
    counts: dict[str, int]
    attention: list[AttentionTask] = field(default_factory=list)
    not_listed: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _working_tasks(user: User) -> QuerySet[Task]:
    """The working tasks (those with a light) the user may read, sub-tasks included, as the
    stocktake page counts them."""
    return visible_tasks(user).filter(status__in=LIT)


@dataclass
class StocktakeFacts:
    """The stocktake briefing: the totals (each task once, whatever its areas) and the areas."""

    totals: dict[str, int]
    sections: list[AreaStocktake]
    indicators: list[Indicator] = field(default_factory=list)  # points prefetched, the most behind first

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def stocktake_facts(user: User, area: PriorityArea | None = None) -> StocktakeFacts:
    """For each priority area (or the one given): working tasks by light, as the stocktake page
    counts them (counts.light_counts_by: a task in two areas is in both), and the red and amber
    ones with where they stand. Tasks in no area come last, under "Other". The totals count
    each task once (counts.light_counts)."""
    _require(user)
    today = lib.today()
    tasks = _working_tasks(user)
    areas = [area] if area else list(PriorityArea.objects.all())
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: {"red": 0, "amber": 0, "green": 0})
    if area is not None:
        totals = light_counts(user, LedgerQuery(area=area)).lights
        counts[area.pk] = dict(totals)
    else:
        totals = light_counts(user).lights
        for pk, found in light_counts_by(user, "area")["area"].items():
            counts[pk] = found.lights
        # The rest of the total: the tasks in no area (a live count, as rare as the document).
        for light, n in tasks.filter(priority_areas=None).order_by().values_list("light").annotate(n=Count("id")):
            counts[None][light] = n
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    attention = (
        tasks.filter(light__in=[lights.Light.RED, lights.Light.AMBER])
        .select_related("lead_unit")
        .prefetch_related(Prefetch("priority_areas", queryset=PriorityArea.objects.only("id")))
        .annotate(last_report_at_=Subquery(latest.values("submitted_at")[:1]),
                  last_report_text=Subquery(latest.values("text")[:1]))
        .order_by("-light", "deadline", "id")  # "red" sorts after "amber": descending puts red first
    )
    if area is not None:
        attention = attention.filter(priority_areas=area)
    sections: dict[int | None, AreaStocktake] = {a.pk: AreaStocktake(a.name, dict(counts[a.pk])) for a in areas}
    if area is None:
        sections[None] = AreaStocktake(_("Other"), dict(counts[None]))
    limit = STOCKTAKE_LIST_LIMIT * len(sections)
    for task in attention[:limit]:
        keys: list[int | None] = [a.pk for a in task.priority_areas.all() if a.pk in sections] or ([None] if area is None else [])
        for key in keys:
            section = sections[key]
            if len(section.attention) >= STOCKTAKE_LIST_LIMIT:
                continue
            section.attention.append(AttentionTask(
                task, lights.expected_progress(facts_of(task), today),
                timezone.localdate(task.last_report_at_) if task.last_report_at_ else None,
                task.last_report_text or "",
            ))
    for section in sections.values():
        section.not_listed = section.counts["red"] + section.counts["amber"] - len(section.attention)
    indicators = (Indicator.objects.filter(task__in=tasks if area is None else tasks.filter(priority_areas=area))
                  .select_related("task").prefetch_related("points")
                  .order_by(F("lag").desc(nulls_last=True), "task__deadline", "task_id", "id")[:STOCKTAKE_INDICATOR_LIMIT])
    return StocktakeFacts(totals, [s for key, s in sections.items() if key is not None or s.total], list(indicators))


def _points(points: list[IndicatorPoint]) -> str:
    return " · ".join(f"{short_date(p.day)} {plain_number(p.value)}" for p in points) or "—"


def _indicator_row(indicator: Indicator) -> list[str]:
    """The planned trajectory against the actuals, in one table row."""
    points = list(indicator.points.all())
    plan = [p for p in points if p.kind == IndicatorPoint.Kind.PLAN]
    actuals = [p for p in points if p.kind == IndicatorPoint.Kind.ACTUAL]
    name = indicator.name + (f"（{indicator.measure}）" if indicator.measure else "")
    if indicator.lag is None:
        gap = _("no actual yet")
    elif indicator.lag:
        gap = _("behind plan by %(percent)s%%") % {"percent": indicator.lag}
    else:
        gap = _("on plan")
    return [indicator.task.title, name, f"{plain_number(indicator.baseline)} → {plain_number(indicator.target)}",
            _points(plan), _points(actuals[-STOCKTAKE_ACTUALS_SHOWN:]), gap]


def _trajectory(item: AttentionTask) -> str:
    if item.expected is None:
        return _("%(progress)s%% (no deadline)") % {"progress": item.task.progress}
    gap = round(item.expected) - item.task.progress
    if gap > 0:
        return _("%(progress)s%%, %(gap)s points behind the %(expected)s%% expected") % {
            "progress": item.task.progress, "gap": gap, "expected": round(item.expected)}
    return _("%(progress)s%%, on the line (%(expected)s%% expected)") % {
        "progress": item.task.progress, "expected": round(item.expected)}


def _last_report(item: AttentionTask) -> str:
    if item.last_report_on is None:
        return _("No report yet")
    text = item.last_report_text.strip().replace("\n", " ")
    return f"{short_date(item.last_report_on)} {text[:80]}{'…' if len(text) > 80 else ''}"


def build_stocktake(user: User, area: PriorityArea | None = None) -> tuple[str, bytes]:
    facts = stocktake_facts(user, area)
    sections, totals = facts.sections, facts.totals
    today = lib.today()
    doc = OfficialDocument()
    doc.masthead(office_name())
    doc.title(_("Stocktake of the tasks under supervision, by priority area"))
    doc.para(_("As of %(date)s, %(total)s tasks are open: %(red)s overdue (red), %(amber)s at risk (amber) "
               "and %(green)s on track (green). The red and amber tasks of each priority area follow, with "
               "their progress against the straight line from assignment to deadline and their last report.")
             % {"date": long_date(today), "total": facts.total, **totals})
    repeated = repeatedly_demanded(user)
    if repeated:
        doc.heading(_("Repeatedly demanded"))
        doc.para(_("These tasks were demanded again by later meetings; the most repeated come first."))
        doc.table(
            [_("Light"), _("Task"), _("Lead unit"), _("Deadline"), _("Demanded on")],
            [[str(Task.Light(item.task.light).label) if item.task.light else "—", item.task.title,
              item.task.lead_unit.name, short_date(item.task.deadline),
              ("、" if _chinese() else ", ").join(short_date(day) for day in item.dates)]
             for item in repeated],
            widths_mm=[14, 52, 28, 20, 42],
        )
    quiet = [s.name for s in sections if not s.total]
    sections = [s for s in sections if s.total]
    for index, section in enumerate(sections, start=1):
        doc.heading(_("%(n)s. %(area)s") % {"n": index, "area": section.name})
        doc.para(ngettext("%(total)s open task: %(red)s red, %(amber)s amber, %(green)s green.",
                          "%(total)s open tasks: %(red)s red, %(amber)s amber, %(green)s green.", section.total)
                 % {"total": section.total, **section.counts})
        if section.attention:
            doc.table(
                [_("Light"), _("Task"), _("Lead unit"), _("Deadline"), _("Progress against trajectory"),
                 _("Last report")],
                [[str(Task.Light(item.task.light).label), item.task.title, item.task.lead_unit.name,
                  short_date(item.task.deadline), _trajectory(item), _last_report(item)]
                 for item in section.attention],
                widths_mm=[14, 42, 24, 20, 28, 28],
            )
        if section.not_listed > 0:
            doc.para(_("%(n)s more red or amber tasks are not listed here; the ledger has them all.")
                     % {"n": section.not_listed})
    if quiet:
        doc.para(_("No open tasks in: %(areas)s.") % {"areas": "、".join(quiet)})
    if facts.indicators:
        doc.heading(_("%(n)s. Outcome indicators") % {"n": len(sections) + 1})
        doc.para(_("The planned trajectory of each indicator against its latest actuals; the most behind plan first."))
        doc.table([_("Task"), _("Indicator"), _("Baseline → target"), _("Planned trajectory"), _("Actuals"),
                   _("Gap")], [_indicator_row(i) for i in facts.indicators], widths_mm=[36, 24, 20, 34, 26, 16])
    doc.closing(office_name(), long_date(today))
    suffix = f"-{area.code}" if area else ""
    return f"stocktake-{today.isoformat()}{suffix}.docx", doc.save()


# --- the minutes of a meeting ------------------------------------------------------------------


def minutes_facts(user: User, meeting_pk: int | str) -> Meeting:
    """The meeting with its agenda items and directives, each directive with the tasks
    assigned from it (top level, not drafts or cancelled) and their units, prefetched."""
    _require(user)
    assigned = (
        visible_tasks(user).filter(parent__isnull=True, status__in=REPORTED)
        .select_related("lead_unit").prefetch_related("cooperating_units").order_by("id")
    )
    try:
        return Meeting.objects.prefetch_related(
            "agenda_items__presenting_unit",
            Prefetch("directives", queryset=Directive.objects.order_by("order").prefetch_related(
                Prefetch("tasks", queryset=assigned, to_attr="assigned"))),
        ).get(pk=meeting_pk)
    except (Meeting.DoesNotExist, ValueError):
        raise NotFound("meeting") from None


def build_minutes(user: User, meeting_pk: int | str) -> tuple[str, bytes]:
    meeting = minutes_facts(user, meeting_pk)
    doc = OfficialDocument()
    doc.masthead(office_name())
    doc.title(_("Minutes of the %(meeting)s") % {"meeting": meeting.title})
    held = []
    if meeting.date:
        held.append(_("Date: %(date)s") % {"date": long_date(meeting.date)})
    if meeting.place:
        held.append(_("Place: %(place)s") % {"place": meeting.place})
    if meeting.chair_name:
        chair = meeting.chair_name
        if meeting.chair_title:  # 张建国（市长）; Zhang Jianguo, Mayor
            chair = pgettext("a meeting's chair", "%(name)s, %(title)s") % {
                "name": meeting.chair_name, "title": meeting.chair_title}
        held.append(_("Chair: %(chair)s") % {"chair": chair})
    for line in held:
        doc.para(line)
    if meeting.attendees:
        doc.para(_("Attending: %(who)s") % {"who": meeting.attendees})
    items = list(meeting.agenda_items.all())
    directives = list(meeting.directives.all())
    doc.heading(_("1. Agenda"))
    if items:
        for item in items:
            outcome = _(" (%(outcome)s)") % {"outcome": item.get_outcome_display()} if item.outcome else ""
            presenter = _(", presented by %(unit)s") % {"unit": item.presenting_unit.name} if item.presenting_unit else ""
            doc.para(_("(%(n)s) %(title)s") % {"n": item.order, "title": item.title} + presenter + outcome)
    else:
        doc.para(_("No agenda items were recorded."))
    doc.heading(_("2. Decisions and assignments"))
    groups: dict[int | None, list[Directive]] = defaultdict(list)
    for directive in directives:
        groups[directive.agenda_item_id].append(directive)
    titled = [(item.title, groups.get(item.pk, [])) for item in items] + [(_("Other requirements"), groups.get(None, []))]
    number = 0
    for title, group in titled:
        if not group:
            continue
        doc.heading(title, level=2)
        for directive in group:
            number += 1
            doc.para(f"{number}. {directive.text}")
            if directive.assigned:  # type: ignore[attr-defined]  # django-stubs: Prefetch(to_attr=...) is not on the type
                doc.table(
                    [_("Task"), _("Lead unit"), _("Cooperating units"), _("Deadline")],
                    [[t.title, t.lead_unit.name, "、".join(u.name for u in t.cooperating_units.all()) or "—",
                      short_date(t.deadline)] for t in directive.assigned],  # type: ignore[attr-defined]  # the same Prefetch to_attr
                    widths_mm=[70, 34, 34, 18],
                )
            else:
                doc.para(_("Not yet assigned."), indent=True)
    if not directives:
        doc.para(_("No decisions were recorded."))
    doc.closing(office_name(), long_date(lib.today()))
    return f"minutes-{meeting.pk}.docx", doc.save()


# --- the look-back brief (回头看) ----------------------------------------------------------------


@dataclass
class LookBackDirective:
    directive: Directive
    tasks: Sequence[Task]  # top level, assigned; each with last_report_text and its light


@dataclass
class LookBackParagraph:
    number: int
    text: str
    directives: list[LookBackDirective]


@dataclass
class LookBackFacts:
    meeting: Meeting
    paragraphs: list[LookBackParagraph]  # those of the readout with a directive, in order
    unplaced: list[LookBackDirective]  # directives typed by hand, with no place in the readout
    deferred: list[AgendaItem]
    ledgers: list[tuple[AgendaItem, Funnel]]  # agreements and plans with their commitments' funnel


def readout_paragraphs(readout: str) -> list[tuple[int, int]]:
    """The (start, end) of each non-blank line of a readout: its paragraphs."""
    spans, pos = [], 0
    for line in readout.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped[0])
            spans.append((start, start + len(stripped)))
        pos += len(line)
    return spans


def look_back_facts(user: User, meeting_pk: int | str) -> LookBackFacts:
    """The meeting's readout walked paragraph by paragraph: each directive with its tasks
    (lights, reasons, progress, latest report), then the deferred agenda items and the
    funnel of each agreement or plan. A bounded number of queries, whatever the size."""
    _require(user)
    latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-submitted_at", "-id")
    assigned = (
        visible_tasks(user).filter(parent__isnull=True, status__in=REPORTED)
        .select_related("lead_unit").annotate(last_report_text=Subquery(latest.values("text")[:1])).order_by("id")
    )
    try:
        meeting = Meeting.objects.get(pk=int(meeting_pk))
    except (Meeting.DoesNotExist, ValueError):
        raise NotFound("meeting") from None
    directives = list(Directive.objects.filter(meeting=meeting).order_by("order").prefetch_related(
        Prefetch("tasks", queryset=assigned, to_attr="assigned")))
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    spans = readout_paragraphs(meeting.readout)
    paragraphs = [LookBackParagraph(n, meeting.readout[start:end], []) for n, (start, end) in enumerate(spans, 1)]
    unplaced: list[LookBackDirective] = []
    for directive in directives:
        entry = LookBackDirective(directive, directive.assigned)
        where = None
        if directive.span_start is not None:
            where = next((p for p, (start, end) in zip(paragraphs, spans, strict=True)
                          if start <= directive.span_start < end), None)
        (where.directives if where else unplaced).append(entry)
    found = funnels(items)
    return LookBackFacts(
        meeting=meeting, paragraphs=[p for p in paragraphs if p.directives], unplaced=unplaced,
        deferred=[item for item in items if item.outcome == AgendaItem.Outcome.DEFERRED],
        ledgers=[(item, found[item.pk]) for item in items if item.pk in found],
    )


def first_sentence(text: str, limit: int = 120) -> str:
    """The first sentence of a report (to 。！？; . ! ? or a line end), at most `limit` characters."""
    text = " ".join((text or "").split())
    for index, char in enumerate(text):
        if char in "。！？；!?;" or (char == "." and (index + 1 == len(text) or text[index + 1] == " ")):
            text = text[:index + 1]
            break
    return text if len(text) <= limit else text[:limit] + "…"


def task_standing(task: Task) -> str:
    """The light with its reason ("黄灯：月报逾期3天"), or the status of a task with no light."""
    reason = task.light_reason
    if task.has_light and reason is not None:
        return lights.labelled(reason)
    return str(task.get_status_display())


def indicator_gap(task: Task) -> str:
    """The task's outcome indicator furthest behind its trajectory, as the light words it
    ("保交楼 交付套数落后计划18%"); "—" when it has none behind or no indicator."""
    if not task.indicator_lag or not task.indicator_lag_name:
        return "—"
    return lights.describe(lights.Reason(lights.Light.AMBER, "indicator_behind", task.indicator_lag,
                                         task.indicator_lag_name))


def build_look_back(user: User, meeting_pk: int | str) -> tuple[str, bytes]:
    facts = look_back_facts(user, meeting_pk)
    meeting = facts.meeting
    doc = OfficialDocument()
    doc.masthead(office_name())
    doc.title(_("Look-back on the %(meeting)s") % {"meeting": meeting.title})
    tasks = [t for p in facts.paragraphs for d in p.directives for t in d.tasks] + \
        [t for d in facts.unplaced for t in d.tasks]
    lit = [t for t in tasks if t.has_light]
    doc.para(_("Held on %(date)s. As of %(today)s its directives have %(tasks)s tasks: %(red)s red, %(amber)s "
               "amber, %(green)s green, %(closed)s completed or not under way. The readout follows paragraph by "
               "paragraph, each directive with its tasks.") % {
        "date": long_date(meeting.date) if meeting.date else "—", "today": long_date(lib.today()),
        "tasks": len(tasks), "red": sum(t.light == lights.Light.RED for t in lit),
        "amber": sum(t.light == lights.Light.AMBER for t in lit),
        "green": sum(t.light == lights.Light.GREEN for t in lit), "closed": len(tasks) - len(lit)})
    number = 0
    sections = [(_("Paragraph %(n)s") % {"n": p.number}, p.text, p.directives) for p in facts.paragraphs]
    if facts.unplaced:
        sections.append((_("Other requirements"), "", facts.unplaced))
    for index, (heading, text, entries) in enumerate(sections, start=1):
        doc.heading(_("%(n)s. %(area)s") % {"n": index, "area": heading})
        if text:
            doc.para(text)
        for entry in entries:
            number += 1
            doc.heading(_("(%(n)s) %(title)s") % {"n": number, "title": entry.directive.text}, level=2)
            if not entry.tasks:
                doc.para(_("Not yet assigned."))
                continue
            doc.table(
                [_("Task"), _("Lead unit"), _("Light and reason"), _("Progress"), _("Indicator gap"),
                 _("Latest report")],
                [[t.title, t.lead_unit.name, task_standing(t), f"{t.progress}%", indicator_gap(t),
                  first_sentence(t.last_report_text) if t.last_report_text else _("No report yet")]  # type: ignore[attr-defined]  # annotated by look_back_facts
                 for t in entry.tasks],
                widths_mm=[38, 24, 28, 14, 22, 30],
            )
    index = len(sections)
    if facts.ledgers:
        index += 1
        doc.heading(_("%(n)s. %(area)s") % {"n": index, "area": _("Agreements and plans")})
        for item, funnel in facts.ledgers:
            doc.para(_("%(title)s: %(signed)s commitments signed, %(started)s started, %(delivered)s delivered.")
                     % {"title": item.title, "signed": funnel.signed, "started": funnel.started,
                        "delivered": funnel.delivered})
    index += 1
    doc.heading(_("%(n)s. %(area)s") % {"n": index, "area": _("Deferred agenda items")})
    if facts.deferred:
        for item in facts.deferred:
            doc.para(_("(%(n)s) %(title)s (%(kind)s)") % {"n": item.order, "title": item.title,
                                                         "kind": item.get_kind_display()})
        doc.para(_("They come up again at the next meeting of the series."))
    else:
        doc.para(_("None: the meeting deferred no agenda item."))
    doc.closing(office_name(), long_date(lib.today()))
    return f"look-back-{meeting.pk}.docx", doc.save()
