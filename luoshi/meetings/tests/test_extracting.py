"""From extraction to review data and from a confirmed review to service calls."""

import datetime as dt

import pytest

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.extraction import extract
from luoshi.lib import Forbidden
from luoshi.meetings import extracting
from luoshi.meetings import services as meeting_services
from luoshi.meetings.models import Meeting
from luoshi.tasks.models import Task
from luoshi.testing import city
from luoshi.testing.city import add_city_departments
from luoshi.units.models import Unit


def test_it_builds_the_directory_from_the_database(province):
    """Units below the province are top-level; counties keep their city; areas come along."""
    directory = extracting.directory_from_db()
    assert directory.province["code"] == "P"
    assert directory.unit("EMERG").parent is None
    assert directory.unit("SY-HP").parent == "SY"
    assert directory.unit("P") is None
    assert directory.area("SAFETY").name_zh == "安全生产"


@pytest.mark.parametrize("meeting_type, kind", [
    ("省政府第12次常务会议", "executive"),
    ("executive meeting of the Provincial Government", "executive"),
    ("省政府党组会议", "party_group"),
    ("meeting of the Provincial Government Party Group", "party_group"),
    ("省政府党组扩大会议", "enlarged"),
    ("enlarged meeting and executive meeting of the Provincial Government Party Group", "enlarged"),
    ("安全生产专题会议", "special_topic"),
    ("special meeting on flood control", "special_topic"),
    ("座谈会", "other"),
    (None, "other"),
])
def test_it_guesses_the_meeting_kind(meeting_type, kind):
    """The meeting kind follows the words of the meeting type."""
    assert extracting.guess_kind(meeting_type) == kind


def test_it_guesses_the_number_in_the_series():
    """"第12次" and "12th" give 12; no number gives None."""
    assert extracting.guess_number("省政府第12次常务会议") == 12
    assert extracting.guess_number("the 3rd executive meeting") == 3
    assert extracting.guess_number("executive meeting") is None


def test_it_preselects_the_first_suggested_unit_that_exists(province):
    """The lead unit is the best suggestion present in the database; areas map to their rows."""
    text = "会议指出，要抓好安全生产，坚决防范重特大事故。"
    Unit.objects.filter(code="EMERG").update(keywords_zh=["安全生产"])
    province.area.keywords_zh = ["安全生产"]
    province.area.save()
    directory = extracting.directory_from_db()
    review = extracting.review_from_extraction(extract(text, directory=directory))
    (row,) = review["directives"]
    assert row["lead_unit"] == province.emergency.pk
    assert row["priority_areas"] == [province.area.pk]
    assert text[row["span_start"]:row["span_end"]] == row["text"]


def rows(readout, *parts, **extra):  # type: ignore[no-untyped-def]
    result = []
    for part in parts:
        start = readout.index(part)
        result.append({"text": part, "span_start": start, "span_end": start + len(part), **extra})
    return result


def test_it_merges_a_directive_into_the_previous_one():
    """Merged rows become the readout from the first's start to the second's end."""
    readout = "要抓好安全生产。要防范重特大事故。要保障民生。"
    first, second, third = rows(readout, "要抓好安全生产。", "要防范重特大事故。", "要保障民生。")
    second["merge"] = True
    merged, kept = meeting_services.reviewed_directives(readout, [first, second, third])
    assert merged.text == "要抓好安全生产。要防范重特大事故。" and merged.span == (0, 17)
    assert kept.text == "要保障民生。"


def test_it_drops_the_span_of_an_edited_directive():
    """An edited text no longer matches its characters, so it keeps no span."""
    readout = "要抓好安全生产。"
    (row,) = rows(readout, "要抓好安全生产。")
    row["text"] = "要切实抓好安全生产。"
    (directive,) = meeting_services.reviewed_directives(readout, [row])
    assert directive.span is None and directive.text == "要切实抓好安全生产。"


def test_it_confirms_through_the_services(province):
    """Confirming records the meeting and a draft task per directive with a lead unit."""
    readout = "会议要求，要抓好安全生产。要保障民生。"
    directives = rows(readout, "要抓好安全生产。", "要保障民生。")
    directives[0].update(lead_unit=province.emergency, cooperating_units=[province.city], priority_areas=[province.area])
    data = {"readout": readout, "agenda": [],
            "meeting": {"kind": "executive", "title": "常务会议", "date": dt.date(2022, 10, 7)},
            "directives": directives}
    meeting = meeting_services.confirm_review(province.supervisor, **data)
    first, second = meeting.directives.order_by("order")
    assert (first.span_start, first.span_end) == (directives[0]["span_start"], directives[0]["span_end"])
    (task,) = Task.objects.filter(directive__meeting=meeting)
    assert task.directive == first and task.lead_unit == province.emergency and task.status == "draft"
    assert AuditEvent.objects.filter(verb="create_task", object_id=str(task.pk)).exists()


