"""Pages of the instruction documents (批示件) and the leaders' portfolios. Thin: an access
helper, a form, one service call, a redirect; every rule is in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi import security
from luoshi.leaders import forms, portfolio, services
from luoshi.leaders.models import InstructionDocument, LeaderInCharge
from luoshi.lib import NotFound, form_errors_to_messages, perform, signed_in
from luoshi.lib import files as filestore
from luoshi.tasks.permissions import visible_tasks

Reply = InstructionDocument.Reply
PAGE_SIZE = 50


def _document(request: HttpRequest, pk: int) -> InstructionDocument:
    try:
        return services.get_document_for_user(signed_in(request), pk)
    except NotFound:
        raise Http404 from None


@require_safe
@login_required
def instruction_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not services.may_read_instructions(user):
        raise Http404
    documents = services.visible_documents(user).select_related("leader", "lead_unit")
    state = request.GET.get("reply", "")
    if state in Reply.values:
        documents = documents.filter(reply_state=state)
    page = Paginator(documents.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leaders/instruction_list.html", {
        "page": page, "states": Reply.choices, "state": state, "may_register": services.is_office(user),
        "overdue": set(services.replies_overdue().filter(pk__in=[d.pk for d in page]).values_list("pk", flat=True)),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def instruction_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not services.is_office(user):
        raise Http404
    form = forms.RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document, _error = perform(request, lambda: services.register_instruction(user, services.InstructionInput(
            leader=data["leader"], leader_name=data["leader_name"], date=data["date"], title=data["title"],
            text=data["text"], lead_unit=data["lead_unit"], other_units=list(data["other_units"]),
            priority_areas=list(data["priority_areas"]), reply_due=data["reply_due"],
            task_deadline=data["task_deadline"], upload=data["file"])))
        if document is not None:
            messages.success(request, _("The instruction was registered; its draft tasks are ready to assign."))
            return redirect(document)
    return render(request, "leaders/instruction_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_safe
@login_required
def instruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    document = _document(request, pk)
    # Only the tasks the user may open: a liaison sees no draft, nor another unit's task.
    tasks = services.document_tasks(document).filter(pk__in=visible_tasks(user).values("pk"))
    return render(request, "leaders/instruction_detail.html", {
        "document": document, "tasks": list(tasks), "units": list(document.units.all()),
        "areas": list(document.priority_areas.all()),
        "draft_form": forms.DraftForm(initial={"text": document.reply_text, "version": document.version})
        if services.may_draft(user, document) else None,
        "review_form": forms.ReviewForm(initial={"version": document.version})
        if services.may_review(user, document) else None,
        "send_form": forms.SendForm(initial={"version": document.version})
        if services.may_send(user, document) else None,
        "overdue": services.replies_overdue().filter(pk=document.pk).exists(),
    })


@require_POST
@login_required
def reply_draft(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = signed_in(request), _document(request, pk)
    if not services.drafts_reply(user, document):
        raise Http404
    form = forms.DraftForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(document)
    _result, error = perform(request, lambda: services.draft_reply(
        user, document, text=form.cleaned_data["text"], expected_version=form.cleaned_data["version"]))
    if not error:
        messages.success(request, _("Your draft was sent to the office for review."))
    return redirect(document)


@require_POST
@login_required
def reply_review(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = signed_in(request), _document(request, pk)
    if not services.is_office(user):
        raise Http404
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(document)
    approve = form.cleaned_data["decision"] == "approve"
    _result, error = perform(request, lambda: services.review_reply(
        user, document, approve=approve, note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"]))
    if not error:
        messages.success(request, _("The draft was approved.") if approve else _("The draft was returned to the lead unit."))
    return redirect(document)


@require_POST
@login_required
def reply_send(request: HttpRequest, pk: int) -> HttpResponse:
    user, document = signed_in(request), _document(request, pk)
    if not services.is_office(user):
        raise Http404
    form = forms.SendForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    _result, error = perform(request, lambda: services.send_reply(user, document, expected_version=version))
    if not error:
        messages.success(request, _("The report was sent to the leader."))
    return redirect(document)


@require_safe
@login_required
def instruction_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The source document, streamed after the permission check (as evidence is)."""
    document = _document(request, pk)
    try:
        handle = filestore.open_stored(document.file)
    except FileNotFoundError:
        raise Http404 from None
    except filestore.StoreUnavailable as error:
        messages.error(request, str(error))
        return redirect(document)
    return security.harden_download(FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=services.served_type(document)))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def portfolios(request: HttpRequest) -> HttpResponse:
    """Who is in charge of what: the office keeps it; leaders read it."""
    user = signed_in(request)
    if not (services.may_map_leaders(user) or (user.is_active and user.role == user.Role.LEADER)):
        raise Http404
    form = forms.PortfolioForm(request.POST or None) if services.may_map_leaders(user) else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            row, _error = perform(request, lambda: services.put_in_charge(
                user, leader=data["leader"], area=data["area"], unit=data["unit"], valid_from=data["valid_from"],
                valid_to=data["valid_to"]))
            if row is not None:
                messages.success(request, _("%(leader)s is in charge of %(what)s.")
                                 % {"leader": row.leader, "what": row.area or row.unit})
                return redirect("leader_portfolios")
    rows = LeaderInCharge.objects.select_related("leader", "area", "unit").order_by("leader_id", "valid_from", "id")
    current = set(portfolio.current().values_list("pk", flat=True))
    return render(request, "leaders/portfolios.html", {
        "rows": rows, "current": current, "form": form, "end_form": forms.EndChargeForm() if form else None,
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def portfolio_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    if not services.may_map_leaders(user):
        raise Http404
    row = get_object_or_404(LeaderInCharge, pk=pk)
    form = forms.EndChargeForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("leader_portfolios")
    _result, error = perform(request, lambda: services.end_charge(user, row, valid_to=form.cleaned_data["valid_to"]))
    if not error:
        messages.success(request, _("The portfolio was ended."))
    return redirect("leader_portfolios")
