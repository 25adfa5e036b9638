"""LUOSHI_STORAGE=s3 against a real S3 server: SeaweedFS on 127.0.0.1 (luoshi/testing/s3.py),
reached over HTTP by boto3. Files go to the bucket, never to local disk; they come back only
through the permission-checked views; a refused upload or a failed transaction leaves nothing
in the bucket; an unreachable store is a clear message and no half-written rows."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from luoshi.api.services import create_token
from luoshi.ledgers.models import LedgerImport
from luoshi.ledgers.tests.helpers import GOOD_ROWS, upload
from luoshi.lib import ConfigError
from luoshi.lib.files import check_store
from luoshi.search import indexing
from luoshi.tasks import services
from luoshi.tasks.models import Evidence, ProgressReport, Task
from luoshi.testing.s3 import Bucket, S3Server, free_ports, use_s3

PDF = b"%PDF-1.4 site inspection"


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def pdf(name: str = "检查报告.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def report(user: Any, task: Task, files: list[SimpleUploadedFile], text: str = "sites inspected") -> Any:
    return client_for(user).post(f"/tasks/{task.pk}/report/",
                                 {"version": task.version, "text": text, "progress": "40", "files": files})


def files_on_disk(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def unreachable(s3_server: S3Server, s3_bucket: Bucket, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Luoshi's storage now points at a port where nothing listens (the bucket stays readable by the test)."""
    [port] = free_ports(1)
    use_s3(settings, monkeypatch, f"http://127.0.0.1:{port}", s3_server.access_key, s3_server.secret_key, s3_bucket.name)


@pytest.fixture
def evidence(province: Any, s3_bucket: Bucket) -> Evidence:
    task = province.signed(province.city)
    services.report_progress(province.city_liaison, task, text="done", progress=50, files=[pdf()])
    return Evidence.objects.get()


# --- uploads ---------------------------------------------------------------------------------


def test_it_stores_uploaded_evidence_in_the_bucket_not_on_disk(province, s3_bucket, media):
    """A report posted through the task page puts its file in the bucket under a random name."""
    task = province.signed()
    response = report(province.liaison, task, [pdf()])
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert s3_bucket.keys() == [evidence.file.name] and evidence.file.name.startswith("evidence/")
    assert "检查" not in evidence.file.name and evidence.original_name == "检查报告.pdf"
    assert s3_bucket.read(evidence.file.name) == PDF
    assert files_on_disk(media) == []


def test_the_objects_are_private(province, s3_server, s3_bucket, evidence):
    """Nobody reads an object without the store's keys: no public ACL, anonymous GET refused."""
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=evidence.file.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint}/{s3_bucket.name}/{evidence.file.name}", timeout=10)  # nosec B310
    assert refused.value.code == 403


@pytest.mark.parametrize(("files", "message"), [
    ([pdf("ok.pdf"), pdf("huge.pdf", b"%PDF-1.4" + b"x" * (1024 * 1024))], "huge.pdf is larger than the limit of 1 MB."),
    ([pdf("ok.pdf"), pdf("run.exe", b"MZ")], "run.exe: files of this type are not accepted"),
    ([pdf("ok.pdf"), pdf("fake.pdf", b"MZ not a pdf")], "fake.pdf is not really a PDF file"),
])
def test_a_refused_upload_leaves_nothing_in_the_bucket(province, settings, s3_bucket, files, message):
    """Oversized, forbidden or disguised files: a clear message, the text kept, no row, no object."""
    settings.LUOSHI_MAX_UPLOAD_MB = 1
    task = province.signed()
    response = report(province.liaison, task, files, text="my careful summary")
    page = response.content.decode()
    assert response.status_code == 422 and message in page and "my careful summary" in page
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert s3_bucket.keys() == []


def test_a_failed_transaction_deletes_the_objects_it_wrote(province, s3_bucket, monkeypatch):
    """The files are written before the rows; when the transaction then fails, they are deleted."""
    task = province.signed()

    def broken_index(obj: object) -> None:
        assert s3_bucket.keys(), "the file is written before the transaction ends"
        raise RuntimeError("the search index failed")

    monkeypatch.setattr(indexing, "index", broken_index)
    with pytest.raises(RuntimeError):
        services.report_progress(province.liaison, task, text="t", progress=10, files=[pdf("a.pdf"), pdf("b.pdf")])
    assert s3_bucket.keys() == []
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_an_unreachable_store_is_a_clear_error_and_keeps_no_row(province, unreachable, s3_bucket):
    """Upload while the store does not answer: the user is told, the text is kept, nothing is half-saved."""
    task = province.signed()
    response = report(province.liaison, task, [pdf()], text="my careful summary")
    page = response.content.decode()
    assert response.status_code == 422
    assert "The file store is not available just now, so nothing was saved." in page and "my careful summary" in page
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert Task.objects.get(pk=task.pk).status == "signed"
    assert s3_bucket.keys() == []


