"""The ledger of commitments of one agreement or plan: read it, add to it, move one on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi import lib
from luoshi.lib import Forbidden, NotFound, form_errors_to_messages, perform, signed_in
from luoshi.meetings.models import AgendaItem

from . import services
from .forms import AdvanceForm, CommitmentForm, MilestoneDoneForm, MilestoneForm
from .models import Commitment, CommitmentMilestone


def _page(request: HttpRequest, item: AgendaItem, form: CommitmentForm | None, status: int = 200) -> HttpResponse:
    commitments = list(Commitment.objects.filter(agenda_item=item).select_related("province_unit").prefetch_related(
        Prefetch("milestones", queryset=CommitmentMilestone.objects.order_by("due", "id"))))
    manages = services.may_manage(signed_in(request))
    context: dict[str, Any] = {
        "item": item, "meeting": item.meeting, "commitments": commitments, "form": form,
        "funnel": services.funnels([item])[item.pk], "manages": manages, "today": lib.today(),
        "milestone_form": MilestoneForm() if manages else None,
    }
    return render(request, "commitments/ledger.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def commitments(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    try:
        item = services.get_item_for_user(user, pk)
    except NotFound:
        raise Http404 from None
    manages = services.may_manage(user)
    if request.method != "POST":
        return _page(request, item, CommitmentForm(initial={"signed_on": item.meeting.date}) if manages else None)
    if not manages:
        raise Http404
    form = CommitmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done, _error = perform(request, lambda: services.add_commitment(
            user, item, title=data["title"], province_unit=data["province_unit"], counterparty=data["counterparty"],
            signed_on=data["signed_on"], milestones=data["milestones"]))
        if done is not None:
            messages.success(request, _("The commitment is recorded."))
            return redirect(reverse("commitments", args=[item.pk]))
    return _page(request, item, form, status=400)


def _back(commitment: Commitment) -> HttpResponse:
    return redirect(reverse("commitments", args=[commitment.agenda_item_id]) + f"#c{commitment.pk}")


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    try:
        return services.get_commitment(signed_in(request), pk)
    except (Forbidden, NotFound):
        raise Http404 from None


@require_POST
@login_required
def commitment_advance(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return _back(commitment)
    done, _error = perform(request, lambda: services.advance_commitment(
        signed_in(request), commitment, expected_stage=form.cleaned_data["stage"], on=form.cleaned_data["on"]))
    if done is not None:
        messages.success(request, _("The commitment is now %(stage)s.") % {"stage": done.get_stage_display()})
    return _back(commitment)


@require_POST
@login_required
def commitment_milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _commitment(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return _back(commitment)
    done, _error = perform(request, lambda: services.add_commitment_milestone(
        signed_in(request), commitment, title=form.cleaned_data["title"], due=form.cleaned_data["due"]))
    if done is not None:
        messages.success(request, _("The milestone is added."))
    return _back(commitment)


@require_POST
@login_required
def commitment_milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        milestone = services.get_milestone(signed_in(request), pk)
    except (Forbidden, NotFound):
        raise Http404 from None
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return _back(milestone.commitment)
    done, _error = perform(request, lambda: services.complete_commitment_milestone(
        signed_in(request), milestone, on=form.cleaned_data["on"]))
    if done is not None:
        messages.success(request, _("The milestone is done."))
    return _back(milestone.commitment)
