"""Downloading the office's Word documents: the bulletin, the stocktake, the minutes.

The supervision office and leaders get them; anyone else gets 404, as for a page that
does not exist. Building a document reads and never writes, so these are GET requests."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from luoshi.lib import Forbidden, InvalidInput, NotFound, signed_in
from luoshi.meetings.models import Meeting

from . import services
from .forms import BulletinForm, StocktakeForm


def _allowed(request: HttpRequest) -> None:
    if not services.may_have_documents(signed_in(request)):
        raise Http404


def _download(build: Callable[[], tuple[str, bytes]]) -> HttpResponse:
    try:
        filename, content = build()
    except (Forbidden, NotFound):
        raise Http404 from None
    response = HttpResponse(content, content_type=services.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page(request: HttpRequest, bulletin: BulletinForm | None = None,
          stocktake: StocktakeForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "documents/documents.html", {
        "bulletin_form": bulletin or BulletinForm(),
        "stocktake_form": stocktake or StocktakeForm(),
        "meetings": Meeting.objects.only("pk", "title", "date")[:20],
    }, status=status)


@require_safe
@login_required
def documents(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return _page(request)


@require_safe
@login_required
def bulletin_docx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = BulletinForm(request.GET)
    if not form.is_valid():
        return _page(request, bulletin=form, status=400)
    data = form.cleaned_data
    try:
        return _download(lambda: services.build_bulletin(
            signed_in(request), period=data["period"], number=data["number"],
            meeting_kind=data["meeting_kind"], title=data["title"],
        ))
    except InvalidInput as error:
        form.add_error(None, str(error))
        return _page(request, bulletin=form, status=400)


@require_safe
@login_required
def stocktake_docx(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = StocktakeForm(request.GET)
    if not form.is_valid():
        return _page(request, stocktake=form, status=400)
    return _download(lambda: services.build_stocktake(signed_in(request), form.cleaned_data["area"]))


@require_safe
@login_required
def meeting_minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    return _download(lambda: services.build_minutes(signed_in(request), pk))


@require_safe
@login_required
def meeting_look_back_docx(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    return _download(lambda: services.build_look_back(signed_in(request), pk))