def test_wrong_keys_are_a_clear_error(province, s3_server, s3_bucket, settings, monkeypatch):
    """The store refuses the credentials: the same message, nothing saved."""
    use_s3(settings, monkeypatch, s3_server.endpoint, s3_server.access_key, "not-the-secret", s3_bucket.name)
    task = province.signed()
    response = report(province.liaison, task, [pdf()])
    assert response.status_code == 422 and "The file store is not available just now" in response.content.decode()
    assert not Evidence.objects.exists() and s3_bucket.keys() == []


def test_the_api_says_503_when_the_store_is_unreachable(province, unreachable, s3_bucket):
    """A multipart report through the API: 503 store_unavailable with Retry-After, no row."""
    task = province.signed()
    _token, raw = create_token(province.liaison, name="tests")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en").post(
        f"/api/v1/tasks/{task.pk}/report", {"text": "with evidence", "progress": "30", "files": [pdf()]})
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["error"] == "store_unavailable"
    assert not ProgressReport.objects.exists() and s3_bucket.keys() == []


def test_the_api_stores_evidence_in_the_bucket(province, s3_bucket):
    """The API's multipart report goes through the same service, so to the bucket."""
    task = province.signed()
    _token, raw = create_token(province.liaison, name="tests")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/tasks/{task.pk}/report", {"text": "with evidence", "progress": "30", "files": [pdf()]})
    assert response.status_code == 200, response.content
    assert s3_bucket.keys() == [Evidence.objects.get().file.name]


# --- downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supervisor", "leader", "city_liaison"])
def test_it_streams_the_file_from_the_bucket_to_readers(province, evidence, persona):
    """Readers of the task get the object's bytes through Luoshi, as an attachment with its original name."""
    response = client_for(getattr(province, persona)).get(f"/tasks/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "amazonaws" not in str(response.headers) and "X-Amz" not in str(response.headers)


@pytest.mark.parametrize("persona", ["liaison", "county_liaison", "other_liaison", "secretary", "sysadmin"])
def test_it_hides_the_file_from_everyone_else(province, evidence, persona):
    """Anyone who cannot read the task gets 404, as on local disk."""
    assert client_for(getattr(province, persona)).get(f"/tasks/evidence/{evidence.pk}/").status_code == 404


def test_a_missing_object_is_404(province, evidence, s3_bucket):
    """An object deleted from the bucket behind Luoshi's back is 404, not a crash."""
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=evidence.file.name)
    assert client_for(province.supervisor).get(f"/tasks/evidence/{evidence.pk}/").status_code == 404


def test_a_download_while_the_store_is_unreachable_says_so(province, evidence, unreachable):
    """The reader is sent back to the task with a message, not a broken download."""
    response = client_for(province.supervisor).get(f"/tasks/evidence/{evidence.pk}/", follow=True)
    assert response.redirect_chain == [(f"/tasks/{evidence.report.task_id}/", 302)]
    assert "The file store is not available just now, so the file cannot be read." in response.content.decode()


# --- ledger uploads --------------------------------------------------------------------------


def test_a_ledger_upload_is_kept_in_the_bucket_and_read_back_from_it(province, s3_bucket, media):
    """The .xlsx goes to the bucket; its check page reads it back from there."""
    client = client_for(province.supervisor)
    response = client.post(reverse("ledger_import"), {"file": upload(GOOD_ROWS)})
    ledger = LedgerImport.objects.get()
    assert response.status_code == 302 and s3_bucket.keys() == [ledger.file.name]
    assert ledger.file.name.startswith("ledger-imports/") and files_on_disk(media) == []
    data = {"sheet": "台账", "header_row": 2, "default_year": 2030, "save_as": "",
            **{f"col_{k}": v for k, v in ledger.columns.items()}}
    assert client.post(ledger.get_absolute_url(), data).status_code == 302  # read from the bucket
    assert LedgerImport.objects.get().default_year == 2030


