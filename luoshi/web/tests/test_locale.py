"""The zh-hans catalogue is complete and compiled, and the error pages speak the user's language."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

import luoshi
from luoshi.lib import envbool
from luoshi.testing.fixtures import PASSWORD

CATALOGUE = Path(luoshi.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda match: ESCAPES[match.group(1)], text)


def _entries(catalogue: Path = CATALOGUE) -> list[dict[str, object]]:
    """The .po file's live entries: msgctxt, msgid, msgid_plural, msgstr (list) and flags."""
    entries: list[dict[str, object]] = []
    for block in (catalogue / "django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        entry: dict[str, object] = {"flags": set(), "msgstr": []}
        field = ""
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                field = match.group(1)
                if field.startswith("msgstr"):
                    entry["msgstr"].append(_unquote(match.group(2)))  # type: ignore[attr-defined]
                else:
                    entry[field] = _unquote(match.group(2))
            elif line.startswith('"'):
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += _unquote(line[1:-1])  # type: ignore[index]
                else:
                    entry[field] += _unquote(line[1:-1])  # type: ignore[operator]
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    """A message added to the code after makemessages must be translated before it ships."""
    entries = _entries()
    assert len(entries) > 1000
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]  # type: ignore[call-overload]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]  # type: ignore[operator]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_holds_every_message_of_the_po_file():
    """The .mo is committed (no gettext needed to run), so it must be compiled from the current .po."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    for entry in _entries():
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        if "msgid_plural" in entry:
            assert compiled.get((key, 0)) == entry["msgstr"][0], key  # type: ignore[index]
        else:
            assert compiled.get(key) == entry["msgstr"][0], key  # type: ignore[index]


def test_the_404_page_is_in_chinese_by_default_and_in_english_on_request(province):
    """The 404 page uses the site layout and the user's language, not Django's bare English page."""
    client = Client()
    assert client.login(username=province.liaison.username, password=PASSWORD)
    chinese = client.get("/no-such-page/")
    english = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 404
    assert "页面不存在" in chinese.content.decode() and "Not Found" not in chinese.content.decode()
    assert "Page not found" in english.content.decode()


def test_the_500_page_renders_without_a_request_context(db):
    """Django renders 500.html with no context; it still speaks the language of the request."""
    with translation.override("zh-hans"):
        chinese = defaults.server_error(RequestFactory().get("/"))
    with translation.override("en"):
        english = defaults.server_error(RequestFactory().get("/"))
    assert chinese.status_code == english.status_code == 500
    assert "服务器错误" in chinese.content.decode() and "Server error" in english.content.decode()


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """The catalogue is edited by hand between runs of makemessages, so a message can be in
    the code and missing from the .po, where the test above cannot see it. makemessages, run
    on a copy of the package, lists the code's messages against the catalogue: a new one comes
    out untranslated, or fuzzy when msgmerge guessed it from a similar one."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        message = "GNU gettext is not installed (apt-get install gettext)"
        if envbool("LUOSHI_REQUIRE_BROWSER", "False"):  # CI installs every tool the tests use
            pytest.fail(message)
        pytest.skip(message)
    package = Path(luoshi.__file__).parent
    copy = tmp_path / "luoshi"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "*_tests"))
    subprocess.run([sys.executable, "-m", "django", "makemessages", "--locale", "zh_Hans", "--no-obsolete",
                    "--settings", "luoshi.settings"], cwd=copy, check=True, capture_output=True)
    missing = [entry["msgid"] for entry in _entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES")
               if not all(entry["msgstr"]) or "fuzzy" in entry["flags"]]  # type: ignore[call-overload, operator]
    assert missing == [], f"translate these in {CATALOGUE / 'django.po'}: {missing}"
