"""The ledger export (/tasks/export.xlsx): the filtered ledger as a spreadsheet."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from luoshi.tasks import services

EXPORT = "/tasks/export.xlsx"
HEADERS_EN = ["No.", "Task", "Lead unit", "Cooperating units", "Person responsible", "Deadline", "Progress",
              "Status", "Light", "Days overdue", "Latest progress"]


def client_for(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def rows_of(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_it_exports_the_filtered_ledger(province):
    """Title, filters, headers, then one row per task that passes the filters."""
    task = province.in_progress(title="repair the dikes", progress=30, cooperating_units=[province.health],
                                person_responsible="Wang Qiang")
    services.report_progress(province.liaison, task, text="half the dikes are repaired", progress=50)
    province.assigned(province.health, title="vaccinate")
    response = client_for(province.supervisor).get(EXPORT, {"unit": "EMERG"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][0] == "Task ledger"
    assert "Lead unit (and below): Emergency Management" in rows[1][0]
    assert list(rows[3][:11]) == HEADERS_EN
    data = rows[4:]
    assert len(data) == 1
    number, title, lead, cooperating, person, deadline, progress, status, light, overdue, latest = data[0][:11]
    assert (number, title, lead, cooperating, person) == (1, "repair the dikes", "Emergency Management",
                                                         "Health Commission", "Wang Qiang")
    assert deadline.date() == task.deadline and progress == "50%" and status == "in progress"
    assert light == "on track" and overdue is None and latest == "half the dikes are repaired"


def test_it_writes_headers_in_the_users_language(province):
    """A Chinese user gets Chinese headers."""
    province.assigned()
    headers = rows_of(client_for(province.supervisor, "zh-hans").get(EXPORT))[3]
    assert "督办事项" in headers and "牵头单位" in headers and "完成时限" in headers


def test_it_exports_only_what_the_user_may_see(province):
    """A liaison's export holds their unit's tasks only."""
    province.assigned(title="ours")
    province.assigned(province.health, title="theirs")
    titles = [row[1] for row in rows_of(client_for(province.liaison).get(EXPORT))[4:]]
    assert titles == ["ours"]


def test_it_exports_every_row_not_one_page(province):
    """The export is not paginated."""
    for i in range(55):
        province.draft(title=f"draft {i}")
    assert len(rows_of(client_for(province.supervisor).get(EXPORT))[4:]) == 55


def test_it_refuses_invalid_filters(province):
    """A bad filter gives the ledger page with the message, not a file."""
    response = client_for(province.supervisor).get(EXPORT, {"light": "blue"})
    assert response.status_code == 400 and "blue is not a light" in response.content.decode()


def test_it_requires_login_and_get(province):
    """Anonymous visitors go to the login page; POST is refused."""
    assert Client().get(EXPORT).status_code == 302
    assert client_for(province.supervisor).post(EXPORT).status_code == 405


def test_it_runs_the_same_queries_for_one_row_and_twenty(province):
    """The export reads the listed columns with the rows: no query per task."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(province.supervisor)
    province.assigned(title="task 0", cooperating_units=[province.health], person_responsible="Li Hua")
    client.get(EXPORT)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert len(rows_of(client.get(EXPORT))) == 5
    for i in range(1, 20):
        task = province.signed(title=f"task {i}", cooperating_units=[province.health, province.city])
        services.report_progress(province.liaison_of(task), task, text=f"report {i}", progress=10)
    with CaptureQueriesContext(connection) as twenty:
        rows = rows_of(client.get(EXPORT))
    assert len(rows) == 24 and {row[10] for row in rows[5:]} >= {"report 1", "report 19"}
    assert len(twenty.captured_queries) == len(one.captured_queries)
