"""The ledger page (/tasks/): filters, counts, pagination, htmx fragment, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi import lib
from luoshi.tasks import services
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.models import Task

LEDGER = "/tasks/"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [task.title for task in response.context["page"].object_list]


def named(province, title: str, **kwargs) -> Task:  # type: ignore[no-untyped-def]
    return province.assigned(title=title, **kwargs)


def test_it_has_the_agreed_address(db):
    """The dashboards link to /tasks/ by the URL name 'ledger'."""
    assert reverse("ledger") == LEDGER and reverse("ledger_export") == "/tasks/export.xlsx"


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(LEDGER)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_post(province):
    """The ledger is read-only: POST is 405."""
    assert client_for(province.supervisor).post(LEDGER).status_code == 405


@pytest.mark.parametrize("persona", ["supervisor", "leader"])
def test_it_shows_every_task_to_readers_of_everything(province, persona):
    """The office and leaders see every task."""
    province.assigned(title="emergency work")
    province.assigned(province.health, title="health work")
    response = client_for(getattr(province, persona)).get(LEDGER)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["emergency work", "health work"]


def test_it_shows_a_liaison_only_the_tasks_of_their_unit(province):
    """A liaison sees what their unit leads or cooperates on, and nothing else."""
    province.assigned(title="ours")
    province.assigned(province.health, title="we help", cooperating_units=[province.emergency])
    province.assigned(province.health, title="not ours")
    response = client_for(province.liaison).get(LEDGER)
    assert sorted(titles(response)) == ["ours", "we help"]
    assert "not ours" not in response.content.decode()


def test_it_shows_a_city_the_tasks_of_its_counties(province):
    """A city liaison sees its counties' tasks; the county does not see the city's."""
    province.assigned(province.city, title="city work")
    province.assigned(province.county, title="county work")
    assert sorted(titles(client_for(province.city_liaison).get(LEDGER))) == ["city work", "county work"]
    assert titles(client_for(province.county_liaison).get(LEDGER)) == ["county work"]


@pytest.mark.parametrize("persona", ["secretary", "sysadmin", "secadmin", "auditadmin"])
def test_it_shows_no_tasks_to_roles_without_business_data(province, persona):
    """The secretary and the three administrators get an empty ledger, not tasks."""
    province.assigned(title="secret work")
    response = client_for(getattr(province, persona)).get(LEDGER)
    assert response.status_code == 200 and titles(response) == []
    assert "secret work" not in response.content.decode()


def test_it_filters_by_unit_and_its_subtree(province):
    """?unit=SY matches tasks led by Shenyang and by its districts."""
    province.assigned(province.city, title="city")
    province.assigned(province.county, title="county")
    province.assigned(title="emergency")
    client = client_for(province.supervisor)
    assert sorted(titles(client.get(LEDGER, {"unit": "SY"}))) == ["city", "county"]
    assert titles(client.get(LEDGER, {"unit": "SY-HP"})) == ["county"]


def test_it_filters_by_status(province):
    """?status=completion_requested shows only tasks awaiting approval."""
    province.completion_requested(title="asking")
    province.signed(title="signed")
    response = client_for(province.supervisor).get(LEDGER, {"status": "completion_requested"})
    assert titles(response) == ["asking"]


def test_it_filters_by_light_and_counts_lights(province):
    """?light=red shows red tasks; the counts describe the filtered set."""
    red = province.signed(title="late")
    services.update_task(province.supervisor, red, blocked=True)
    province.signed(title="fine")
    client = client_for(province.supervisor)
    response = client.get(LEDGER, {"light": "red"})
    assert titles(response) == ["late"]
    counts = response.context["counts"]
    assert (counts.red, counts.amber, counts.green, counts.total) == (1, 0, 0, 1)
    counts = client.get(LEDGER).context["counts"]
    assert (counts.red, counts.green, counts.total) == (1, 1, 2)


def test_it_filters_by_priority_area(province):
    """?area=SAFETY shows the tasks of that priority area."""
    with_area = province.assigned(title="safety")
    bare = province.assigned(title="other")
    bare.priority_areas.clear()
    assert with_area.priority_areas.filter(code="SAFETY").exists()
    assert titles(client_for(province.supervisor).get(LEDGER, {"area": "SAFETY"})) == ["safety"]


def test_it_filters_by_meeting(province):
    """?meeting=<id> shows the tasks that came from that meeting's directives."""
    from luoshi.meetings.services import DirectiveInput, record_meeting

    other = record_meeting(province.secretary, kind="executive", title="another meeting", date=dt.date(2022, 11, 1),
                           readout="要做好另一件事。", directives=[DirectiveInput(text="要做好另一件事。")])
    province.assigned(title="first meeting")
    services.assign_task(province.supervisor, services.create_task(
        province.supervisor, other.directives.get(), lead_unit=province.emergency, title="second meeting",
        deadline=lib.today() + dt.timedelta(days=20)))
    client = client_for(province.supervisor)
    assert titles(client.get(LEDGER, {"meeting": other.pk})) == ["second meeting"]
    assert titles(client.get(LEDGER, {"meeting": province.meeting.pk})) == ["first meeting"]


