"""Stored files (evidence, ledger uploads) through Django's storage API only, so that the
same code works on local disk and in an S3-compatible bucket (settings.STORAGES, LUOSHI_STORAGE).

A file and the row that names it must not disagree. A service that stores files is
decorated with `atomic` instead of `transaction.atomic`: `save_upload` writes the file
first, the service then writes its rows in the transaction, and if the transaction fails
(an error in the service, or at commit) the files it wrote are deleted again. An
unreachable store is a `StoreUnavailable` error with a message for the user, before any
row is kept."""

from __future__ import annotations

import contextvars
import functools
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core import checks
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils.translation import gettext as _

from luoshi.lib import LuoshiError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# The files written by the service running now, deleted again if its transaction fails.
_written: contextvars.ContextVar[list[tuple[Storage, str]] | None] = contextvars.ContextVar(
    "luoshi_filestore_written", default=None)


class StoreUnavailable(LuoshiError):
    """The file store did not answer or refused the request; nothing was kept."""


def store_errors() -> tuple[type[BaseException], ...]:
    """What a storage call raises when the store fails: OSError on local disk (full, not
    writable), boto3's and botocore's errors with S3 (unreachable, bad keys, no bucket)."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # the s3 extra is not installed: local disk only
        return tuple(errors)
    return (*errors, Boto3Error, BotoCoreError, ClientError)


def atomic(service: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for a service that stores files with `save_upload`: when the
    service or its commit fails, the files it wrote are deleted again. Called inside another
    such service, a failure deletes only its own files (its savepoint is rolled back); the
    outermost deletes them all. Inside a plain `transaction.atomic` that is rolled back later,
    the files stay as orphans that no row names, so they are never served."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        written = _written.get()
        token = None
        if written is None:
            written = []
            token = _written.set(written)
        mark = len(written)
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except BaseException:
            _delete(written[mark:])
            del written[mark:]
            raise
        finally:
            if token is not None:
                _written.reset(token)

    return wrapper


def _delete(written: list[tuple[Storage, str]]) -> None:
    for storage, name in written:
        try:
            storage.delete(name)
        except store_errors():
            # The row was not kept, so nothing names this file: it is never served.
            logger.exception("Could not delete %s after a failed transaction; it is an orphan", name)


def save_upload(field: FileField, upload: File, name: str) -> str:
    """Write `upload` to `field`'s storage as `name` in the field's upload_to folder, and
    return the stored name for the row. Only inside a service decorated with `atomic`."""
    written = _written.get()
    if written is None:
        raise RuntimeError("save_upload is called only inside a service decorated with luoshi.lib.files.atomic")
    target = field.generate_filename(None, name)
    try:
        stored = field.storage.save(target, upload, max_length=field.max_length)
    except store_errors() as error:
        logger.exception("Could not store %s", target)
        raise StoreUnavailable(
            _("The file store is not available just now, so nothing was saved. Try again in a few "
              "minutes; if it keeps happening, tell the system administrator.")
        ) from error
    written.append((field.storage, stored))
    return stored


def open_stored(file: FieldFile) -> File:
    """Open a stored file for reading, its content fetched before the first byte is sent.
    FileNotFoundError when it is gone; StoreUnavailable when the store fails."""
    if not file.name:
        raise FileNotFoundError("no file is stored for this row")
    try:
        handle = file.storage.open(file.name, "rb")
        handle.seek(0)  # an S3 object is downloaded here, not halfway through a response
    except FileNotFoundError:
        raise
    except store_errors() as error:
        logger.exception("Could not read %s", file.name)
        raise StoreUnavailable(
            _("The file store is not available just now, so the file cannot be read. Try again in "
              "a few minutes; if it keeps happening, tell the system administrator.")
        ) from error
    return handle


def check_store(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`luoshi check --deploy` with LUOSHI_STORAGE=s3: the bucket takes, returns and deletes
    a file, and refuses a reader without keys. Talks to the store, so only with --deploy."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not hasattr(default_storage, "bucket_name"):  # local disk: MEDIA_URL is never routed
        return []
    content = b"luoshi check " + secrets.token_hex(8).encode()
    try:
        name = default_storage.save(f"luoshi-check/{secrets.token_hex(16)}.txt", ContentFile(content))
        try:
            with default_storage.open(name, "rb") as handle:
                if handle.read() != content:
                    return [checks.Error("The file store returned other bytes than were written.", id="luoshi.E020")]
            public = _readable_without_keys(name)
        finally:
            default_storage.delete(name)
    except store_errors() as error:
        return [checks.Error(f"The file store cannot be used: {error}", id="luoshi.E021",
                             hint="Check LUOSHI_STORAGE, LUOSHI_MEDIA_ROOT or the LUOSHI_S3_* settings (docs/deployment.md).")]
    if public:
        return [checks.Error("Files in the bucket can be read without keys: the bucket is public.", id="luoshi.E022",
                             hint="Block public access on the bucket and remove any policy that grants anonymous reads.")]
    return []


def _readable_without_keys(name: str) -> bool:
    from django.core.files.storage import default_storage

    url = default_storage.url(name).split("?", 1)[0]  # the object's address without a signature
    try:
        with urllib.request.urlopen(url, timeout=10):  # nosec B310 # the configured store's own URL
            return True
    except urllib.error.HTTPError:
        return False
