"""HTTP hardening and upload checks that Django does not ship: a Content-Security-Policy
header, and an allow-list of file types recognised by their content rather than their name."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from luoshi.lib import InvalidInput

# --- Content-Security-Policy -------------------------------------------------------------------

class ContentSecurityPolicyMiddleware:
    """Add settings.LUOSHI_CSP to every response that does not set its own. Scripts read
    their data from json_script blocks and data- attributes, so the policy allows no inline
    script. Django's own debug pages (DEBUG only) use inline styles: they are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.LUOSHI_CSP
        if policy and "Content-Security-Policy" not in response and not (settings.DEBUG and response.status_code >= 400):
            response["Content-Security-Policy"] = policy
        return response


# --- uploads -------------------------------------------------------------------------------------

# Extension → the kind of content it must hold. .wps and .et are WPS Office's own
# (OLE2) formats; .ofd is China's fixed-layout format (a zip with OFD.xml).
UPLOAD_KINDS: dict[str, str] = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg", ".jpeg": "jpeg",
    ".gif": "gif",
    ".webp": "webp",
    ".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx",
    ".doc": "ole2", ".xls": "ole2", ".ppt": "ole2", ".wps": "ole2", ".et": "ole2",
    ".txt": "text", ".csv": "text",
    ".ofd": "ofd",
}
ALLOWED_UPLOAD_EXTENSIONS = frozenset(UPLOAD_KINDS)

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "ole2": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
# The part of an OOXML package that says what it is ([Content_Types].xml lists it).
_OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_TEXT_SAMPLE = 64 * 1024


def _head(upload: IO[bytes], size: int) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def _zip_names(upload: IO[bytes]) -> set[str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _is_text(upload: IO[bytes]) -> bool:
    sample = _head(upload, _TEXT_SAMPLE)
    if b"\x00" in sample:
        return False
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end in the middle of a character; anything earlier is a real error.
        if error.start < len(sample) - 3:
            return False
    return True


def content_matches(kind: str, upload: IO[bytes]) -> bool:
    """True when the bytes of `upload` are of `kind` (one of UPLOAD_KINDS' values)."""
    if kind in _MAGIC:
        return _head(upload, 8).startswith(_MAGIC[kind])
    if kind == "webp":
        head = _head(upload, 12)
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if kind == "text":
        return _is_text(upload)
    if _head(upload, 4) != b"PK\x03\x04":
        return False
    names = _zip_names(upload)
    if names is None:
        return False
    if kind == "ofd":
        return "OFD.xml" in names
    return "[Content_Types].xml" in names and _OOXML_MAIN[kind] in names


def check_upload(upload: IO[bytes], name: str, allowed: frozenset[str] | set[str] = ALLOWED_UPLOAD_EXTENSIONS) -> str:
    """Refuse a file whose extension is not allowed or whose content is not what its
    extension says (a .pdf that is really a program). Returns the lower-case extension."""
    extension = os.path.splitext(name)[1].lower()
    if extension not in allowed or extension not in UPLOAD_KINDS:
        raise InvalidInput(_("%(name)s: files of this type are not accepted.") % {"name": name})
    if not content_matches(UPLOAD_KINDS[extension], upload):
        raise InvalidInput(
            _("%(name)s is not really a %(type)s file: its content does not match its name. "
              "Upload the original document.") % {"name": name, "type": extension[1:].upper()}
        )
    return extension