def test_it_filters_by_deadline_range(province):
    """deadline_from and deadline_to bound the deadline, both inclusive."""
    for days in (10, 20, 30):
        province.assigned(title=f"in {days} days", deadline_days=days)
    day = lib.today() + dt.timedelta(days=20)
    client = client_for(province.supervisor)
    assert titles(client.get(LEDGER, {"deadline_from": day.isoformat()})) == ["in 20 days", "in 30 days"]
    assert titles(client.get(LEDGER, {"deadline_to": day.isoformat()})) == ["in 10 days", "in 20 days"]
    assert titles(client.get(LEDGER, {"deadline_from": day.isoformat(), "deadline_to": day.isoformat()})) == ["in 20 days"]


def test_it_searches_title_and_description(province):
    """?q= finds words in the title or the description."""
    province.assigned(title="flood control plan")
    province.assigned(title="other", description="repair the flood walls")
    province.assigned(title="unrelated")
    assert sorted(titles(client_for(province.supervisor).get(LEDGER, {"q": "flood"}))) == ["flood control plan", "other"]


def test_it_sorts(province):
    """Each sort order puts the rows in the order it names."""
    soon = province.in_progress(title="soon", deadline_days=5, progress=60)
    late = province.in_progress(title="late", deadline_days=50, progress=20)
    services.update_task(province.supervisor, late, blocked=True)  # red
    province.draft(title="undated", deadline_days=40)
    Task.objects.filter(title="undated").update(deadline=None)
    client = client_for(province.supervisor)
    assert titles(client.get(LEDGER)) == ["soon", "late", "undated"]
    assert titles(client.get(LEDGER, {"sort": "-deadline"})) == ["undated", "late", "soon"]
    assert titles(client.get(LEDGER, {"sort": "progress"}))[:2] == ["undated", "late"]
    assert titles(client.get(LEDGER, {"sort": "-progress"}))[0] == "soon"
    assert titles(client.get(LEDGER, {"sort": "light"}))[0] == "late"
    assert titles(client.get(LEDGER, {"sort": "updated"})) == ["undated", "late", "soon"]
    assert soon.pk


@pytest.mark.parametrize("sort", ["deadline", "-deadline"])
def test_the_deadline_order_is_read_off_its_index(province, sort):
    """The ledger's default order walks tasks_deadline_sort_idx rather than sorting every task:
    on SQLite that needs the far-future date written into the SQL as the index writes it."""
    province.in_progress(title="soon", deadline_days=5)
    with CaptureQueriesContext(connection) as queries:
        client_for(province.supervisor).get(LEDGER, {"sort": sort})
    listed = next(q["sql"] for q in queries if "ORDER BY COALESCE" in q["sql"])
    if connection.vendor == "sqlite":
        assert "COALESCE(\"tasks_task\".\"deadline\", '9999-12-31')" in listed
        rows = LedgerQuery(sort=sort).tasks_for(province.supervisor).prefetch_related(None).values_list("id")[:50]
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        assert "tasks_deadline_sort_idx" in plan and "TEMP B-TREE" not in plan
    else:
        assert "'9999-12-31'::date" in listed


