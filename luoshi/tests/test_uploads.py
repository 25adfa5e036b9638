"""Uploads are recognised by their content (luoshi/security.py), not by their name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from luoshi.lib import InvalidInput
from luoshi.security import check_upload


@pytest.fixture(autouse=True)
def _english():
    """The messages below are matched in English; the default language is zh-hans."""
    with translation.override("en"):
        yield


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


GOOD = {
    "report.pdf": b"%PDF-1.7\n...",
    "photo.png": b"\x89PNG\r\n\x1a\n....",
    "photo.jpg": b"\xff\xd8\xff\xe0....",
    "photo.jpeg": b"\xff\xd8\xff\xdb....",
    "chart.gif": b"GIF89a....",
    "photo.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "notice.docx": _zip(["[Content_Types].xml", "word/document.xml"]),
    "ledger.xlsx": _zip(["[Content_Types].xml", "xl/workbook.xml"]),
    "slides.pptx": _zip(["[Content_Types].xml", "ppt/presentation.xml"]),
    "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....",
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....",
    "wps.wps": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....",
    "notes.txt": "进展情况：已完成排查。\n".encode(),
    "table.csv": "\ufeff单位,进度\n应急厅,40\n".encode(),
    "scan.ofd": _zip(["OFD.xml", "Doc_0/Document.xml"]),
}

BAD = {
    "setup.pdf": b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program named .pdf
    "photo.png": b"\xff\xd8\xff\xe0",  # a JPEG named .png
    "notice.docx": _zip(["evil.exe"]),  # a zip, but not a Word document
    "ledger.xlsx": _zip(["[Content_Types].xml", "word/document.xml"]),  # a Word document named .xlsx
    "scan.ofd": b"%PDF-1.4",
    "notes.txt": b"\x00\x01\x02binary",
    "old.doc": b"PK\x03\x04",
    "table.csv": "单位".encode("gbk") * 10,  # not UTF-8
}


@pytest.mark.parametrize("name", list(GOOD))
def test_it_accepts_each_allowed_type_by_its_content(name: str):
    """Each type on the allow-list passes when its bytes are what its name says."""
    assert check_upload(SimpleUploadedFile(name, GOOD[name]), name) == "." + name.rsplit(".", 1)[1]


@pytest.mark.parametrize("name", list(BAD))
def test_it_refuses_content_that_does_not_match_the_name(name: str):
    """A .pdf that is really a program, and the like, is refused with a clear message."""
    with pytest.raises(InvalidInput, match="its content does not match its name"):
        check_upload(SimpleUploadedFile(name, BAD[name]), name)


@pytest.mark.parametrize("name", ["setup.exe", "script.js", "page.html", "archive.zip", "README"])
def test_it_refuses_types_off_the_allow_list(name: str):
    """Programs, web pages, archives and files without an extension are refused."""
    with pytest.raises(InvalidInput, match="files of this type are not accepted"):
        check_upload(SimpleUploadedFile(name, b"%PDF-1.4"), name)


def test_it_leaves_the_file_ready_to_store():
    """After the check the file reads from its start again."""
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 body")
    check_upload(upload, "a.pdf")
    assert upload.read() == b"%PDF-1.4 body"


def test_evidence_that_is_really_a_program_is_refused(province):
    """report_progress refuses a disguised program and stores nothing."""
    from luoshi.tasks import services
    from luoshi.tasks.models import Evidence, ProgressReport

    task = province.signed()
    with pytest.raises(InvalidInput, match="setup.pdf is not really a PDF file"):
        services.report_progress(province.liaison, task, text="see file", progress=20,
                                 files=[SimpleUploadedFile("setup.pdf", b"MZ\x90\x00")])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
