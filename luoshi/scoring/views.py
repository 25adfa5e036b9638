"""The ranking of units by score for a period, and its export to Excel.

The supervision office and leaders see every unit; a liaison sees only their own unit's
line; the administrators and meeting secretaries get 404."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.lib import is_htmx, safe_row, signed_in
from luoshi.scoring import periods
from luoshi.scoring.forms import PeriodForm
from luoshi.scoring.ranking import Formula, UnitScore, unit_scores
from luoshi.tasks.permissions import read_scope
from luoshi.units.models import Unit


def _scope(user: User) -> tuple[bool, Unit | None]:
    """(may see, only this unit or None for all), from the user's read scope
    (permissions.read_scope): a reader of every task sees every unit, a liaison their own
    unit's line; 404 for everyone else."""
    scope = read_scope(user)
    if scope.nothing:
        raise Http404
    if scope.everything:
        return True, None
    return True, user.unit


def _ranking(request: HttpRequest) -> tuple[PeriodForm, periods.Period, list[UnitScore], Unit | None]:
    _ok, unit = _scope(signed_in(request))
    today = lib.today()
    form = PeriodForm(request.GET or None, today=today)
    period = form.cleaned_data["chosen"] if form.is_valid() else periods.current_quarter(today)
    return form, period, unit_scores(period, today, unit=unit), unit


@login_required
@require_safe
def scoring(request: HttpRequest) -> HttpResponse:
    form, period, lines, unit = _ranking(request)
    formula = Formula.from_settings()
    context = {"form": form, "period": period, "lines": lines, "own_unit": unit, "formula": formula,
               "weights": formula.weights, "caps": formula.caps,
               "export_query": request.GET.urlencode()}
    template = "scoring/_ranking.html" if is_htmx(request) else "scoring/ranking.html"
    return render(request, template, context)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@login_required
@require_safe
def scoring_export(request: HttpRequest) -> HttpResponse:
    _form, period, lines, _unit = _ranking(request)
    formula = Formula.from_settings()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Scores"))

    def append(values: list[object]) -> None:
        sheet.append(safe_row(sheet, [str(v) if isinstance(v, Promise) else v for v in values]))

    append([_("Unit scores"), period.label, f"{period.start.isoformat()} – {period.end.isoformat()}"])
    append([])
    append([_("Rank"), _("Unit"), _("Score"), _("Tasks due"), _("Completed on time"), _("On-time rate %"),
                  _("Reports owed"), _("Reports on time"), _("Punctuality %"), _("Overdue tasks"),
                  _("Days overdue (total)"), _("Days overdue (mean)"), _("Returned reports"),
                  _("Returned completion requests"), _("Closures graded"), _("Mean grade points"),
                  _("Extensions granted")])
    for line in lines:
        append([line.rank, line.unit.name, line.score, line.due, line.on_time, _percent(line.ontime_rate),
                      line.reports_due, line.reports_on_time, _percent(line.punctuality), line.overdue_tasks,
                      line.overdue_days, round(line.mean_overdue_days, 1), line.returned_reports,
                      line.returned_completions, line.graded,
                      None if line.grade_points is None else round(line.grade_points, 1), line.extensions])
    append([])
    w, c = formula.weights, formula.caps
    append([_("Score = 100 × (%(a)s × on-time rate + %(b)s × punctuality + %(c)s × (1 − min(mean days "
                    "overdue, %(cap_o)s) ÷ %(cap_o)s) + %(d)s × (1 − min(returned, %(cap_r)s) ÷ %(cap_r)s) + %(g)s × "
                    "mean grade points ÷ 100) ÷ the sum of the weights of the parts that apply") % {
        "a": w["ontime"], "b": w["punctuality"], "c": w["overdue"], "d": w["returned"], "g": w["grade"],
        "cap_o": c["overdue"], "cap_r": c["returned"]}])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    safe_key = period.key.replace("..", "_")
    response["Content-Disposition"] = f'attachment; filename="luoshi-scores-{safe_key}.xlsx"'
    return response