def test_it_writes_nothing_when_a_service_refuses(province):
    """A liaison cannot confirm: the service refuses and nothing is recorded."""
    data = {"readout": "要抓好安全生产。", "agenda": [], "directives": [],
            "meeting": {"kind": "executive", "title": "常务会议"}}
    with pytest.raises(Forbidden):
        meeting_services.confirm_review(province.liaison, **data)
    assert Meeting.objects.count() == 1


def _city_review(province):  # type: ignore[no-untyped-def]
    units = add_city_departments(province.root)
    with lib.clock_at(city.MEETING_DAY):
        review = extracting.review_from_extraction(extract(city.READOUT, directory=extracting.directory_from_db()))
    return units, {row["text"][:8]: row for row in review["directives"]}


def test_it_prefills_the_units_and_deadline_the_text_names(province):
    """牵头/会同/配合 name the lead and cooperating units (abbreviations matched); the deadline is the text's."""
    units, rows = _city_review(province)
    pk = {code: unit.pk for code, unit in units.items()}
    drc, commerce, housing = rows["市发展改革委要牵"], rows["市商务局要会同市"], rows["加快推进保交楼工"]
    assert (drc["lead_unit"], drc["cooperating_units"], drc["deadline"]) == (pk["C-DRC"], [], dt.date(2026, 12, 31))
    assert (commerce["lead_unit"], commerce["cooperating_units"]) == (pk["C-COM"], [pk["C-DRC"]])
    assert commerce["deadline"] == dt.date(2027, 1, 15)
    assert (housing["lead_unit"], housing["cooperating_units"]) == (pk["C-HOUSE"], [pk["C-FIN"], pk["C-NATRES"]])
    assert housing["deadline"] == dt.date(2027, 2, 6)  # 春节 2027
    assert rows["市场监管局要在5"]["lead_unit"] == pk["C-MARKET"]


def test_it_marks_where_the_text_names_who_and_by_when(province):
    """Each row says where its lead, cooperating units and time limit are written in its text."""
    _units, rows = _city_review(province)
    row = rows["市商务局要会同市"]
    found = [(kind, row["text"][a:b]) for kind, a, b in extracting.parse_highlights(row["highlights"], row["text"])]
    assert found == [("lead", "市商务局"), ("cooperating", "市发展改革委"), ("deadline", "2027年1月15日前")]
    assert extracting.parse_highlights("lead:0:400,bogus:1:2,deadline:x:3", row["text"]) == []


def test_it_leaves_a_past_deadline_to_the_reviewer(province):
    """Read after the limits have passed, the rows have no deadline (the words stay marked)."""
    add_city_departments(province.root)
    with lib.clock_at(dt.date(2027, 3, 1)):
        review = extracting.review_from_extraction(extract(city.READOUT, directory=extracting.directory_from_db()))
    assert [row["deadline"] for row in review["directives"]][:3] == [None, None, None]
    assert "deadline:" in review["directives"][0]["highlights"]


def test_it_links_directives_to_their_agenda_items_and_tasks_to_their_deadlines(province):
    """Confirming records each directive under its agenda item and each draft task with its deadline."""
    units, rows = _city_review(province)
    with lib.clock_at(city.MEETING_DAY):
        review = extracting.review_from_extraction(extract(city.READOUT, directory=extracting.directory_from_db()))
        agenda = [{**row, "DELETE": False} for row in review["agenda"]]
        directives = [{**row, "lead_unit": Unit.objects.filter(pk=row["lead_unit"]).first(),
                       "cooperating_units": list(Unit.objects.filter(pk__in=row["cooperating_units"]))}
                      for row in review["directives"]]
        meeting = meeting_services.confirm_review(province.supervisor,
            readout=city.READOUT, meeting={**review["meeting"], "place": ""},
            agenda=agenda, directives=directives,
        )
    under = {d.text[:8]: d.agenda_item.title if d.agenda_item else None for d in meeting.directives.all()}
    assert under["市发展改革委要牵"] == "关于促消费工作情况的汇报"
    assert under["加快推进保交楼工"] == "保交楼专项行动方案"
    task = Task.objects.get(directive__meeting=meeting, lead_unit=units["C-HOUSE"])
    assert task.deadline == dt.date(2027, 2, 6)
    assert set(task.cooperating_units.values_list("code", flat=True)) == {"C-FIN", "C-NATRES"}


def test_a_removed_agenda_item_leaves_its_directives_unlinked(province):
    """A directive under an agenda row the reviewer removed is recorded without an item."""
    _units, _rows = _city_review(province)
    with lib.clock_at(city.MEETING_DAY):
        review = extracting.review_from_extraction(extract(city.READOUT, directory=extracting.directory_from_db()))
        agenda = [{**row, "DELETE": i == 0} for i, row in enumerate(review["agenda"])]
        meeting = meeting_services.confirm_review(province.supervisor,
            readout=city.READOUT, meeting={**review["meeting"], "place": ""},
            agenda=agenda, directives=[{**row, "lead_unit": None, "cooperating_units": []}
                                             for row in review["directives"]],
        )
    under = {d.text[:8]: d.agenda_item.title if d.agenda_item else None for d in meeting.directives.all()}
    assert under["市发展改革委要牵"] is None and under["加快推进保交楼工"] == "保交楼专项行动方案"
