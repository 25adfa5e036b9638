"""The office's Word documents: the documents page, the bulletin, the stocktake and the minutes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document

from luoshi import lib
from luoshi.documents import services
from luoshi.extraction import extract
from luoshi.meetings import extracting
from luoshi.meetings import services as meeting_services
from luoshi.meetings.models import Meeting
from luoshi.tasks import counts
from luoshi.tasks import services as tasks
from luoshi.tasks.models import Task
from luoshi.testing import city
from luoshi.testing.city import add_city_departments
from luoshi.testing.fixtures import PASSWORD

READERS = ["supervisor", "leader"]
OTHERS = ["liaison", "city_liaison", "other_liaison", "secretary", "sysadmin", "secadmin", "auditadmin"]
MEETING_MONTH = "2022-10"  # the fixture's meeting is on 7 October 2022


def client_for(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def open_docx(response) -> Document:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == services.DOCX
    assert response["Content-Disposition"].startswith("attachment;")
    return Document(io.BytesIO(response.content))


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def bulletin_url(**params: str) -> str:
    query = {"period": MEETING_MONTH, "number": "12", "meeting_kind": "", **params}
    return reverse("bulletin_docx") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_it_shows_the_documents_page(province, persona, django_assert_max_num_queries):
    """The office and leaders get the page with its three documents in a bounded number of queries."""
    client = client_for(getattr(province, persona))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("documents"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("bulletin_docx") in body and reverse("stocktake_docx") in body
    assert reverse("meeting_minutes_docx", args=[province.meeting.pk]) in body


@pytest.mark.parametrize("persona", OTHERS)
def test_it_hides_the_documents_from_everybody_else(province, persona):
    """Liaisons, secretaries and administrators get 404 for the page and every document."""
    client = client_for(getattr(province, persona))
    for url in (reverse("documents"), bulletin_url(), reverse("stocktake_docx"),
                reverse("meeting_minutes_docx", args=[province.meeting.pk])):
        assert client.get(url).status_code == 404, url


def test_it_sends_anonymous_visitors_to_log_in(db):
    """Every document URL asks an anonymous visitor to log in."""
    for url in (reverse("documents"), reverse("bulletin_docx"), reverse("stocktake_docx"),
                reverse("meeting_minutes_docx", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_post(province):
    """The documents are read, not written: POST is not allowed."""
    client = client_for(province.supervisor)
    for url in (reverse("documents"), reverse("bulletin_docx"), reverse("stocktake_docx"),
                reverse("meeting_minutes_docx", args=[province.meeting.pk])):
        assert client.post(url).status_code == 405, url


def test_it_denies_the_inactive_outsider(province):
    """A deactivated supervisor cannot log in, so the page sends them to the login page."""
    client = Client()
    assert not client.login(username=province.outsider.username, password=PASSWORD)
    assert client.get(reverse("documents")).status_code == 302


def test_it_speaks_both_languages(province):
    """The page reads in Chinese and in English."""
    assert "Period bulletin" in client_for(province.supervisor, "en").get(reverse("documents")).content.decode()
    assert client_for(province.supervisor, "zh-hans").get(reverse("documents")).status_code == 200


# --- the bulletin -----------------------------------------------------------------------------


def test_it_builds_the_bulletin_with_title_number_and_tables(province):
    """The bulletin carries its office, number and title, and a row per task in the right table."""
    done = province.completed(title="Close the flood-prone tunnels")
    going = province.in_progress(province.health, title="Vaccinate the elderly", progress=40)
    province.draft(title="A draft is not reported")
    document = open_docx(client_for(province.supervisor).get(bulletin_url()))
    lines = texts(document)
    year = lib.today().year
    assert lines[0] == "Supervision Office, General Office of the Provincial Government"
    assert lines[1] == f"Supervision Bulletin [{year}] No. 12"
    assert "meetings of October 2022" in lines[2]
    body = "\n".join(lines)
    assert "of the 2 tasks 1 have been completed, 1 are in progress and 0 are overdue" in body
    completed, in_progress = document.tables  # nothing was due in October 2022: no ranking
    assert rows(completed)[0] == ["No.", "Lead unit", "Task", "Deadline", "Completed on"]
    assert [r[1:3] for r in rows(completed)[1:]] == [["Emergency Management", done.title]]
    assert [r[1:3] for r in rows(in_progress)[1:]] == [["Health Commission", going.title]]
    assert rows(in_progress)[1][4] == "40%"
    assert "A draft is not reported" not in body


def test_it_ranks_the_units_with_the_scoring_of_the_period(province):
    """The ranking table is the scoring app's ranking for the bulletin's month."""
    with lib.clock_at(dt.date(2022, 10, 8)):
        province.completed(deadline_days=10)
        province.in_progress(province.health, deadline_days=10)
    with lib.clock_at(dt.date(2022, 11, 2)), translation.override("en"):
        _, content = services.build_bulletin(province.supervisor, period=services.Period(2022, 10), number=1)
    ranking = Document(io.BytesIO(content)).tables[-1]
    assert rows(ranking)[0][:4] == ["Rank", "Lead unit", "Score", "On-time rate"]
    assert [r[:2] for r in rows(ranking)[1:]] == [["1", "Emergency Management"], ["2", "Health Commission"]]
    assert rows(ranking)[1][3] == "100.0%" and rows(ranking)[2][3] == "0.0%"


def test_it_puts_overdue_tasks_in_their_own_table(province):
    """A task past its deadline (red, once the daily pass has moved the lights, as on the
    ledger) goes to the overdue table with its days overdue."""
    late = province.in_progress(title="Inspect the chemical plants", deadline_days=5)
    with lib.clock_at(lib.today() + dt.timedelta(days=9)):
        tasks.refresh_lights()
        facts = services.bulletin_facts(province.supervisor, period=services.Period(2022, 10), number=3)
        with translation.override("en"):
            _, content = services.build_bulletin(province.supervisor, period=services.Period(2022, 10), number=3)
    assert [t.pk for t in facts.overdue] == [late.pk] and not facts.in_progress
    document = Document(io.BytesIO(content))
    overdue = next(t for t in document.tables if rows(t)[0][-1] == "Days overdue")
    assert rows(overdue)[1][2] == late.title and rows(overdue)[1][-1] == "4"


def test_it_writes_the_chinese_number_and_office(province):
    """In Chinese the number reads 督查通报〔year〕N号 under the red office line."""
    province.in_progress()
    with translation.override("zh-hans"):
        _, content = services.build_bulletin(province.supervisor, period=services.Period(2022, 10), number=12)
    lines = texts(Document(io.BytesIO(content)))
    assert lines[0] == "省政府办公厅督查室"
    assert lines[1] == f"督查通报〔{lib.today().year}〕12号"


def test_it_lays_out_an_official_document(province):
    """A4, GB/T 9704 margins, East Asian fonts named, a red office line."""
    province.in_progress()
    document = open_docx(client_for(province.leader).get(bulletin_url()))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    head = document.paragraphs[0].runs[0]
    assert str(head.font.color.rgb) == "E60012"
    assert head._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"


def test_it_uses_the_configured_prefix_and_a_custom_title(province, settings):
    """The number prefix comes from the settings; a title given in the form replaces the standard one."""
    settings.LUOSHI_BULLETIN_PREFIX_EN = "Inspection Bulletin"
    province.in_progress()
    document = open_docx(client_for(province.supervisor).get(bulletin_url(title="Special bulletin", number="7")))
    assert texts(document)[1].startswith("Inspection Bulletin [") and texts(document)[1].endswith("No. 7")
    assert texts(document)[2] == "Special bulletin"


def test_it_filters_the_bulletin_by_meeting_kind(province):
    """Only the meetings of the kind asked for count (the fixture's meeting is an executive one)."""
    province.in_progress()
    facts = services.bulletin_facts(province.supervisor, period=services.Period(2022, 10), number=1,
                                    meeting_kind=Meeting.Kind.PARTY_GROUP)
    assert facts.total == 0 and facts.meetings == 0


@pytest.mark.parametrize("params, message", [
    ({"period": "October"}, "YYYY-MM"),
    ({"period": ""}, "required"),
    ({"number": "0"}, "greater than or equal to 1"),
    ({"number": "x"}, "whole number"),
    ({"meeting_kind": "picnic"}, "valid choice"),
])
def test_it_explains_bad_bulletin_input(province, params, message):
    """Bad input shows the page again with a clear message and no file."""
    response = client_for(province.supervisor).get(bulletin_url(**params))
    assert response.status_code == 400 and message in response.content.decode()


def test_it_builds_the_bulletin_in_bounded_queries(province, django_assert_max_num_queries):
    """The bulletin costs the same number of queries for 1 task and for 50."""
    province.in_progress()
    with django_assert_max_num_queries(12):
        services.build_bulletin(province.supervisor, period=services.Period(2022, 10), number=1)
    for _ in range(49):
        province.assigned()
    with django_assert_max_num_queries(12):
        _, content = services.build_bulletin(province.supervisor, period=services.Period(2022, 10), number=1)
    assert len(Document(io.BytesIO(content)).tables[0].rows) == 51


# --- the stocktake ----------------------------------------------------------------------------


def test_it_builds_the_stocktake_by_priority_area(province):
    """Each area lists its counts by light and its red and amber tasks with trajectory and last report."""
    area_task = province.in_progress(title="Check every mine", progress=10, deadline_days=4)
    area_task.priority_areas.add(province.area)
    province.in_progress(title="Green and on track", deadline_days=90).priority_areas.clear()
    counts.rebuild()  # the areas changed past the services: recounted as the daily pass would
    with lib.clock_at(lib.today() + dt.timedelta(days=2)):
        tasks.report_progress(province.liaison, area_task, text="Half the mines are checked", progress=20)
        with translation.override("en"):
            response = client_for(province.leader).get(reverse("stocktake_docx"))
    document = open_docx(response)
    body = "\n".join(texts(document))
    assert "safe production" in body and "Other" in body
    assert "1 open task: 0 red, 1 amber, 0 green." in body
    (table,) = document.tables
    header, row = rows(table)
    assert header == ["Light", "Task", "Lead unit", "Deadline", "Progress against trajectory", "Last report"]
    assert row[0] == "at risk" and row[1] == "Check every mine" and row[2] == "Emergency Management"
    assert "behind" in row[4] and "Half the mines are checked" in row[5]


def test_it_narrows_the_stocktake_to_one_area(province):
    """Choosing an area leaves out the others and the tasks in no area."""
    province.in_progress()
    url = reverse("stocktake_docx") + f"?area={province.area.pk}"
    body = "\n".join(texts(open_docx(client_for(province.supervisor).get(url))))
    assert "safe production" in body and "Other" not in body


def test_it_refuses_an_unknown_area(province):
    """An area that does not exist is a form error, not a crash."""
    response = client_for(province.supervisor).get(reverse("stocktake_docx") + "?area=9999")
    assert response.status_code == 400


def test_it_builds_the_stocktake_in_bounded_queries(province, django_assert_max_num_queries):
    """The stocktake costs the same number of queries for 1 red task and for 50."""
    def red_task():  # type: ignore[no-untyped-def]
        task = province.in_progress(deadline_days=1)
        task.priority_areas.add(province.area)

    later = lib.today() + dt.timedelta(days=3)
    red_task()
    with lib.clock_at(later):
        tasks.refresh_lights()
        with django_assert_max_num_queries(10):
            services.build_stocktake(province.supervisor)
    for _ in range(49):
        red_task()
    with lib.clock_at(later):
        tasks.refresh_lights()
        with django_assert_max_num_queries(10):
            sections = services.stocktake_facts(province.supervisor).sections
    assert [len(s.attention) for s in sections] == [50]


# --- the minutes ------------------------------------------------------------------------------


def test_it_builds_the_minutes_with_directives_and_assignments(province):
    """The minutes list each directive and the tasks assigned from it, with their units."""
    task = province.assigned(title="Prevent major accidents", cooperating_units=[province.health, province.city])
    province.draft(title="Not yet assigned")
    document = open_docx(client_for(province.supervisor).get(
        reverse("meeting_minutes_docx", args=[province.meeting.pk])))
    lines = texts(document)
    assert "Minutes of the 省政府第1次常务会议" in lines
    assert any(province.directive.text in line for line in lines)
    (table,) = document.tables
    assert rows(table)[0] == ["Task", "Lead unit", "Cooperating units", "Deadline"]
    assert rows(table)[1] == [task.title, "Emergency Management", "Health Commission、Shenyang",
                              task.deadline.isoformat()]


def test_it_gives_404_for_the_minutes_of_a_missing_meeting(province):
    """A meeting that does not exist is 404."""
    assert client_for(province.supervisor).get(reverse("meeting_minutes_docx", args=[9999])).status_code == 404


def test_it_builds_the_minutes_in_bounded_queries(province, django_assert_max_num_queries):
    """The minutes cost the same number of queries for 1 task and for 50."""
    province.assigned(cooperating_units=[province.health])
    with django_assert_max_num_queries(10):
        services.build_minutes(province.supervisor, province.meeting.pk)
    for _ in range(49):
        province.assigned(cooperating_units=[province.health])
    with django_assert_max_num_queries(10):
        _, content = services.build_minutes(province.supervisor, province.meeting.pk)
    assert len(Document(io.BytesIO(content)).tables[0].rows) == 51


def test_it_groups_the_minutes_directives_under_their_agenda_items(province):
    """A confirmed readout's directives appear under the agenda item they were set under, not
    under "Other requirements"."""
    add_city_departments(province.root)
    with lib.clock_at(city.MEETING_DAY):
        review = extracting.review_from_extraction(extract(city.READOUT, directory=extracting.directory_from_db()))
        meeting = meeting_services.confirm_review(province.supervisor,
            readout=city.READOUT, meeting={**review["meeting"], "place": ""}, agenda=review["agenda"],
            directives=[{**row, "lead_unit": None, "cooperating_units": []} for row in review["directives"]],
        )
        document = open_docx(client_for(province.supervisor).get(reverse("meeting_minutes_docx", args=[meeting.pk])))
    lines = texts(document)
    decisions = lines.index("2. Decisions and assignments")
    first, second = lines.index("关于促消费工作情况的汇报", decisions), lines.index("保交楼专项行动方案", decisions)
    under_first = " ".join(lines[first:second])
    assert "市发展改革委要牵头制定促消费实施方案" in under_first and "市商务局要会同" in under_first
    assert "由市住建局牵头" in " ".join(lines[second:])
    assert "Other requirements" not in lines


def test_the_stocktake_shows_each_indicators_trajectory_against_its_actuals(province):
    """A row per indicator: baseline → target, the planned points, the actuals, the gap, in English
    and in Chinese; the figures agree with the task page's."""
    task = province.in_progress(title="Hand over the homes", deadline_days=60)
    today = lib.today()
    plan = [(today - dt.timedelta(days=50), 0), (today + dt.timedelta(days=50), 10000)]
    indicator = tasks.add_indicator(province.supervisor, task, name="交付套数", measure="套", baseline=0,
                                    target=10000, plan=plan)
    tasks.report_progress(province.liaison, Task.objects.get(pk=task.pk), text="x", progress=40,
                          actuals={indicator.pk: 4100})
    with translation.override("en"):
        document = open_docx(client_for(province.leader).get(reverse("stocktake_docx")))
    header, row = rows(document.tables[-1])
    assert header == ["Task", "Indicator", "Baseline → target", "Planned trajectory", "Actuals", "Gap"]
    assert row[:3] == ["Hand over the homes", "交付套数（套）", "0 → 10000"]
    assert row[3].endswith("10000") and row[4].endswith(" 4100") and row[5] == "behind plan by 18%"
    page = client_for(province.leader).get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "behind plan by 18%" in page and "4100" in page
    zh = open_docx(client_for(province.leader, "zh-hans").get(reverse("stocktake_docx")))
    assert rows(zh.tables[-1])[1][5] == "落后计划18%"
