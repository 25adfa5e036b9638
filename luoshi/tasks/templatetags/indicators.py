"""The task page's indicators card: each outcome indicator's planned trajectory against its
actuals (a table, and an ECharts line drawn from the same figures), and the forms to add an
indicator or upload actuals for those who may."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.tasks import lights
from luoshi.tasks.indicator_views import ActualsUploadForm, IndicatorForm
from luoshi.tasks.lifecycle import Action
from luoshi.tasks.models import Indicator, IndicatorPoint, Task, plain_number
from luoshi.tasks.permissions import may_offer

register = template.Library()


def series(indicator: Indicator) -> dict[str, Any]:
    """One indicator's figures as the chart (and the stocktake) read them."""
    points = list(indicator.points.all())
    return {
        "name": indicator.name, "measure": indicator.measure,
        "plan": [[p.day.isoformat(), float(p.value)] for p in points if p.kind == IndicatorPoint.Kind.PLAN],
        "actual": [[p.day.isoformat(), float(p.value)] for p in points if p.kind == IndicatorPoint.Kind.ACTUAL],
    }


@register.filter
def indicator_number(value: Any) -> str:
    return plain_number(value)


@register.inclusion_tag("tasks/_indicators.html", takes_context=True)
def task_indicators(context: dict[str, Any], task: Task) -> dict[str, Any]:
    user = context["request"].user
    indicators = list(Indicator.objects.filter(task=task).prefetch_related("points").order_by("pk"))
    rows = []
    for indicator in indicators:
        points = list(indicator.points.all())
        actuals = [p for p in points if p.kind == IndicatorPoint.Kind.ACTUAL]
        rows.append({"indicator": indicator, "latest": actuals[-1] if actuals else None,
                     "plan": [p for p in points if p.kind == IndicatorPoint.Kind.PLAN]})
    may_plan = may_offer(user, Action.PLAN_INDICATORS, task)
    may_record = may_offer(user, Action.RECORD_ACTUALS, task)
    return {"task": task, "rows": rows, "chart": [series(i) for i in indicators],
            "rules": lights.LightRules.from_settings(),
            "csrf_token": context.get("csrf_token"),
            "add_form": IndicatorForm(label_suffix="", auto_id="id_indicator_%s") if may_plan else None,
            "upload_form": ActualsUploadForm(label_suffix="", auto_id="id_actuals_%s") if may_record else None}
