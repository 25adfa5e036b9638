"""The audit administrator's viewer at /audit/: filters, pages, verification and exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import AuditCheck, AuditEvent
from luoshi.audit.views import PAGE_SIZE
from luoshi.testing.fixtures import PASSWORD, Province

OTHERS = ["supervisor", "liaison", "leader", "secretary", "sysadmin", "secadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_shows_the_trail_to_the_audit_administrator(province: Province):
    """The audit administrator sees events with their actor, action and before/after."""
    province.in_progress()
    response = client_for(province.auditadmin).get(reverse("audit_log"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "reported progress" in html and "liaison" in html and "Before and after" in html


@pytest.mark.parametrize("persona", OTHERS)
def test_it_is_404_for_everybody_else(province: Province, persona: str):
    """Every other role, administrators included, gets 404 for the viewer, its export and its check."""
    client = client_for(getattr(province, persona))
    assert client.get(reverse("audit_log")).status_code == 404
    assert client.get(reverse("audit_export", args=["csv"])).status_code == 404
    assert client.post(reverse("audit_verify")).status_code == 404
    assert not AuditEvent.objects.filter(verb__in=["read_audit", "export_audit", "verify_audit"]).exists()


def test_it_sends_anonymous_visitors_to_log_in(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(reverse("audit_log"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_the_wrong_method(province: Province):
    """The viewer and exports are read with GET; the chain check is a POST."""
    client = client_for(province.auditadmin)
    assert client.post(reverse("audit_log")).status_code == 405
    assert client.post(reverse("audit_export", args=["csv"])).status_code == 405
    assert client.get(reverse("audit_verify")).status_code == 405


def test_it_audits_the_auditors_reading(province: Province):
    """Each page read is an event of its own, with the filters used."""
    client_for(province.auditadmin).get(reverse("audit_log"), {"verb": "assign_task"})
    event = AuditEvent.objects.get(verb="read_audit")
    assert event.actor == province.auditadmin and event.after["verb"] == "assign_task"


def test_it_filters_by_actor_verb_object_and_date(province: Province):
    """Each filter narrows the events shown."""
    task = province.in_progress()
    client = client_for(province.auditadmin)
    html = client.get(reverse("audit_log"), {"actor": "liaison", "verb": "sign_task"}).content.decode()
    assert '<span class="audit-verb">signed for a task</span>' in html
    assert '<span class="audit-verb">assigned a task</span>' not in html
    html = client.get(reverse("audit_log"), {"object_type": "tasks.task", "object_id": str(task.pk)}).content.decode()
    assert '<span class="audit-verb">created a draft task</span>' in html
    assert '<span class="audit-verb">created a unit</span>' not in html
    html = client.get(reverse("audit_log"), {"date_from": "2001-01-01", "date_to": "2001-01-02"}).content.decode()
    assert "No event matches these filters." in html


def test_it_explains_a_bad_date_range(province: Province):
    """An end date before the start date is a clear message, not an error page."""
    response = client_for(province.auditadmin).get(reverse("audit_log"), {"date_from": "2022-10-08", "date_to": "2022-10-07"})
    assert response.status_code == 400 and "The end date is before the start date." in response.content.decode()


def _add_events(province: Province, n: int) -> None:
    from django.db import transaction

    from luoshi.audit.services import record_events

    with transaction.atomic():
        record_events(None, "rename_unit", [(province.root, {"n": i}) for i in range(n)])


def test_it_pages_through_the_trail(province: Province):
    """A page shows at most PAGE_SIZE events; older and newer pages follow by id."""
    _add_events(province, 2 * PAGE_SIZE)
    client = client_for(province.auditadmin)
    first = client.get(reverse("audit_log"))
    older = first.context["older"]
    assert older and len(first.context["events"]) == PAGE_SIZE and first.context["newer"] is None
    second = client.get(reverse("audit_log"), {"before": older})
    assert all(shown.event.pk < older for shown in second.context["events"])
    back = client.get(reverse("audit_log"), {"after": second.context["events"][0].event.pk})
    assert back.context["events"][-1].event.pk == older


def _queries(client: Client, query: dict[str, str]) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("audit_log"), query)
    return len(captured), len(response.context["events"])


def test_it_runs_the_same_queries_for_1_and_50_events(province: Province):
    """The page costs the same, and few, queries whatever the number of events shown."""
    client = client_for(province.auditadmin)
    one = _queries(client, {"object_type": "meetings.meeting", "object_id": str(province.meeting.pk)})
    _add_events(province, PAGE_SIZE)
    fifty = _queries(client, {"verb": "rename_unit"})
    assert (one[1], fifty[1]) == (1, PAGE_SIZE)
    assert one[0] == fifty[0] <= 16


def test_it_verifies_the_chain_on_demand(province: Province):
    """The button starts a background check (run at once by the in-process queue here); its page
    shows the result, and starting it is itself on the trail."""
    response = client_for(province.auditadmin).post(reverse("audit_verify"))
    check = AuditCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audit_check", args=[check.pk])
    html = client_for(province.auditadmin).get(response["Location"]).content.decode()
    assert "The audit chain is intact" in html and 'hx-trigger="every 1s"' not in html
    assert (check.state, check.ok) == ("done", True)
    assert AuditEvent.objects.get(verb="verify_audit").after == {"check": check.pk}


def test_the_check_page_polls_while_the_job_runs(province: Province):
    """Before the worker has finished, the page shows progress and asks again every second."""
    check = start_chain_check_without_running(province)
    client = client_for(province.auditadmin)
    html = client.get(reverse("audit_check", args=[check.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    fragment = client.get(reverse("audit_check", args=[check.pk]), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment


def test_the_check_page_is_the_audit_administrators_only(province: Province):
    """Nobody else learns that a check exists."""
    check = start_chain_check_without_running(province)
    assert client_for(province.supervisor).get(reverse("audit_check", args=[check.pk])).status_code == 404
    assert client_for(province.auditadmin).get(reverse("audit_check", args=[check.pk + 1])).status_code == 404


def start_chain_check_without_running(province: Province) -> AuditCheck:
    from luoshi.audit.services import start_chain_check

    return start_chain_check(province.auditadmin)  # the view queues the job; the service alone does not


def test_it_reports_a_broken_chain(province: Province):
    """A tampered event is named in the result."""
    from luoshi.audit.services import seal_pending

    seal_pending()
    event = AuditEvent.objects.order_by("id")[2]
    AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")  # the test plays the attacker
    response = client_for(province.auditadmin).post(reverse("audit_verify"))
    html = client_for(province.auditadmin).get(response["Location"]).content.decode()
    assert f"BROKEN at event #{event.pk}" in html
    assert AuditCheck.objects.get().ok is False


def test_it_exports_the_filtered_events_as_csv(province: Province):
    """The CSV holds the filtered events and the export is audited."""
    province.in_progress()
    response = client_for(province.auditadmin).get(reverse("audit_export", args=["csv"]), {"verb": "sign_task"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Event" and {row[3] for row in rows[1:]} == {"signed for a task"}
    assert rows[0][-2:] == ["Action code", "Object type code"] and {row[-2] for row in rows[1:]} == {"sign_task"}
    assert AuditEvent.objects.get(verb="export_audit").after == {"verb": "sign_task", "format": "csv", "rows": 1}


def test_it_exports_xlsx_with_formulas_defused(province: Province):
    """The .xlsx opens in Excel; text that looks like a formula stays text."""
    from luoshi.accounts.services import create_user

    evil = create_user(None, username="=1+2", password=PASSWORD, role="auditadmin", check_password=False)
    response = client_for(evil).get(reverse("audit_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'=1+2" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_it_refuses_an_unknown_export_format(province: Province):
    """Only .csv and .xlsx exist."""
    assert client_for(province.auditadmin).get(reverse("audit_export", args=["pdf"])).status_code == 404
