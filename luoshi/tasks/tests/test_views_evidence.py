"""Evidence downloads (/tasks/evidence/<id>/): only for readers of the task, as an attachment."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.tasks import services
from luoshi.tasks.models import Evidence


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def evidence(province) -> Evidence:  # type: ignore[no-untyped-def]
    task = province.signed(province.city)
    services.report_progress(province.city_liaison, task, text="done", progress=50,
                             files=[SimpleUploadedFile("现场照片 1.pdf", b"%PDF-1.4 test", content_type="application/pdf")])
    return Evidence.objects.get()


@pytest.mark.parametrize("persona", ["supervisor", "leader", "city_liaison"])
def test_it_serves_the_file_to_readers_with_its_original_name(province, evidence, persona):
    """The file comes back as an attachment named as it was uploaded."""
    response = client_for(getattr(province, persona)).get(f"/tasks/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''%E7%8E%B0" in disposition


@pytest.mark.parametrize("persona", ["liaison", "county_liaison", "other_liaison", "secretary", "sysadmin", "auditadmin"])
def test_it_hides_the_file_from_everyone_else(province, evidence, persona):
    """Anyone who cannot read the task gets 404."""
    assert client_for(getattr(province, persona)).get(f"/tasks/evidence/{evidence.pk}/").status_code == 404


def test_it_says_404_for_missing_evidence(province):
    """An unknown id is 404."""
    assert client_for(province.supervisor).get("/tasks/evidence/99999/").status_code == 404


def test_it_requires_login_and_get(province, evidence):
    """Anonymous visitors go to log in; POST is refused."""
    assert Client().get(f"/tasks/evidence/{evidence.pk}/").status_code == 302
    assert client_for(province.supervisor).post(f"/tasks/evidence/{evidence.pk}/").status_code == 405


def test_it_is_linked_from_the_task_page(province, evidence):
    """The timeline links the file by its original name."""
    html = client_for(province.city_liaison).get(f"/tasks/{evidence.report.task_id}/").content.decode()
    assert f'href="/tasks/evidence/{evidence.pk}/"' in html and "现场照片 1.pdf" in html


@pytest.mark.parametrize("persona", ["supervisor", "city_liaison"])
def test_each_report_shows_its_own_files(province, persona):
    """With two reports on a task, each file is listed under the report it came with (newest first)."""
    task = province.signed(province.city)
    for text, name in (("first report", "a.pdf"), ("second report", "b.pdf")):
        services.report_progress(province.city_liaison, task, text=text, progress=50,
                                 files=[SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")])
    html = client_for(getattr(province, persona)).get(f"/tasks/{task.pk}/").content.decode()
    timeline = html[html.index('class="timeline"'):html.index("</ol>", html.index('class="timeline"'))]
    assert (timeline.index("second report") < timeline.index("b.pdf") < timeline.index("first report")
            < timeline.index("a.pdf"))
    assert timeline.count("a.pdf") == 1 and timeline.count("b.pdf") == 1