@pytest.mark.parametrize("params, message", [
    ({"unit": "NOPE"}, "There is no unit with the code NOPE."),
    ({"status": "lost"}, "lost is not a task status."),
    ({"light": "blue"}, "blue is not a light"),
    ({"area": "XX"}, "There is no priority area with the code XX."),
    ({"meeting": "999999"}, "There is no meeting number 999999."),
    ({"meeting": "abc"}, "No meeting is named or dated “abc”."),
    ({"deadline_from": "2024-13-45"}, "Write the date as YYYY-MM-DD."),
    ({"deadline_to": "yesterday"}, "Write the date as YYYY-MM-DD."),
    ({"deadline_from": "2025-02-01", "deadline_to": "2025-01-01"}, "no task can match"),
    ({"sort": "title"}, "The ledger cannot be ordered by title."),
])
def test_it_explains_invalid_filters(province, params, message):
    """A filter value it cannot use gives a clear message and a 400, never a 500."""
    province.assigned()
    response = client_for(province.supervisor).get(LEDGER, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_survives_a_page_number_out_of_range(province):
    """?page=99 or ?page=x shows a page instead of failing."""
    province.assigned()
    client = client_for(province.supervisor)
    assert client.get(LEDGER, {"page": "99"}).status_code == 200
    assert client.get(LEDGER, {"page": "x"}).status_code == 200


def _many(province, n: int) -> None:  # type: ignore[no-untyped-def]
    """n assigned tasks with cooperating units, through the services."""
    for i in range(n):
        province.assigned(title=f"task {i:02}", cooperating_units=[province.health, province.city])


def test_it_pages_fifty_rows_at_a_time(province):
    """51 tasks make two pages; the second holds the last one."""
    _many(province, 51)
    client = client_for(province.supervisor)
    first = client.get(LEDGER)
    assert len(titles(first)) == 50 and first.context["counts"].total == 51
    assert "Page 1 of 2" in first.content.decode()
    assert len(titles(client.get(LEDGER, {"page": 2}))) == 1


@pytest.mark.parametrize("persona", ["supervisor", "liaison"])
def test_it_runs_the_same_queries_for_one_row_and_fifty(province, persona):
    """The number of queries does not grow with the rows shown."""
    user = getattr(province, persona)
    _many(province, 1)
    client = client_for(user)
    client.get(LEDGER)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert len(titles(client.get(LEDGER))) == 1
    _many(province, 49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(titles(client.get(LEDGER))) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries) <= 12


def test_it_shows_each_row_with_its_facts(province):
    """A row has the light, the title link, the units, the deadline, progress, status and days overdue."""
    task = province.in_progress(title="repair the dikes", progress=40, cooperating_units=[province.health])
    Task.objects.filter(pk=task.pk).update(deadline=lib.today() - dt.timedelta(days=3), light="red")
    html = client_for(province.supervisor).get(LEDGER).content.decode()
    assert f'href="/tasks/{task.pk}/"' in html and "repair the dikes" in html
    assert "Emergency Management" in html and "Health Commission" in html
    assert "40%" in html and "in progress" in html and "3 days" in html and 'class="dot red"' in html


def test_it_answers_htmx_with_the_table_fragment(province):
    """With htmx, the view returns only the table and pushes a clean address."""
    province.assigned(title="one")
    response = client_for(province.supervisor).get(
        LEDGER, {"light": "green", "q": "", "unit": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="ledger-table"' in html
    assert response["HX-Push-Url"] == "/tasks/?light=green"
    assert "HX-Request" in response["Vary"]


def test_it_links_the_export_with_the_same_filters(province):
    """The export link carries the filters on screen."""
    province.assigned()
    html = client_for(province.supervisor).get(LEDGER, {"light": "green", "unit": "EMERG"}).content.decode()
    assert "/tasks/export.xlsx?light=green&amp;unit=EMERG" in html


@pytest.mark.parametrize("value", ["-1", "1.5", "99999999999999999999", "１"])
def test_it_refuses_meeting_numbers_that_cannot_be(province, value):
    """Negative, decimal, huge or full-width numbers get the same clear error, never a crash."""
    response = client_for(province.supervisor).get(LEDGER, {"meeting": value})
    assert response.status_code == 400
    expected = (f"There is no meeting number {value}." if value.isascii() and value.isdigit()
                else f"No meeting is named or dated “{value}”.")
    assert expected in response.content.decode()


def test_it_suggests_the_latest_meetings_not_all_of_them(province, monkeypatch):
    """The meeting field suggests the latest meetings by date and title; older ones are typed."""
    from luoshi.meetings.services import record_meeting
    from luoshi.tasks import forms

    newer = record_meeting(province.secretary, kind="executive", title="the newest meeting", date=dt.date(2022, 12, 1))
    monkeypatch.setattr(forms, "RECENT_MEETINGS", 1)
    page = client_for(province.supervisor).get(LEDGER).content.decode()
    assert '<option value="2022-12-01 · the newest meeting"' in page
    assert "省政府第1次常务会议" not in page and f'<option value="{newer.pk}"' not in page


def test_it_names_the_chosen_meeting_among_the_applied_filters(province):
    """?meeting=<number> is shown with the meeting's date and title, and spaces around it are ignored."""
    province.assigned(title="from the meeting")
    response = client_for(province.supervisor).get(LEDGER, {"meeting": f" {province.meeting.pk} "})
    assert titles(response) == ["from the meeting"]
    assert ("Meeting", "2022-10-07 · 省政府第1次常务会议") in response.context["query"].applied


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_ledger_rows_show_each_tasks_light_reason_units_and_overdue_days(province, language):
    """Overdue or not, with or without cooperating units and deadline, escaped titles, in both languages."""
    from django.utils import translation

    province.signed(province.city, title="<b>防汛</b> & “flood” " + "长" * 100,
                    cooperating_units=[province.health, province.emergency])
    late = province.signed(deadline_days=1)
    Task.objects.filter(pk=late.pk).update(deadline=lib.today() - dt.timedelta(days=3), light="red",
                                           light_rule="overdue", light_amount=3)
    Task.objects.filter(pk=province.signed().pk).update(light="amber", light_rule="monthly_report_late", light_amount=4)
    Task.objects.filter(pk=province.signed().pk).update(light_rule="")  # stored before reasons: the light's word
    Task.objects.filter(pk=province.draft().pk).update(deadline=None)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(province.supervisor)
    html = client.get(LEDGER).content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr") == 5
    shortened = "&lt;b&gt;防汛&lt;/b&gt; &amp; “flood” " + "长" * 60  # cut to 90 characters, the ellipsis included
    assert shortened in rows and shortened + "长" * 10 not in rows
    english = language == "en"
    assert ('<span class="light-reason">' + ("monthly report 4 days late" if english else "月报逾期4天")) in rows
    assert ("Red: 3 days overdue" if english else "红灯：已超期3天") in rows  # the dot's label
    assert (">3 days<" if english else ">3天<") in rows  # the overdue column
    with translation.override(language):
        assert f"{province.emergency}、{province.health}</td>" in rows
    assert rows.count('<span class="muted">—</span>') >= 4  # no cooperating units, not overdue


def test_task_rows_are_the_tasks_as_models_show_them(province):
    """task_rows (plain values, two queries) and TaskRow.of (from models) agree, units in order."""
    from luoshi.tasks.ledger import TaskRow, task_rows

    province.signed(province.city, cooperating_units=[province.health, province.county, province.emergency],
                    person_responsible="Li Hua")
    province.in_progress(progress=40)
    Task.objects.filter(pk=province.draft().pk).update(deadline=None)
    ordered = Task.objects.select_related("lead_unit").prefetch_related("cooperating_units").order_by("-id")
    rows = task_rows(ordered[:2])
    assert rows == [TaskRow.of(task) for task in ordered[:2]]
    assert rows[0].deadline is None and rows[1].progress == 40
    three = task_rows(ordered)[-1].cooperating_units
    assert [unit.code for unit in three] == [u.code for u in Task.objects.get(person_responsible="Li Hua").cooperating_units.all()]
    assert len(three) == 3


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_unit_lists_label_each_unit_by_its_place_in_the_tree(province, language):
    """Each option is the unit's name in the reader's language, indented by its depth, in the
    tree's order (luoshi/units/pickers.py)."""
    from django.utils import translation

    from luoshi.tasks.forms import AssignForm
    from luoshi.units.models import Unit
    from luoshi.units.pickers import tree_sorted

    task = province.assigned()
    with translation.override(language):
        form = AssignForm(task=task, user=province.supervisor)
        for name in ("lead_unit", "cooperating_units"):
            labels = [(str(value), label) for value, label in form.fields[name].choices if value != ""]
            assert labels == [(str(unit.pk), "\u3000" * max(0, unit.path.count("/") - 2) + unit.name)
                              for unit in tree_sorted(Unit.objects.all())], name
        assert any(label.startswith("\u3000") for _value, label in labels)


def test_it_finds_a_meeting_by_a_part_of_its_name_or_its_date(province):
    """The meeting field takes what people know: words of the title, the date, or a suggestion."""
    from luoshi.meetings.services import DirectiveInput, record_meeting

    other = record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议", date=dt.date(2022, 11, 1),
                           directives=[DirectiveInput(text="要做好冬季供暖。")])
    province.assigned(title="first meeting")
    services.assign_task(province.supervisor, services.create_task(
        province.supervisor, other.directives.get(), lead_unit=province.emergency, title="second meeting",
        deadline=lib.today() + dt.timedelta(days=9)))
    client = client_for(province.supervisor)
    assert titles(client.get(LEDGER, {"meeting": "第2次"})) == ["second meeting"]
    assert titles(client.get(LEDGER, {"meeting": "2022-10-07"})) == ["first meeting"]
    assert titles(client.get(LEDGER, {"meeting": "2022-11-01 · 省政府第2次常务会议"})) == ["second meeting"]
    page = client.get(LEDGER, {"meeting": str(other.pk)}).content.decode()
    assert 'value="2022-11-01 · 省政府第2次常务会议"' in page  # a link's number is shown as the meeting


def test_it_asks_to_choose_when_several_meetings_match(province):
    """Words found in several titles: a 400 naming them, nothing guessed."""
    from luoshi.meetings.services import record_meeting

    record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议", date=dt.date(2022, 11, 1))
    response = client_for(province.supervisor).get(LEDGER, {"meeting": "常务会议"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Several meetings match “常务会议”" in html and "2022-11-01 · 省政府第2次常务会议" in html


def test_the_meeting_suggestions_search_every_meeting_as_one_types(province, monkeypatch):
    """GET /tasks/meetings/?meeting=… (htmx, as one types) suggests matching meetings, old ones too."""
    from luoshi.meetings.services import record_meeting
    from luoshi.tasks import forms

    record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议", date=dt.date(2022, 11, 1))
    monkeypatch.setattr(forms, "RECENT_MEETINGS", 1)
    client = client_for(province.supervisor)
    latest = client.get("/tasks/meetings/").content.decode()
    assert "2022-11-01 · 省政府第2次常务会议" in latest and "第1次" not in latest
    for typed in ("第1次", "2022-10", "2022-10-07 · 省政府第1次常务会议"):
        found = client.get("/tasks/meetings/", {"meeting": typed}).content.decode()
        assert found.startswith('<datalist id="ledger-meetings">'), typed
        assert '<option value="2022-10-07 · 省政府第1次常务会议" data-initials="2022-10-07·szfd1ccwhy">' in found, typed
    assert "<option" not in client.get("/tasks/meetings/", {"meeting": "没有这个会议"}).content.decode()


def test_the_meeting_suggestions_name_no_meeting_to_an_administrator(province):
    """The three administrators see no business data, meetings included."""
    for user in (province.sysadmin, province.auditadmin):
        assert "<option" not in client_for(user).get("/tasks/meetings/", {"meeting": "会议"}).content.decode()
        assert "<option" not in client_for(user).get(LEDGER).content.decode().split("ledger-meetings", 1)[1].split(
            "</datalist>", 1)[0]
