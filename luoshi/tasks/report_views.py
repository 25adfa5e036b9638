"""Report once: one form in which a liaison reports progress on every working task of their
unit (issue 19 part 6). Each row starts from the unit's last report on that task; a preview
shows, per task, what changed against it; only the changed rows are submitted, together, by
services.report_progress_on_many. Text and progress only: evidence files are attached from
the task's own page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from luoshi.accounts.models import User
from luoshi.lib import Forbidden, InvalidInput, NotFound, signed_in
from luoshi.tasks import services
from luoshi.tasks.lifecycle import TRANSITIONS, Action
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.permissions import TASK_RELATED, can, has_lead_access, may_offer, read_scope

REPORTABLE = tuple(TRANSITIONS[Action.REPORT])  # the statuses that take a progress report


class RowForm(forms.Form):
    """One task's row; no colon after the labels, like the task page's forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    text = forms.CharField(label=gettext_lazy("What has been done"), required=False, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=gettext_lazy("Progress %"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput)
    last = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the last report shown


@dataclass
class Row:
    task: Task
    last: ProgressReport | None
    form: RowForm
    error: str = ""
    notice: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)
    progress_before: int | None = None

    @property
    def start_text(self) -> str:
        return self.last.text if self.last else ""

    @property
    def start_progress(self) -> int:
        return self.last.progress if self.last else self.task.progress

    def wanted(self) -> tuple[str, int] | None:
        """What the liaison entered, once the form is valid."""
        if not self.form.is_valid():
            return None
        return self.form.cleaned_data["text"], self.form.cleaned_data["progress"]

    def changed(self) -> bool:
        """Did the liaison change the row against the unit's last report? A row that does
        not validate counts as changed: it is shown back with its error, never dropped."""
        wanted = self.wanted()
        return wanted is None or wanted != (self.start_text.strip(), self.start_progress)


def _liaison(request: HttpRequest) -> User:
    user = signed_in(request)
    if not (user.is_active and user.role == User.Role.LIAISON and user.unit is not None):
        raise Http404
    return user


def _last_reports(user: User, tasks: list[Task]) -> dict[int, ProgressReport]:
    """Each task's newest report from the unit the user reports for on it (one query)."""
    assert user.unit is not None
    unit_of = {task.pk: task.lead_unit_id if has_lead_access(user, task) else user.unit.pk for task in tasks}
    last: dict[int, ProgressReport] = {}
    newest_first = (ProgressReport.objects.filter(task_id__in=unit_of, unit_id__in=set(unit_of.values()),
                                                  asks_completion=False).order_by("-submitted_at", "-id"))
    for report in newest_first:
        if report.unit_id == unit_of[report.task_id] and report.task_id not in last:
            last[report.task_id] = report
    return last


# Whole words of letters and digits, runs of spaces, and every other character on its own:
# Chinese has no spaces to split words at, so it is compared character by character.
TOKEN = re.compile(r"\w+|\s+|.", re.ASCII | re.DOTALL)


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, text) pieces, kind "equal", "delete" or "insert", that turn `before` into `after`."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in {"equal", "delete"}:
            pieces.append((op, "".join(old[i1:i2])))
        if op in {"insert", "replace"}:
            if op == "replace":
                pieces.append(("delete", "".join(old[i1:i2])))
            pieces.append(("insert", "".join(new[j1:j2])))
    return pieces


def _rows(user: User, tasks: list[Task], data: Any = None) -> list[Row]:
    last = _last_reports(user, tasks)
    rows = []
    for task in tasks:
        report = last.get(task.pk)
        initial = {"text": report.text if report else "", "progress": report.progress if report else task.progress,
                   "version": task.version, "last": report.pk if report else None}
        rows.append(Row(task=task, last=report, form=RowForm(data, prefix=f"t{task.pk}", initial=initial)))
    return rows


def _open_tasks(user: User) -> list[Task]:
    tasks = (read_scope(user).tasks().filter(status__in=REPORTABLE).select_related(*TASK_RELATED)
             .order_by("deadline", "pk"))
    return [task for task in tasks if may_offer(user, Action.REPORT, task)]


def _posted_tasks(user: User, request: HttpRequest) -> list[Task]:
    """The tasks the page was shown with, whatever their status now; ids the user may not
    report on are dropped, as if they did not exist."""
    ids = [int(pk) for pk in request.POST.getlist("task") if pk.isdigit()]
    tasks = read_scope(user).tasks().filter(pk__in=ids).select_related(*TASK_RELATED).order_by("deadline", "pk")
    return [task for task in tasks if can(user, Action.REPORT, task)]


def _already_filed(row: Row) -> bool:
    """The row is exactly the unit's newest report, filed after the page was shown: the same
    form posted twice."""
    shown = row.form.cleaned_data.get("last")
    return (row.last is not None and row.last.pk != shown
            and row.wanted() == (row.last.text.strip(), row.last.progress))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_many(request: HttpRequest) -> HttpResponse:
    user = _liaison(request)
    if request.method != "POST":
        return _render(request, _rows(user, _open_tasks(user)), preview=False)
    rows = _rows(user, _posted_tasks(user, request), request.POST)
    for row in rows:
        if row.form.is_valid() and _already_filed(row):
            row.notice = _("Already submitted: this is now the task's latest report.")
    changed = [row for row in rows if not row.notice and row.changed()]
    for row in changed:
        if row.form.is_valid():
            row.diff = _diff(row.start_text, row.form.cleaned_data["text"])
        else:
            row.error = _("Please correct this row.")
    if any(row.error for row in changed):
        return _render(request, rows, preview=True, status=422)
    if "preview" in request.POST:
        if not changed:
            messages.info(request, _("Nothing has changed yet against the last reports."))
        return _render(request, rows, preview=True)
    if not changed and any(row.notice for row in rows):
        messages.info(request, _("These reports were already submitted; nothing new was filed."))
        return redirect("report_many")
    try:
        reports = services.report_progress_on_many(user, [
            services.ReportRow(task=row.task, text=row.form.cleaned_data["text"],
                               progress=row.form.cleaned_data["progress"],
                               expected_version=row.form.cleaned_data["version"]) for row in changed])
    except (Forbidden, NotFound):
        raise Http404 from None
    except services.RowErrors as refused:
        for row in changed:
            row.error = refused.errors.get(row.task.pk, "")
        messages.error(request, str(refused))
        return _render(request, rows, preview=True, status=422)
    except InvalidInput as error:  # nothing changed
        messages.error(request, str(error))
        return _render(request, rows, preview=True, status=422)
    messages.success(request, ngettext("%(count)d progress report was submitted.",
                                       "%(count)d progress reports were submitted.", len(reports))
                     % {"count": len(reports)})
    return redirect("report_many")


def _render(request: HttpRequest, rows: list[Row], *, preview: bool, status: int = 200) -> HttpResponse:
    return render(request, "tasks/report_many.html", {"rows": rows, "preview": preview}, status=status)
