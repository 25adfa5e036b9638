"""Outcome indicators on the task page: the office adds one with its planned trajectory; the
office or the lead unit uploads actuals from Excel. Plain forms that redirect back to the task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.lib import NotFound, form_errors_to_messages, perform, signed_in
from luoshi.tasks import services
from luoshi.tasks.indicator_import import read_actuals
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.permissions import get_task_for_user


class IndicatorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=200)
    measure = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=50, required=False)
    baseline = forms.DecimalField(label=gettext_lazy("Baseline"), max_digits=18, decimal_places=4)
    target = forms.DecimalField(label=gettext_lazy("Target"), max_digits=18, decimal_places=4)
    plan = forms.CharField(
        label=gettext_lazy("Planned trajectory"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One point a line: a date and the value planned for it, e.g. “2026-06-30 6000”. "
                               "The plan runs in straight lines between the points."))

    def clean_plan(self) -> list[tuple[dt.date, Decimal]]:
        points, errors = [], []
        for number, line in enumerate(self.cleaned_data["plan"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace(",", " ").replace("，", " ").split()
            try:
                if len(parts) != 2:
                    raise ValueError
                points.append((dt.date.fromisoformat(parts[0]), Decimal(parts[1])))
            except (ValueError, InvalidOperation):
                errors.append(_("Line %(n)s, “%(line)s”: write a date (YYYY-MM-DD) and a number.")
                              % {"n": number, "line": line.strip()})
        if errors:
            raise forms.ValidationError(errors)
        return points


class ActualsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"),
                           help_text=gettext_lazy("Three columns: indicator, date (YYYY-MM-DD), value; a header "
                                                  "row is allowed. An actual for a day already reported replaces it."))


@require_POST
@login_required
def add_indicator(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    try:
        task = get_task_for_user(user, pk, Action.PLAN_INDICATORS)
    except NotFound:
        raise Http404 from None
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        data = form.cleaned_data
        _result, error = perform(request, lambda: services.add_indicator(
            user, task, name=data["name"], measure=data["measure"], baseline=data["baseline"],
            target=data["target"], plan=data["plan"]))
        if not error:
            messages.success(request, _("The indicator was added."))
    return redirect(task)


@require_POST
@login_required
def import_actuals(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    try:
        task = get_task_for_user(user, pk, Action.RECORD_ACTUALS)
    except NotFound:
        raise Http404 from None
    form = ActualsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        upload = form.cleaned_data["file"]
        count, error = perform(request, lambda: services.record_actuals(
            user, task, read_actuals(upload, upload.name or ""), source=upload.name or ""))
        if not error:
            messages.success(request, _("%(n)s actuals were recorded.") % {"n": count})
    return redirect(task)
