from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from luoshi.audit.services import record_event
from luoshi.leaders.models import InstructionDocument, LeaderInCharge
from luoshi.lib import read_only_admin


def _row(obj: LeaderInCharge) -> dict[str, object]:
    return {"leader": obj.leader_id, "area": obj.area_id, "unit": obj.unit_id, "valid_from": obj.valid_from,
            "valid_to": obj.valid_to}


@admin.register(LeaderInCharge)
class LeaderInChargeAdmin(admin.ModelAdmin):
    """The portfolios, kept here as well as on the office's page (/leaders/portfolios/):
    every change is audited, as the page's are."""

    list_display = ["leader", "area", "unit", "valid_from", "valid_to"]
    list_filter = ["area"]

    def save_model(self, request: HttpRequest, obj: LeaderInCharge, form: Any, change: bool) -> None:
        before = _row(LeaderInCharge.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        record_event(request.user, "update_leader_in_charge" if change else "put_leader_in_charge", obj,
                     before=before, after=_row(obj))

    def delete_model(self, request: HttpRequest, obj: LeaderInCharge) -> None:
        record_event(request.user, "delete_leader_in_charge", obj, before=_row(obj))
        super().delete_model(request, obj)


@admin.register(InstructionDocument)
@read_only_admin
class InstructionDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "leader", "leader_name", "lead_unit", "reply_due", "reply_state"]
    list_filter = ["reply_state"]
    search_fields = ["title", "text"]
