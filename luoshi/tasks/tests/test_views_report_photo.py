"""A report with a photo from the phone's camera, beside the other evidence files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.tasks.models import Evidence, ProgressReport
from luoshi.tasks.tests.test_views_actions import client_for, fresh, pdf, post

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def photo(name: str = "IMG_0001.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_report_form_opens_the_camera_and_keeps_other_files(province):
    """The photo input asks for the camera; the evidence input still takes every accepted type."""
    task = province.signed()
    html = client_for(province.liaison).get(f"/tasks/{task.pk}/report/", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="photos"' in html and 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'name="files"' in html and ".pdf" in html and ".docx" in html


def test_it_saves_a_photo_with_the_other_evidence(province):
    """A photo and a PDF in one report: both become the report's evidence."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "site checked", "progress": "30",
                                                        "photos": [photo()], "files": [pdf("minutes.pdf")]})
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert sorted(e.original_name for e in report.evidence.all()) == ["IMG_0001.jpg", "minutes.pdf"]
    assert fresh(task).progress == 30


def test_it_refuses_a_photo_that_is_not_an_image_and_saves_nothing(province):
    """A "photo" whose content is not a JPEG is refused like any evidence file; the text stays."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "keep this text", "progress": "30",
                                                        "photos": [photo("IMG_0002.jpg", b"MZ\x90\x00 a program")]})
    html = response.content.decode()
    assert response.status_code == 422 and "IMG_0002.jpg is not really a JPG file" in html and "keep this text" in html
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_it_refuses_a_photo_of_a_type_not_accepted(province):
    """A camera format the server does not take (HEIC) gets the clear type message."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "t", "progress": "30",
                                                        "photos": [photo("IMG_0003.heic", b"\x00\x00\x00\x18ftypheic")]})
    assert response.status_code == 422 and "IMG_0003.heic: files of this type are not accepted" in response.content.decode()
    assert not ProgressReport.objects.exists()
