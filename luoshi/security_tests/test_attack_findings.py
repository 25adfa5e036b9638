"""Regression tests for what an attack on the running demo found (issue 16), one per numbered
item; docs/security.md lists the items and their fixes. Item 3 and 14 (the `luoshi` command)
are in luoshi/tests/test_cli_commands.py; items 7 and 8 (the audit chain and backups) in
luoshi/audit and luoshi/tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from luoshi import lib
from luoshi.accounts import services as accounts
from luoshi.accounts import totp
from luoshi.api.services import create_token
from luoshi.extraction.model import ExtractionInputError
from luoshi.extraction.readers import MAX_DEPTH, html_to_text, read_document
from luoshi.tasks import services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD, Province
from luoshi.units.services import create_unit

TRIGGERS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB"]


def _client(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


# --- 1. formula injection ---------------------------------------------------------------------

def test_item_01_ledger_export_writes_formula_like_text_as_text(province: Province):
    """Titles and names that start like formulas come out as text cells, never formulas."""
    for trigger in TRIGGERS:
        province.assigned(title=trigger, person_responsible=trigger)
    response = _client(province.supervisor).get("/tasks/export.xlsx")
    assert response.status_code == 200
    cells = _cells(response.content)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert all(trigger in values for trigger in TRIGGERS[:4])


def test_item_01_scoring_export_writes_a_formula_like_unit_name_as_text(province: Province):
    """A unit named like a formula (a sysadmin can name one) is plain text in the scores."""
    unit = create_unit(province.sysadmin, code="EVIL", name_zh="=1+1", name_en="=1+1", kind="department",
                       parent=province.root)
    task = services.assign_task(province.supervisor, services.create_task(
        province.supervisor, province.directive, lead_unit=unit, deadline=lib.today() + dt.timedelta(days=1)))
    assert task.pk
    with lib.clock_at(lib.today() + dt.timedelta(days=5)):
        response = _client(province.supervisor).get("/scoring/export.xlsx?period=year")
    assert response.status_code == 200
    cells = _cells(response.content)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_item_01_safe_cell_keeps_numbers_and_dates_as_they_are():
    """Only text is forced to text; numbers and dates keep their types."""
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet()
    assert lib.safe_cell(sheet, 42).data_type == "n"
    assert lib.safe_cell(sheet, dt.date(2026, 1, 1)).data_type == "d"
    formula_like = lib.safe_cell(sheet, "=1+1")
    assert formula_like.data_type == "s" and formula_like.quotePrefix


# --- 2. the admin's own login skipped the second factor ---------------------------------------

def test_item_02_the_admin_is_closed_by_default(province: Province):
    """Without LUOSHI_ADMIN=True /admin/ and its login page do not exist, even for a superuser."""
    superuser = accounts.create_user(None, username="root", password=PASSWORD, role="sysadmin",
                                     check_password=False, superuser=True)
    assert Client().get("/admin/login/").status_code == 404
    assert _client(superuser).get("/admin/").status_code == 404


def test_item_02_the_admin_login_sends_people_to_the_two_step_sign_in(province: Province, settings):
    """With the admin on, its login page is Luoshi's sign-in (which asks for the code)."""
    settings.LUOSHI_ADMIN = True
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = Client().post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 302  # never signs anybody in itself


def test_item_02_only_an_active_superuser_enters_the_admin(province: Province, settings):
    """A supervisor with is_staff (as the old demo had) is refused; a superuser is let in."""
    settings.LUOSHI_ADMIN = True
    from luoshi.accounts.models import User

    User.objects.filter(pk=province.supervisor.pk).update(is_staff=True)
    assert _client(province.supervisor).get("/admin/").status_code == 302
    superuser = accounts.create_user(None, username="root", password=PASSWORD, role="sysadmin",
                                     check_password=False, superuser=True, must_change_password=False)
    assert _client(superuser).get("/admin/").status_code == 200


def test_item_02_no_business_role_and_no_web_actor_makes_a_superuser(province: Province):
    """Superusers are system administrators made on the command line, nothing else."""
    with pytest.raises(lib.InvalidInput):
        accounts.create_user(None, username="boss", password=PASSWORD, role="supervisor", check_password=False,
                             superuser=True)
    with pytest.raises(lib.InvalidInput):
        accounts.create_user(province.secadmin, username="root2", password=PASSWORD, role="sysadmin",
                             check_password=False, superuser=True)


# --- 4. API tokens outlived a password reset and a lock --------------------------------------

