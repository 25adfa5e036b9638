"""The system administrator's pages (系统管理员): the unit tree and the priority areas.
Nobody else sees them; the writes go through luoshi/units/services.py and
luoshi/meetings/services.py, which check the role again and write the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.accounts.models import User
from luoshi.lib import perform, signed_in
from luoshi.meetings.models import PriorityArea
from luoshi.meetings.services import create_priority_area, rename_priority_area
from luoshi.units import forms, services
from luoshi.units.models import Unit


def _sysadmin(request: HttpRequest) -> User:
    user = signed_in(request)
    if not (user.is_active and user.role == User.Role.SYSTEM_ADMIN):
        raise Http404
    return user


def _units() -> list[Unit]:
    return list(Unit.objects.select_related("parent").annotate(member_count=Count("members")).order_by("path"))


def _unit_or_404(pk: int) -> Unit:
    try:
        return Unit.objects.select_related("parent").get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None


# --- units -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    user = _sysadmin(request)
    units = _units()
    form = forms.UnitCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit, _error = perform(request, lambda: services.create_unit(
            user, code=data["code"], name_zh=data["name_zh"], name_en=data["name_en"], kind=data["kind"],
            parent=data["parent"], keywords_zh=data["keywords_zh"], keywords_en=data["keywords_en"]))
        if unit is not None:
            messages.success(request, _("The unit “%(name)s” is created.") % {"name": unit.name})
            return redirect("unit_list")
    rows = [(unit, forms.depth(unit)) for unit in units]
    failed = request.method == "POST"
    return render(request, "units/unit_list.html", {"rows": rows, "form": form}, status=422 if failed else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _sysadmin(request)
    unit = _unit_or_404(pk)
    units = _units()
    names = forms.UnitNamesForm(request.POST or None, initial={
        "name_zh": unit.name_zh, "name_en": unit.name_en,
        "keywords_zh": unit.keywords_zh, "keywords_en": unit.keywords_en})
    if request.method == "POST" and names.is_valid():
        saved, _error = perform(request, lambda: services.rename_unit(user, unit, **names.cleaned_data))
        if saved is not None:
            messages.success(request, _("The unit “%(name)s” is saved.") % {"name": saved.name})
            return redirect("unit_list")
    move = forms.UnitMoveForm(initial={"parent": unit.parent_id}, unit=unit, units=units)
    context = {"unit": unit, "names": names, "move": move, "is_root": unit.parent_id is None,
               "members": unit.members.count(), "children": unit.children.count()}
    return render(request, "units/unit_edit.html", context, status=422 if request.method == "POST" else 200)


@require_POST
@login_required
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _sysadmin(request)
    unit = _unit_or_404(pk)
    move = forms.UnitMoveForm(request.POST, unit=unit, units=_units())
    if move.is_valid():
        parent = move.cleaned_data["parent"]

        def attempt() -> Unit | services.NeedsConfirmation:
            try:
                return services.move_unit(user, unit, parent=parent,
                                          confirmed_tasks=move.cleaned_data["confirmed_tasks"])
            except services.NeedsConfirmation as question:
                return question

        moved, _error = perform(request, attempt)
        if isinstance(moved, services.NeedsConfirmation):
            return render(request, "units/unit_move_confirm.html", {
                "unit": unit, "parent": parent, "question": moved}, status=409)
        if moved is not None:
            messages.success(request, _("“%(name)s” is now under “%(parent)s”.")
                             % {"name": moved.name, "parent": moved.parent.name if moved.parent else ""})
            return redirect("unit_list")
    else:
        messages.error(request, _("Choose the new parent unit from the list."))
    return redirect("unit_edit", pk=unit.pk)


# --- priority areas ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    user = _sysadmin(request)
    form = forms.AreaCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area, _error = perform(request, lambda: create_priority_area(user, **form.cleaned_data))
        if area is not None:
            messages.success(request, _("The priority area “%(name)s” is created.") % {"name": area.name})
            return redirect("area_list")
    areas = PriorityArea.objects.annotate(directive_count=Count("directive"))
    return render(request, "units/area_list.html", {"areas": areas, "form": form},
                  status=422 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _sysadmin(request)
    try:
        area = PriorityArea.objects.get(pk=pk)
    except PriorityArea.DoesNotExist:
        raise Http404 from None
    form = forms.AreaNamesForm(request.POST or None, initial={
        "name_zh": area.name_zh, "name_en": area.name_en,
        "keywords_zh": area.keywords_zh, "keywords_en": area.keywords_en})
    if request.method == "POST" and form.is_valid():
        saved, _error = perform(request, lambda: rename_priority_area(user, area, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("The priority area “%(name)s” is saved.") % {"name": saved.name})
            return redirect("area_list")
    return render(request, "units/area_edit.html", {"area": area, "form": form},
                  status=422 if request.method == "POST" else 200)
