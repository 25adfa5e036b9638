"""Milestones on the task page: plan one (the office or the lead unit) and mark one done with
a report and evidence (the lead unit). Plain forms that redirect back to the task."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.lib import NotFound, form_errors_to_messages, perform, signed_in
from luoshi.tasks import services
from luoshi.tasks.forms import DateInput, MultipleFileField
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.models import Milestone
from luoshi.tasks.permissions import can, get_task_for_user


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=300)
    due = forms.DateField(label=gettext_lazy("Due"), input_formats=["%Y-%m-%d"], widget=DateInput())


class MilestoneDoneForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("What was done"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=gettext_lazy("Evidence files"), required=False)  # type: ignore[assignment]  # django-stubs types Form.files as the upload dict


@require_POST
@login_required
def add_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = get_task_for_user(signed_in(request), pk, Action.ADD_MILESTONE)
    except NotFound:
        raise Http404 from None
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        _result, error = perform(request, lambda: services.add_milestone(
            signed_in(request), task, title=form.cleaned_data["title"], due=form.cleaned_data["due"]))
        if not error:
            messages.success(request, _("The milestone was added."))
    return redirect(task)


@require_POST
@login_required
def complete_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk)
    try:
        task = get_task_for_user(signed_in(request), milestone.task_id)
    except NotFound:
        raise Http404 from None
    if not can(signed_in(request), Action.COMPLETE_MILESTONE, task):
        raise Http404
    form = MilestoneDoneForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        _result, error = perform(request, lambda: services.complete_milestone(
            signed_in(request), milestone, text=form.cleaned_data["text"], files=form.cleaned_data["files"]))
        if not error:
            messages.success(request, _("The milestone is done; your report was sent."))
    return redirect(task)