def _api(token: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_item_04_a_token_dies_with_the_password_it_was_made_under(province: Province):
    """A reset by the security administrator ends every token made before it."""
    _row, token = create_token(province.liaison, name="script")
    assert _api(token) == 200
    with lib.clock_at(lib.now() + dt.timedelta(seconds=1)):
        accounts.reset_password(province.secadmin, province.liaison)
    assert _api(token) == 401


def test_item_04_a_token_stops_while_the_account_is_locked(province: Province, settings):
    """Failed sign-ins that lock the account lock its tokens too."""
    _row, token = create_token(province.liaison, name="script")
    for _attempt in range(settings.LUOSHI_LOCKOUT_ATTEMPTS):
        accounts.record_login_failure(province.liaison.username)
    assert _api(token) == 401


def test_item_04_a_token_stops_while_a_second_factor_is_owed(province: Province, settings):
    """A role that requires TOTP cannot use the API before its holder enrols."""
    _row, token = create_token(province.liaison, name="script")
    settings.LUOSHI_TOTP_REQUIRED_ROLES = ["liaison"]
    assert _api(token) == 401


# --- 6. readout .docx and HTML bombs ----------------------------------------------------------

def _docx_with_paragraphs(path, count: int) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("会议要求，要抓好安全生产。")
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                at = data.index(b"<w:body>") + len(b"<w:body>")
                data = data[:at] + b"<w:p/>" * count + data[at:]
            out.writestr(item, data)


def test_item_06_a_docx_with_millions_of_paragraphs_is_refused_at_once(tmp_path):
    """3 million empty paragraphs (a 60 KB file) are refused in well under 2 s."""
    import time

    path = tmp_path / "bomb.docx"
    _docx_with_paragraphs(path, 3_000_000)
    started = time.monotonic()
    with pytest.raises(ExtractionInputError, match="paragraphs"):
        read_document(path)
    assert time.monotonic() - started < 2


def test_item_06_a_normal_docx_still_reads(tmp_path):
    path = tmp_path / "ok.docx"
    _docx_with_paragraphs(path, 3)
    assert read_document(path) == "会议要求，要抓好安全生产。"


# --- 9. control characters --------------------------------------------------------------------

def test_item_09_a_control_character_in_a_form_is_refused_with_the_field_named(province: Province):
    """A sub-task title with BEL is refused with a 400 naming the field; nothing is stored."""
    task = province.signed()
    before = Task.objects.count()
    response = _client(province.liaison).post(
        f"/tasks/{task.pk}/decompose/", {"version": task.version, "form-TOTAL_FORMS": "1",
                                         "form-INITIAL_FORMS": "0", "form-0-title": "bad\x07title"})
    assert response.status_code == 400
    assert "U+0007" in response.content.decode() and "title" in response.content.decode()
    assert Task.objects.count() == before


def test_item_09_a_control_character_in_api_json_is_refused(province: Province):
    """The API answers 400 with the JSON path of the field."""
    task = province.assigned()
    _row, token = create_token(province.supervisor, name="script")
    response = Client().post(f"/api/v1/tasks/{task.pk}/urge", {"text": "a\x00b"}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422 and response.json()["error"] == "control_character"
    assert "“text”" in response.json()["message"]


def test_item_09_an_export_never_fails_on_a_stored_control_character(province: Province):
    """Rows stored before the sanitiser existed still export (the character is dropped)."""
    task = province.assigned()
    Task.objects.filter(pk=task.pk).update(title="old\x07row", person_responsible="x\x1bz")
    response = _client(province.supervisor).get("/tasks/export.xlsx")
    assert response.status_code == 200
    assert "oldrow" in {cell.value for cell in _cells(response.content)}


def test_item_09_a_meeting_title_with_a_control_character_still_makes_its_minutes(province: Province):
    from luoshi.meetings.models import Meeting

    Meeting.objects.filter(pk=province.meeting.pk).update(title="第1次\x0b常务会议")
    response = _client(province.supervisor).get(f"/meetings/{province.meeting.pk}/minutes.docx")
    assert response.status_code == 200


def test_item_09_a_ledger_cell_with_a_control_character_is_named_by_row_and_column():
    from luoshi.ledgers import reading

    class Units:
        def match(self, name):  # noqa: ANN001, ANN202
            return type("U", (), {"pk": 1})()

    checked = reading.check_rows([["督办事项", "牵头单位", "完成时限"], ["bad\x07", "应急厅", "2026-12-31"]], 0,
                                 {"title": 0, "lead_unit": 1, "deadline": 2},
                                 units=Units(), areas=Units(), default_year=2026)  # type: ignore[arg-type]
    assert not checked.rows and "U+0007" in checked.errors[0].message


# --- 10. evidence Content-Type ----------------------------------------------------------------

@pytest.mark.parametrize("claimed", ["application/javascript", "image/svg+xml", "text/html"])
def test_item_10_evidence_is_served_as_its_checked_kind_not_as_claimed(province: Province, claimed: str):
    """A text file uploaded as JavaScript is served as text/plain, sandboxed and not sniffed."""
    task = province.signed()
    upload = SimpleUploadedFile("notes.txt", b"alert(1)//<script>alert(1)</script>", content_type=claimed)
    report = services.report_progress(province.liaison, task, text="see file", progress=20, files=[upload])
    evidence = report.evidence.get()
    response = _client(province.liaison).get(f"/tasks/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


# --- 11. server errors --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40])
def test_item_11_odd_digits_in_the_audit_cursor_are_ignored(province: Province, value: str):
    assert _client(province.auditadmin).get("/audit/", {"before": value}).status_code == 200


def test_item_11_totp_codes_in_other_digits_are_read_and_wrong_ones_count(province: Province):
    """Full-width digits are accepted as the digits they are; Arabic-Indic wrong codes count
    towards the lockout instead of raising."""
    secret = totp.new_secret()
    step = totp.step_at(lib.now())
    code = totp.code_for_step(secret, step)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert totp.matching_step(secret, full_width, lib.now()) == step
    assert totp.matching_step(secret, "١٢٣٤٥٦", lib.now()) in (None, step - 1, step, step + 1)
    assert totp.matching_step(secret, "¹²³⁴⁵⁶", lib.now()) is None


def test_item_11_deeply_nested_html_reads_without_recursion():
    """5,000 nested elements: the text is still found, and nothing recurses that deep."""
    text = html_to_text("<div>" * 5000 + "会议要求，要抓好安全生产。" + "</div>" * 5000)
    assert "会议要求" in text and MAX_DEPTH < 5000


def test_item_11_a_nul_byte_in_an_api_filter_is_a_clear_400(province: Province):
    _row, token = create_token(province.supervisor, name="script")
    response = Client().get("/api/v1/tasks", {"q": "a\x00b"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422 and response.json()["error"] == "control_character"


# --- 15. smaller gaps ---------------------------------------------------------------------------

def test_item_15_signed_in_pages_and_the_api_are_not_cached(province: Province):
    client = _client(province.supervisor)
    assert "no-store" in client.get("/tasks/")["Cache-Control"]
    assert "no-store" in client.get("/tasks/export.xlsx")["Cache-Control"]
    _row, token = create_token(province.supervisor, name="script")
    assert "no-store" in Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")["Cache-Control"]


# --- 5. ledger import memory bomb -------------------------------------------------------------

def _workbook(rows: int, *, dimension: str | None = None, shared_strings: bytes | None = None) -> io.BytesIO:
    import re

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "督办事项", "牵头单位", "完成时限"])
    for number in range(rows):
        sheet.append([number, "抓好安全生产", "应急厅", "2026-12-31"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            data = source.read(item.filename)
            if dimension and item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            package.writestr(item.filename, data)
        if shared_strings is not None:
            package.writestr("xl/sharedStrings.xml", shared_strings)
    out.seek(0)
    return out


def test_item_05_a_sheet_claiming_16384_columns_reads_only_what_is_there():
    """`<dimension ref="A1:XFD20000">` over a few rows costs what the rows cost."""
    import time

    from luoshi.ledgers import reading

    started = time.monotonic()
    sheets = reading.read_workbook(_workbook(50, dimension="A1:XFD20000"), max_rows=20000)
    assert time.monotonic() - started < 2
    assert len(sheets[0].rows) == 51 and max(len(row) for row in sheets[0].rows) <= reading.MAX_COLUMNS


def test_item_05_a_huge_shared_string_is_refused_before_parsing():
    """A 20 MB shared string (a few KB zipped) is refused from the zip directory alone."""
    import time

    from luoshi.ledgers import reading

    bomb = _workbook(3, shared_strings=b"<sst><si><t>" + b"a" * (20 * 2**20) + b"</t></si></sst>")
    started = time.monotonic()
    with pytest.raises(lib.InvalidInput, match="20 MB"):
        reading.read_workbook(bomb, max_rows=20000)
    assert time.monotonic() - started < 2


# --- 13. the portal showed unreviewed progress ----------------------------------------------

def test_item_13_the_portal_shows_only_progress_the_office_accepted(province: Province, settings):
    """A pending report's 80 % stays off the portal until the office accepts it."""
    from luoshi.portal.services import get_public_task

    settings.LUOSHI_PUBLIC_PORTAL = True
    task = province.signed(public=True)
    first = services.report_progress(province.liaison, task, text="plan made", progress=30)
    services.review_report(province.supervisor, first, accept=True)
    services.report_progress(province.liaison, Task.objects.get(pk=task.pk), text="nearly there", progress=80)
    assert Task.objects.get(pk=task.pk).progress == 80
    assert get_public_task(task.pk).progress == 30
    page = Client().get(f"/public/tasks/{task.pk}/").content.decode()
    assert "80%" not in page and "30%" in page


@pytest.mark.parametrize("address", ["2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1", "2001:0:4136:e378:8000:63bf:80ff:fffe"])
def test_item_15_ipv6_spellings_of_internal_ipv4_hosts_are_refused(address: str):
    """6to4, NAT64 and Teredo addresses are judged by the IPv4 host they carry."""
    import ipaddress

    from luoshi.notifications.targets import why_forbidden

    assert why_forbidden(ipaddress.ip_address(address)) is not None


def test_item_15_the_api_rate_is_per_person_not_per_token(province: Province, settings):
    """Twenty tokens do not buy twenty times the rate."""
    from django.core.cache import cache

    cache.clear()
    settings.LUOSHI_API_RATE = "3/min"
    tokens = [create_token(province.liaison, name=f"t{n}")[1] for n in range(4)]
    assert [_api(token) for token in tokens] == [200, 200, 200, 429]
    cache.clear()


def test_item_15_evidence_has_a_per_report_and_a_per_person_quota(province: Province, settings):
    """Too many files in one report, or past the person's total, is refused with the limit."""
    task = province.signed()
    settings.LUOSHI_MAX_REPORT_FILES = 2
    files = [SimpleUploadedFile(f"n{n}.txt", b"progress notes", content_type="text/plain") for n in range(3)]
    with pytest.raises(lib.InvalidInput, match="2"):
        services.report_progress(province.liaison, task, text="files", progress=10, files=files)
    settings.LUOSHI_MAX_REPORT_FILES = 10
    settings.LUOSHI_USER_QUOTA_MB = 0
    with pytest.raises(lib.InvalidInput, match="LUOSHI_USER_QUOTA_MB"):
        services.report_progress(province.liaison, task, text="files", progress=10, files=files[:1])


def test_item_15_stale_login_throttles_are_pruned(province: Province, settings):
    """Failures older than the window are forgotten by the daily pass; locks stay."""
    from luoshi.accounts.models import LoginThrottle

    accounts.record_login_failure("nobody-1")
    for _attempt in range(settings.LUOSHI_LOCKOUT_ATTEMPTS):
        accounts.record_login_failure("locked-one")
    later = lib.now() + dt.timedelta(minutes=settings.LUOSHI_LOCKOUT_WINDOW_MINUTES + 1)
    with lib.clock_at(later):
        assert accounts.prune_login_throttles() == 1
    assert set(LoginThrottle.objects.values_list("username", flat=True)) == {"locked-one"}


def test_item_15_the_idle_timeout_is_exact_to_the_second(province: Province, settings):
    """A request 1 s before the idle limit keeps the session (even though the session row was
    last written up to a minute earlier); 1 s after the limit from the last request ends it."""
    settings.LUOSHI_SESSION_IDLE_MINUTES = 30
    start = lib.now()
    client = Client()
    with lib.clock_at(start):
        assert client.login(username=province.liaison.username, password=PASSWORD)
        assert client.get("/tasks/").status_code == 200
    with lib.clock_at(start + dt.timedelta(seconds=50)):  # inside the session's write resolution
        assert client.get("/tasks/").status_code == 200
    limit = start + dt.timedelta(seconds=50) + dt.timedelta(minutes=30)
    with lib.clock_at(limit - dt.timedelta(seconds=1)):
        assert client.get("/tasks/").status_code == 200
    with lib.clock_at(limit - dt.timedelta(seconds=1) + dt.timedelta(minutes=30, seconds=1)):
        assert client.get("/tasks/").status_code == 302
