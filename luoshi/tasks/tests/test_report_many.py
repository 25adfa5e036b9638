"""services.report_progress_on_many: several tasks' reports in one transaction, each row
refused with its own message, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.lib import InvalidInput
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.services import ReportRow, RowErrors


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_it_files_one_report_per_row(province):
    """Two rows: two reports by the lead unit, the tasks' progress set, one audit row each."""
    first, second = province.in_progress(), province.signed()
    before = AuditEvent.objects.filter(verb="submit_report").count()
    reports = services.report_progress_on_many(province.liaison, [
        ReportRow(first, "roads cleared", 50, first.version), ReportRow(second, "started", 5, second.version)])
    assert [(r.task_id, r.unit_id, r.progress) for r in reports] == [
        (first.pk, province.emergency.pk, 50), (second.pk, province.emergency.pk, 5)]
    assert Task.objects.get(pk=second.pk).status == "in_progress"
    assert AuditEvent.objects.filter(verb="submit_report").count() == before + 2


def test_it_refuses_an_empty_list(province):
    """No rows: a clear refusal, nothing written."""
    with pytest.raises(InvalidInput, match="Nothing to submit"):
        services.report_progress_on_many(province.liaison, [])


def test_one_refused_row_rolls_back_all_and_names_each_refused_task(province):
    """A stale row and a finished task: both named with their reason; the good row is not filed either."""
    good, stale, asked = province.in_progress(), province.in_progress(), province.completion_requested()
    counts = ProgressReport.objects.count()
    with pytest.raises(RowErrors) as refused:
        services.report_progress_on_many(province.liaison, [
            ReportRow(good, "fine", 20, good.version), ReportRow(stale, "late", 30, stale.version - 1),
            ReportRow(asked, "more", 90, asked.version)])
    assert set(refused.value.errors) == {stale.pk, asked.pk}
    assert "changed by someone else" in refused.value.errors[stale.pk]
    assert "moved on since the page was shown" in refused.value.errors[asked.pk]
    assert ProgressReport.objects.count() == counts and Task.objects.get(pk=good.pk).progress == 10
