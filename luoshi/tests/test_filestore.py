"""luoshi/lib/files.py on local disk: the file and its row agree whatever fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from luoshi.lib import files as filestore
from luoshi.search import indexing
from luoshi.tasks import services
from luoshi.tasks.models import Evidence, ProgressReport


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def pdf(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


def test_a_failed_transaction_deletes_the_files_it_wrote(province, media, monkeypatch):
    """An error after the files are written: no row, and no file left on disk."""
    task = province.signed()

    def broken_index(obj: object) -> None:
        assert stored(media), "the file is written before the transaction ends"
        raise RuntimeError("the search index failed")

    monkeypatch.setattr(indexing, "index", broken_index)
    with pytest.raises(RuntimeError):
        services.report_progress(province.liaison, task, text="t", progress=10, files=[pdf(), pdf("b.pdf")])
    assert stored(media) == [] and not Evidence.objects.exists() and not ProgressReport.objects.exists()


def test_a_disk_that_cannot_be_written_is_a_clear_error(province, media):
    """The media root cannot be created (a file stands in its place): StoreUnavailable, nothing kept."""
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(b"not a folder")
    with translation.override("en"), pytest.raises(filestore.StoreUnavailable, match="nothing was saved"):
        services.report_progress(province.liaison, province.signed(), text="t", progress=10, files=[pdf()])
    assert not ProgressReport.objects.exists()


def test_it_refuses_to_store_outside_a_files_transaction():
    """save_upload outside a service decorated with filestore.atomic could leave orphans: refused."""
    with pytest.raises(RuntimeError, match="lib.files.atomic"):
        filestore.save_upload(Evidence._meta.get_field("file"), pdf(), "x.pdf")  # type: ignore[arg-type]


def test_the_outermost_service_cleans_up_nested_ones(media, db):
    """A files service called inside another: the files go when the outer one fails."""
    field = Evidence._meta.get_field("file")

    @filestore.atomic
    def inner() -> str:
        return filestore.save_upload(field, pdf(), "inner.pdf")  # type: ignore[arg-type]

    @filestore.atomic
    def outer() -> None:
        inner()
        assert len(stored(media)) == 1
        raise RuntimeError("later")

    with pytest.raises(RuntimeError):
        outer()
    assert stored(media) == []


def test_a_failed_nested_service_deletes_its_own_files_only(media, db):
    """The outer service catches the inner one's error and goes on: the inner file goes, the outer stays."""
    field = Evidence._meta.get_field("file")

    @filestore.atomic
    def inner() -> None:
        filestore.save_upload(field, pdf(), "inner.pdf")  # type: ignore[arg-type]
        raise RuntimeError("inner fails")

    @filestore.atomic
    def outer() -> str:
        kept = filestore.save_upload(field, pdf(), "outer.pdf")  # type: ignore[arg-type]
        with pytest.raises(RuntimeError):
            inner()
        return kept

    kept = outer()
    assert [path.name for path in stored(media)] == [Path(kept).name]
