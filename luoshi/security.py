"""HTTP hardening and upload checks that Django does not ship: a Content-Security-Policy
header, and an allow-list of file types recognised by their content rather than their name."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import IO, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
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


class NoStoreMiddleware:
    """Pages and downloads for a signed-in user, and every API answer, are never kept by a
    browser's or proxy's cache (issue 16, item 15): a shared computer's back button or a
    proxy must not show a ledger to the next person. A response that sets its own
    Cache-Control (the calendar feed) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        # The API first: its requests carry a token, and asking for request.user would read a session.
        if request.path.startswith("/api/") or (getattr(request, "user", None) is not None
                                                and request.user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response


class ControlCharacterMiddleware:
    """One input sanitiser for every text field (issue 16, item 9): a form field, query
    parameter or JSON string holding a C0 control character (tab, newline and carriage return
    aside) is refused with a 400 that names the field, before any view or service sees it.
    Such characters break the Excel and Word files Luoshi writes and PostgreSQL (NUL), and no
    person types them. Nothing is stored, so nothing is lost: the form is still in the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self._find(request)
        if found is None:
            return self.get_response(request)
        field, char = found
        message = _("The field “%(field)s” contains a control character (%(char)s) that cannot be stored. "
                    "Remove it (it often comes with text pasted from another program) and send again.") % {
            "field": field, "char": char}
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            # 422, the API's answer to input it cannot take, in its error shape (docs/api.md).
            return JsonResponse({"error": "control_character", "message": message}, status=422)
        from django.shortcuts import render

        return render(request, "400.html", {"message": message}, status=400)

    @staticmethod
    def _find(request: HttpRequest) -> tuple[str, str] | None:
        from luoshi.lib import control_character_in

        sources = [request.GET]
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.content_type == "application/json":
                return _control_in_json(request.body)
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                for value in [key, *values]:
                    char = control_character_in(value)
                    if char:
                        return key, char
        return None


def _control_in_json(body: bytes) -> tuple[str, str] | None:
    import json

    from luoshi.lib import control_character_in

    try:
        data = json.loads(body or b"null")
    except ValueError:
        return None  # the API explains malformed JSON itself
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            char = control_character_in(value)
            if char:
                return path or "body", char
        elif isinstance(value, dict):
            for key, item in value.items():
                char = control_character_in(str(key))
                if char:
                    return path or "body", char
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


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


# What a stored file is served as: decided by its checked kind, never by what the uploader's
# browser claimed (issue 16, item 10: a "text/javascript" or "image/svg+xml" upload would
# otherwise be a same-origin script). Text is plain text; nothing here can run.
SERVED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ole2": "application/octet-stream",
    "text": "text/plain; charset=utf-8",
    "ofd": "application/ofd",
}


def served_content_type(name: str) -> str:
    """The Content-Type a stored upload named `name` is served with."""
    kind = UPLOAD_KINDS.get(os.path.splitext(name)[1].lower())
    return SERVED_TYPES.get(kind or "", "application/octet-stream")


_Response = TypeVar("_Response", bound=HttpResponseBase)


def harden_download(response: _Response) -> _Response:
    """A download runs nothing even if a browser opened it in place: no sniffing, and a
    sandboxed document with no sources allowed. Never cached by a shared cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
