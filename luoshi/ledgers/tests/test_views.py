"""The ledger import pages: upload → check → confirm, for the supervision office only."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ledgers import services
from luoshi.ledgers.models import LedgerImport
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD

from .helpers import GOOD_ROWS, HEADERS, upload

OTHERS = ["liaison", "city_liaison", "leader", "secretary", "sysadmin", "secadmin", "auditadmin"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def ledger(province):  # type: ignore[no-untyped-def]
    return services.upload_ledger(province.supervisor, upload(GOOD_ROWS))


def test_it_shows_the_upload_page_to_the_supervisor(province, ledger):
    """The supervisor sees the upload form and the recent imports."""
    response = client_for(province.supervisor).get(reverse("ledger_import"))
    assert response.status_code == 200
    assert "台账.xlsx" in response.content.decode()


def test_it_uploads_and_redirects_to_the_check(province):
    """A good upload leads to its check page, which lists the rows as they will be created."""
    client = client_for(province.supervisor)
    response = client.post(reverse("ledger_import"), {"file": upload(GOOD_ROWS)})
    ledger = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == ledger.get_absolute_url()
    page = client.get(ledger.get_absolute_url()).content.decode()
    assert "开展安全生产大检查" in page and "Import 3 tasks" in page
    assert AuditEvent.objects.filter(verb="upload_ledger").exists()


@pytest.mark.parametrize("name, data, message", [
    ("ledger.xlsx", b"not a zip", "not an Excel workbook"),
    ("ledger.docx", b"PK", "not an .xlsx file"),
])
def test_it_explains_a_bad_upload(province, name, data, message):
    """A corrupt or wrong file gives a clear message and stores nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(province.supervisor).post(reverse("ledger_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400 and message in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_it_refuses_an_oversized_upload(province, settings):
    """A file over LUOSHI_LEDGER_MAX_MB is refused with the limit named."""
    settings.LUOSHI_LEDGER_MAX_MB = 0
    response = client_for(province.supervisor).post(reverse("ledger_import"), {"file": upload(GOOD_ROWS)})
    assert response.status_code == 400 and "larger than the limit" in response.content.decode()


def test_it_asks_for_a_file(province):
    """Submitting the form without a file says so."""
    response = client_for(province.supervisor).post(reverse("ledger_import"), {})
    assert response.status_code == 400 and "required" in response.content.decode()


def test_it_lists_errors_by_row_and_column(province):
    """The check page lists each problem with its row and column, and offers no import."""
    rows = [HEADERS, [1, "任务甲", "省财政厅", "", "", "2030-06-30", "", "", ""]]
    ledger = services.upload_ledger(province.supervisor, upload(rows))
    page = client_for(province.supervisor).get(ledger.get_absolute_url()).content.decode()
    assert "No unit is called “省财政厅”" in page and "C · 牵头单位" in page
    assert "ledger_import_confirm" not in page and "name=\"token\"" not in page


def test_it_changes_the_columns_and_serves_the_htmx_fragment(province, ledger):
    """Posting the column form with htmx returns the re-checked fragment; without htmx it redirects."""
    client = client_for(province.supervisor)
    data = {"sheet": "台账", "header_row": 2, "default_year": 2030, "save_as": "",
            **{f"col_{k}": v for k, v in ledger.columns.items()}}
    data.pop("col_lead_unit")
    response = client.post(ledger.get_absolute_url(), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "which every task needs" in response.content.decode()
    data["col_lead_unit"] = 2
    assert client.post(ledger.get_absolute_url(), data).status_code == 302
    assert AuditEvent.objects.filter(verb="configure_ledger_import").count() == 2


def test_it_imports_once_on_confirm(province, ledger):
    """Confirming imports the rows; confirming again imports nothing and says why."""
    client = client_for(province.supervisor)
    url = reverse("ledger_import_confirm", args=[ledger.pk])
    response = client.post(url, {"token": ledger.token}, follow=True)
    assert "3 tasks were imported" in response.content.decode()
    response = client.post(url, {"token": ledger.token}, follow=True)
    assert "already been imported" in response.content.decode()
    assert Task.objects.filter(title="开展安全生产大检查").count() == 1
    assert AuditEvent.objects.filter(verb="import_task").count() == 3


def test_it_refuses_a_confirmation_without_the_token(province, ledger):
    """A confirmation without the preview's token imports nothing."""
    response = client_for(province.supervisor).post(reverse("ledger_import_confirm", args=[ledger.pk]), {},
                                                    follow=True)
    assert "changed after this page was shown" in response.content.decode()
    assert not Task.objects.filter(title="开展安全生产大检查").exists()


@pytest.mark.parametrize("persona", OTHERS)
def test_it_hides_every_page_from_everyone_else(province, ledger, persona):
    """Liaisons, leaders, secretaries and administrators get 404 on each page."""
    client = client_for(getattr(province, persona))
    assert client.get(reverse("ledger_import")).status_code == 404
    assert client.get(ledger.get_absolute_url()).status_code == 404
    assert client.post(reverse("ledger_import_confirm", args=[ledger.pk]), {"token": ledger.token}).status_code == 404
    assert not Task.objects.filter(title="开展安全生产大检查").exists()


def test_it_sends_anonymous_visitors_to_log_in(province, ledger):
    """Anonymous visitors are redirected to the login page."""
    for url in (reverse("ledger_import"), ledger.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_refuses_wrong_methods(province, ledger):
    """Confirm is POST only; the pages take GET and POST only."""
    client = client_for(province.supervisor)
    assert client.get(reverse("ledger_import_confirm", args=[ledger.pk])).status_code == 405
    assert client.delete(reverse("ledger_import")).status_code == 405
    assert client.put(ledger.get_absolute_url()).status_code == 405


def test_a_missing_import_is_404(province):
    """An import id that does not exist looks like any other refusal."""
    assert client_for(province.supervisor).get(reverse("ledger_import_review", args=[999])).status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_the_upload_page_runs_a_bounded_number_of_queries(province, count, django_assert_max_num_queries):
    """The list of recent imports costs the same with 1 or 50 imports."""
    for _ in range(count):
        services.upload_ledger(province.supervisor, upload(GOOD_ROWS[:2]))
    client = client_for(province.supervisor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("ledger_import")).status_code == 200
