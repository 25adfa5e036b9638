"""A new meeting from a readout: paste or upload, review, confirm, exactly once."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.audit.models import AuditEvent
from luoshi.extraction import load_directory, ocr
from luoshi.meetings.models import AgendaItem, Directive, Meeting
from luoshi.tasks.models import Task
from luoshi.testing import city
from luoshi.testing.city import add_city_departments
from luoshi.testing.fixtures import PASSWORD
from luoshi.units.models import Unit
from luoshi.web.demo import READOUT, load_units

URL = reverse("meeting_from_readout")
FIXTURES = Path(__file__).resolve().parents[2] / "extraction" / "tests" / "fixtures"
TEXT = READOUT.read_text(encoding="utf-8")
ZH = "2022年10月8日\n\n10月7日，省长李乐成主持召开省政府常务会议。会议要求，要抓好安全生产，坚决防范重特大事故。要保障群众温暖过冬。"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Meeting, AgendaItem, Directive, Task, AuditEvent))


def review_data(response) -> dict:  # type: ignore[no-untyped-def]
    """What the browser would post back from the review page, unchanged."""
    context = response.context
    data: dict = {"step": "confirm"}
    forms = [context["form"]]
    for formset in (context["agenda"], context["directives"]):
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, dt.date):
                value = value.isoformat()
            data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def extract_step(client: Client, text: str = TEXT, **extra):  # type: ignore[no-untyped-def]
    return client.post(URL, {"step": "extract", "text": text, **extra})


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    """The demo units of Liaoning, with their keywords, and a supervision officer."""
    load_units(load_directory())
    office = Unit.objects.get(code="DCS")
    supervisor = create_user(None, username="officer", password=PASSWORD, role=User.Role.SUPERVISOR,
                             unit=office, check_password=False)
    secretary = create_user(None, username="clerk", password=PASSWORD, role=User.Role.SECRETARY,
                            check_password=False)
    return {"supervisor": supervisor, "secretary": secretary}


# --- who may -------------------------------------------------------------------------------------------


def test_it_requires_login(db):
    """An anonymous visitor is sent to the login page."""
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "secretary"])
def test_it_shows_step_one_to_recorders(province, persona):
    """The supervision office and secretaries get the paste-or-upload form."""
    response = client_for(getattr(province, persona)).get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and 'name="text"' in body and 'name="file"' in body


@pytest.mark.parametrize("persona", ["liaison", "leader", "sysadmin", "secadmin", "auditadmin"])
def test_it_is_hidden_from_everyone_else(province, persona):
    """Liaisons, leaders and administrators get 404 at every step."""
    client = client_for(getattr(province, persona))
    assert client.get(URL).status_code == 404
    assert extract_step(client).status_code == 404
    assert client.post(URL, {"step": "confirm", "meeting-token": "x"}).status_code == 404


def test_it_refuses_other_methods(province):
    """Only GET and POST are allowed."""
    assert client_for(province.supervisor).delete(URL).status_code == 405


# --- step 1 and 2 ----------------------------------------------------------------------------------------


def test_it_writes_nothing_before_confirmation(province):
    """Pasting and reviewing create no meeting, agenda item, directive, task or audit event."""
    client = client_for(province.supervisor)  # signing in is an audit event of its own
    before = counts()
    response = extract_step(client, TEXT)
    assert response.status_code == 200 and "Review the extraction" in response.content.decode()
    assert counts() == before


def test_it_shows_the_readout_with_numbered_highlights(province):
    """The review shows the readout with agenda items and directives marked and numbered."""
    body = extract_step(client_for(province.supervisor)).content.decode()
    assert '<mark id="a1" class="src src-agenda"' in body and '<mark id="a5" class="src src-agenda"' in body
    assert '<mark id="d1" class="src src-directive"' in body and '<mark id="d7" class="src src-directive"' in body
    assert 'href="#d7" data-mark="d7"' in body


def test_it_reads_a_chinese_readout(province):
    """A Chinese readout gives the executive kind, the chair and two directives."""
    response = extract_step(client_for(province.secretary), ZH)
    context = response.context
    assert context["form"]["kind"].value() == "executive"
    assert context["form"]["chair_name"].value() == "李乐成"
    assert len([f for f in context["directives"].forms if f["text"].value()]) == 2


@pytest.mark.parametrize("name, content, message", [
    ("readout.xls", b"\xd0\xcf\x11\xe0", "only .txt, .html, .docx, .pdf and .ofd files"),
    ("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Word 97–2003 .doc file, which cannot be read"),
    ("readout.pdf", b"%PDF-1.4 ...", "could not be read"),
    ("readout.ofd", b"PK\x03\x04 not really", "could not be read"),
    ("readout.txt", b"\x00\x01\x02binary\x00junk" * 10, "could not be read"),
    ("readout.docx", b"this is not a zip package", "could not be read"),
    ("readout.txt", b"", "no text to read"),
    ("readout.txt", b"   \n\n  ", "no text to read"),
])
def test_it_refuses_bad_uploads(province, name, content, message):
    """Wrong types, binary junk, damaged Word files and empty files give a clear message."""
    client = client_for(province.supervisor)  # signing in is an audit event of its own
    before = counts()
    upload = SimpleUploadedFile(name, content)
    response = client.post(URL, {"step": "extract", "file": upload})
    assert response.status_code == 200 and message in response.content.decode()
    assert counts() == before


def test_it_refuses_an_upload_over_2_mb(province):
    """A file over 2 MB is refused with a message naming the limit."""
    upload = SimpleUploadedFile("readout.txt", b"a" * (2 * 1024 * 1024 + 1))
    response = client_for(province.supervisor).post(URL, {"step": "extract", "file": upload})
    assert "larger than 2 MB" in response.content.decode()


def test_it_refuses_empty_text_and_text_that_is_not_a_readout(province):
    """Nothing pasted, or text in no known language, gives a clear message."""
    client = client_for(province.supervisor)
    assert "no text to read" in extract_step(client, "   ").content.decode()
    assert "does not look like a readout" in extract_step(client, "1234 5678 ---- !!!!").content.decode()


def test_it_refuses_text_and_a_file_together(province):
    """Pasting and uploading at once is ambiguous, so it is refused."""
    upload = SimpleUploadedFile("readout.txt", ZH.encode())
    response = client_for(province.supervisor).post(URL, {"step": "extract", "text": ZH, "file": upload})
    assert "not both" in response.content.decode()


def test_it_reads_txt_html_and_docx_uploads(province):
    """Each accepted file type reaches the review."""
    import docx

    document = docx.Document()
    for paragraph in ZH.split("\n\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    html = "<html><body><div>" + "".join(f"<p>{p}</p>" for p in ZH.split("\n\n")) + "</div></body></html>"
    client = client_for(province.supervisor)
    for name, content in (("a.txt", ZH.encode("gb18030")), ("a.html", html.encode()), ("a.docx", buffer.getvalue())):
        response = client.post(URL, {"step": "extract", "file": SimpleUploadedFile(name, content)})
        assert "Review the extraction" in response.content.decode(), name
        assert "要抓好安全生产" in response.content.decode()


def test_it_reads_pdf_uploads(province):
    """A PDF readout (the fixture printed by a browser) reaches the review with its units marked."""
    pdf = (FIXTURES / "city-readout.pdf").read_bytes()
    response = client_for(province.supervisor).post(URL, {"step": "extract",
                                                          "file": SimpleUploadedFile("readout.pdf", pdf)})
    body = response.content.decode()
    assert "Review the extraction" in body and ">市商务局</mark>" in body


def test_it_explains_that_a_scan_needs_ocr(province, monkeypatch):
    """Where OCR is not installed, an image upload says so and suggests pasting the text."""
    monkeypatch.setattr(ocr, "available", lambda: False)
    scan = (FIXTURES / "city-scan.png").read_bytes()
    response = client_for(province.supervisor).post(URL, {"step": "extract",
                                                          "file": SimpleUploadedFile("scan.png", scan)})
    assert "can only be read by OCR, which is not installed" in response.content.decode()


@pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime (luoshi[ocr]) is not installed")
def test_it_shows_the_lines_ocr_was_unsure_of(province, monkeypatch):
    """A scan is read by OCR; lines read with low confidence are shown as warnings to check."""
    monkeypatch.setattr(ocr, "LOW_CONFIDENCE", 1.01)  # every line counts as unsure
    scan = (FIXTURES / "city-scan.png").read_bytes()
    response = client_for(province.supervisor).post(URL, {"step": "extract",
                                                          "file": SimpleUploadedFile("scan.png", scan)})
    body = response.content.decode()
    assert "Review the extraction" in body and "Check against the original" in body
    assert "市商务局" in body


# --- step 3 ----------------------------------------------------------------------------------------------


def test_it_records_the_canonical_readout_end_to_end(demo):
    """The Liaoning readout: 5 agenda items, 7 directives, safe production led by EMERG."""
    client = client_for(demo["supervisor"])
    review = extract_step(client)
    directives = review.context["directives"].forms
    agenda = review.context["agenda"].forms
    assert len([f for f in agenda if f["title"].value()]) == 5
    assert len([f for f in directives if f["text"].value()]) == 7
    emergency = Unit.objects.get(code="EMERG")
    safety = next(f for f in directives if "safe production" in (f["text"].value() or ""))
    assert "EMERG" in safety["suggested"].value().split(",")
    assert str(emergency.pk) in [str(safety["lead_unit"].value()), *map(str, safety["cooperating_units"].value())]
    response = client.post(URL, review_data(review))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.kind == "enlarged" and meeting.date == dt.date(2022, 10, 7)
    assert meeting.chair_name == "Li Lecheng" and meeting.readout == TEXT
    assert meeting.agenda_items.count() == 5 and meeting.directives.count() == 7
    for directive in meeting.directives.all():
        assert directive.source_text() == directive.text
    tasks = Task.objects.filter(directive__meeting=meeting)
    assert tasks.count() == 7 and set(tasks.values_list("status", flat=True)) == {"draft"}
    safety_task = tasks.get(directive__text__contains="safe production")
    assert emergency in [safety_task.lead_unit, *safety_task.cooperating_units.all()]
    assert AuditEvent.objects.filter(verb="record_meeting").count() == 1
    assert AuditEvent.objects.filter(verb="create_task").count() == 7
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "7 draft tasks" in page and '<mark id="d7"' in page


def test_it_creates_exactly_what_the_review_says(demo):
    """Removed items are absent, merged text is the readout span, added and edited items are
    present, and tasks go to the chosen lead units."""
    client = client_for(demo["supervisor"])
    review = extract_step(client)
    data = review_data(review)
    d = review.context["directives"].forms
    s0, s1 = int(d[0]["span_start"].value()), int(d[1]["span_end"].value())
    data["agenda-4-DELETE"] = "on"  # "other matters"
    data["agenda-5-kind"], data["agenda-5-title"] = "report", "Report on the harvest"
    data["directives-1-merge"] = "on"
    data["directives-3-text"] = "Strictly implement the instant inspection measures."
    data["directives-6-DELETE"] = "on"
    data["directives-5-lead_unit"] = str(Unit.objects.get(code="CIVIL").pk)
    data["directives-4-lead_unit"] = ""  # no task for this one yet
    data["directives-7-text"] = "Do a good job of flood control next summer."
    data["directives-7-lead_unit"] = str(Unit.objects.get(code="EMERG").pk)
    response = client.post(URL, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert len(titles) == 5 and "other matters" not in titles and titles[-1] == "Report on the harvest"
    texts = list(meeting.directives.order_by("order"))
    assert len(texts) == 6
    assert texts[0].text == TEXT[s0:s1] and (texts[0].span_start, texts[0].span_end) == (s0, s1)
    assert texts[2].text == "Strictly implement the instant inspection measures." and texts[2].span_start is None
    assert texts[5].text == "Do a good job of flood control next summer." and texts[5].span_start is None
    assert "It is necessary to sum up experience" not in " ".join(t.text for t in texts)
    leads = {t.directive.order: t.lead_unit.code for t in Task.objects.filter(directive__meeting=meeting)}
    assert leads[5] == "CIVIL" and leads[6] == "EMERG" and 4 not in leads and len(leads) == 5
    assert AuditEvent.objects.filter(verb="create_task").count() == 5


def test_it_creates_one_meeting_when_confirmed_twice(demo):
    """A second confirm of the same review (double click, back button) creates nothing."""
    client = client_for(demo["supervisor"])
    data = review_data(extract_step(client))
    assert client.post(URL, data).status_code == 302
    before = counts()
    again = client.post(URL, data)
    body = again.content.decode()
    meeting = Meeting.objects.get()
    assert again.status_code == 409 and "This readout has already been confirmed" in body
    assert meeting.get_absolute_url() in body
    assert counts() == before


def test_it_sends_an_unknown_review_back_to_step_one(province):
    """A confirm with no pending review (expired or forged token) creates nothing."""
    client = client_for(province.supervisor)
    data = review_data(extract_step(client))
    data["meeting-token"] = "not-a-token"
    before = counts()
    response = client.post(URL, data, follow=True)
    assert "This review has expired" in response.content.decode() and counts() == before


def test_it_keeps_the_review_when_a_field_is_wrong(province):
    """A missing title shows the review again with the edits kept; fixing it then works."""
    client = client_for(province.supervisor)
    data = review_data(extract_step(client))
    data["meeting-title"] = ""
    data["directives-0-text"] = "An edited first directive."
    response = client.post(URL, data)
    assert response.status_code == 400 and counts()[0] == 1
    assert "An edited first directive." in response.content.decode()
    data["meeting-title"] = "Enlarged meeting"
    assert client.post(URL, data).status_code == 302
    assert Meeting.objects.filter(title="Enlarged meeting").count() == 1


def test_it_refuses_a_lead_unit_without_a_directive(province):
    """An added row with a lead unit but no text is refused; nothing is recorded."""
    client = client_for(province.supervisor)
    data = review_data(extract_step(client))
    data["directives-7-lead_unit"] = str(province.emergency.pk)
    response = client.post(URL, data)
    assert response.status_code == 400 and "Write the directive" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_secretary_records_the_meeting_without_tasks(province):
    """A meeting secretary confirms the meeting; tasks are left to the supervision office."""
    client = client_for(province.secretary)
    review = extract_step(client, ZH)
    assert "lead_unit" not in review.context["directives"].forms[0].fields
    assert client.post(URL, review_data(review)).status_code == 302
    meeting = Meeting.objects.exclude(pk=province.meeting.pk).get()
    assert meeting.directives.count() == 2 and not Task.objects.filter(directive__meeting=meeting).exists()


def test_it_lets_only_one_of_two_simultaneous_confirms_through(province):
    """While one confirm of a review is running, a second one is turned away."""
    from django.core.cache import cache

    client = client_for(province.supervisor)
    data = review_data(extract_step(client))
    cache.add(f"luoshi:confirm-readout:{data['meeting-token']}", True)
    before = counts()
    response = client.post(URL, data)
    assert response.status_code == 409 and "already been confirmed" in response.content.decode()
    assert counts() == before


def test_it_prefills_and_marks_who_and_by_when(province):
    """The review pre-fills lead, cooperating units and deadline, with the source words marked."""
    units = add_city_departments(province.root)
    client = client_for(province.supervisor)
    with lib.clock_at(city.MEETING_DAY):
        response = extract_step(client, city.READOUT)
    body = response.content.decode()
    assert '<mark class="hl-lead" data-kind="lead"' in body and ">市商务局</mark>" in body
    assert '<mark class="hl-cooperating" data-kind="cooperating"' in body and ">市发展改革委</mark>" in body
    assert '<mark class="hl-deadline" data-kind="deadline"' in body and ">2027年1月15日前</mark>" in body
    row = next(f for f in response.context["directives"].forms if (f["text"].value() or "").startswith("市商务局"))
    assert row["lead_unit"].value() == units["C-COM"].pk
    assert row["cooperating_units"].value() == [units["C-DRC"].pk]
    assert f'<option value="{units["C-COM"].pk}" selected data-initials=' in str(row["lead_unit"])
    assert f'<option value="{units["C-DRC"].pk}" selected data-initials=' in str(row["cooperating_units"])
    assert row["deadline"].value() == dt.date(2027, 1, 15)
    assert row["agenda_number"].value() == 1


def test_it_refuses_a_deadline_in_the_past(province):
    """A task deadline before today is refused on its row; nothing is recorded."""
    add_city_departments(province.root)
    client = client_for(province.supervisor)
    with lib.clock_at(city.MEETING_DAY):
        data = review_data(extract_step(client, city.READOUT))
        data["directives-0-deadline"] = "2026-01-01"
        response = client.post(URL, data)
    assert response.status_code == 400 and "is in the past" in response.content.decode()
    assert Meeting.objects.count() == 1


NO_YEAR = "10月7日，省长李乐成主持召开省政府常务会议。会议要求，要抓好安全生产，坚决防范重特大事故。"


def test_it_warns_when_the_readout_gives_no_full_date(province):
    """A readout dated "10月7日" with no year and no publication date: the review says so."""
    response = extract_step(client_for(province.secretary), NO_YEAR)
    assert response.status_code == 200 and response.context["form"]["date"].value() is None
    assert "No full date was found in the readout" in response.content.decode()
    assert "No full date was found" not in extract_step(client_for(province.secretary), ZH).content.decode()


def test_it_requires_a_date_before_confirming(province):
    """Confirming without a date is refused with a clear message and the edits kept; a date then works."""
    client = client_for(province.supervisor)
    data = review_data(extract_step(client, NO_YEAR))
    assert "meeting-date" not in data
    data["directives-0-text"] = "要抓好安全生产，坚决防范重特大事故，汛期前完成排查。"
    before = counts()
    response = client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 400 and counts() == before
    assert "Enter the meeting&#x27;s date" in body and "汛期前完成排查" in body
    data["meeting-date"] = "2022-10-07"
    assert client.post(URL, data).status_code == 302
    meeting = Meeting.objects.exclude(pk=province.meeting.pk).get()
    assert meeting.date == dt.date(2022, 10, 7)