def test_a_ledger_upload_while_the_store_is_unreachable_keeps_no_import(province, unreachable, s3_bucket):
    """The supervisor is told; no import row points at a file that was never written."""
    response = client_for(province.supervisor).post(reverse("ledger_import"), {"file": upload(GOOD_ROWS)})
    assert "The file store is not available just now" in response.content.decode()
    assert not LedgerImport.objects.exists() and s3_bucket.keys() == []


# --- luoshi check --deploy -------------------------------------------------------------------


def test_the_deploy_check_passes_on_a_private_bucket(s3_bucket):
    """The bucket takes, returns and deletes a probe file, refuses anonymous reads; nothing is left."""
    assert check_store() == []
    assert s3_bucket.keys() == []


def test_the_deploy_check_names_an_unreachable_store(unreachable):
    """A store that does not answer is an error that says which settings to look at."""
    [error] = check_store()
    assert error.id == "luoshi.E021" and "LUOSHI_S3_" in error.hint


def test_the_deploy_check_finds_a_public_bucket(s3_bucket):
    """A bucket whose policy lets anyone read is an error."""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{s3_bucket.name}/*"]}]}
    s3_bucket.client.put_bucket_policy(Bucket=s3_bucket.name, Policy=json.dumps(policy))
    [error] = check_store()
    assert error.id == "luoshi.E022"


# --- settings --------------------------------------------------------------------------------


def _settings_in_a_new_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = ("import django; django.setup(); from django.conf import settings; "
            "o = settings.STORAGES['default'].get('OPTIONS', {}); "
            "print(settings.STORAGES['default']['BACKEND'], o.get('bucket_name'), o.get('secret_key'), "
            "o.get('default_acl'), o.get('file_overwrite'))")
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_S3_")},
                   "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path), **env}
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60)  # nosec B603


def test_local_disk_is_the_default(tmp_path):
    """Without LUOSHI_STORAGE files stay on local disk."""
    result = _settings_in_a_new_process(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.core.files.storage.FileSystemStorage"


def test_s3_reads_its_secret_from_a_file(tmp_path):
    """LUOSHI_STORAGE=s3 selects django-storages' S3Storage, private and never overwriting;
    the secret key may come from LUOSHI_S3_SECRET_ACCESS_KEY_FILE."""
    pytest.importorskip("storages", reason="needs the s3 extra (django-storages, boto3)")
    secret = tmp_path / "s3-secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    result = _settings_in_a_new_process(tmp_path, LUOSHI_STORAGE="s3", LUOSHI_S3_BUCKET="luoshi-files",
                                        LUOSHI_S3_SECRET_ACCESS_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "luoshi-files", "from-the-file", "private", "False"]


@pytest.mark.parametrize(("env", "message"), [
    ({"LUOSHI_STORAGE": "nfs"}, "LUOSHI_STORAGE must be local or s3, not 'nfs'"),
    ({"LUOSHI_STORAGE": "s3"}, "LUOSHI_STORAGE=s3 needs LUOSHI_S3_BUCKET"),
    ({"LUOSHI_STORAGE": "s3", "LUOSHI_S3_BUCKET": "b", "LUOSHI_S3_ADDRESSING_STYLE": "sideways"},
     "LUOSHI_S3_ADDRESSING_STYLE must be path, virtual or auto"),
    ({"LUOSHI_STORAGE": "s3", "LUOSHI_S3_BUCKET": "b", "LUOSHI_S3_ACL": "public-read"},
     "files are never public"),
])
def test_bad_storage_settings_are_refused_with_a_reason(tmp_path, env, message):
    """A wrong value stops the start with a message that names the variable."""
    pytest.importorskip("storages", reason="needs the s3 extra (django-storages, boto3)")
    result = _settings_in_a_new_process(tmp_path, **env)
    assert result.returncode != 0 and ConfigError.__name__ in result.stderr and message in result.stderr


@pytest.mark.django_db(transaction=True)  # the backup reads the database from outside the test's transaction
def test_a_backup_says_the_files_stay_in_the_bucket(province, evidence, s3_bucket, tmp_path):
    """luoshi backup covers the database; with S3 its manifest and its output name the bucket that holds the files."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["file_store"] == {"kind": "s3", "bucket": s3_bucket.name}
    assert f"NOT in this backup; they stay in the S3 bucket {s3_bucket.name}" in out.getvalue()
