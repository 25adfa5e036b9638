"""The real-readout corpus at the repository root (`corpus/`) is well formed.

Every file: its gold annotation follows the schema of docs/extraction.md, records where the
text was published, and every directive (and unit name, and agenda title, and chair) is
text the page really contains. Every source is in exactly one split, and the frozen test
split has not changed since it was frozen (every corpus/FROZEN* file is checked).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from luoshi.extraction.corpus import GOLD_SUFFIX, check_frozen, load_splits
from luoshi.extraction.model import AGENDA_KINDS

CORPUS = Path(__file__).resolve().parents[3] / "corpus"

GENRES = {
    "en-statecouncil-wire",
    "en-china-province",
    "zh-statecouncil",
    "zh-ministry",
    "zh-city",
    "zh-district-county",
    "zh-party-committee",
    "zh-minutes",
    "cabinet-other",
    "council-us",
    "council-uk",
    "council-canada",
    "council-other",
}
KEYS = {
    "source_url",
    "source",
    "genre",
    "published",
    "date",
    "lang",
    "chair",
    "meeting_type",
    "agenda_items",
    "directives",
    "priority_areas",
    "notes",
}
OTHER_MATTERS = {"other matters", "其他事项", "其他事項"}
SOURCE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FILE_ID = re.compile(r"^(zh|en)-[a-z0-9]+(?:-[a-z0-9]+)*$")
# Marks a title drops ("as written without book-title marks or quotes").
TITLE_MARKS = str.maketrans("", "", "《》〈〉“”‘’\"'「」")


def source_dirs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


def gold_files() -> list[Path]:
    return sorted(CORPUS.glob("*/*" + GOLD_SUFFIX))


def _loose(text: str) -> str:
    return " ".join(text.translate(TITLE_MARKS).split()).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def title_in_text(title: str, text: str) -> bool:
    """Chinese titles are in the text as written (book-title marks and quotes aside).
    English titles are the text's own words in its order, eliding at most as many words as
    the title has ("A commission was also announced to investigate X" → "commission to
    investigate X"; "talks team ... to finalise"), never words the text does not have."""
    if _loose(title) in _loose(text):
        return True
    want, have = _words(title), _words(text)
    if not want or re.search(r"[\u4e00-\u9fff]", title):
        return False
    window = 2 * len(want) + 2
    for start, word in enumerate(have):
        if word != want[0]:
            continue
        k = 1
        for w in have[start + 1 : start + window]:
            if k < len(want) and w == want[k]:
                k += 1
        if k == len(want):
            return True
    return False


def _iso_or_none(value: Any) -> bool:
    if value is None:
        return True
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def schema_problems(gold: dict[str, Any], text: str, folder: str) -> list[str]:
    """Everything wrong with one annotation, as sentences (empty when it is right)."""
    p: list[str] = []
    missing = KEYS - gold.keys()
    if missing:
        return [f"missing keys {sorted(missing)}"]
    url = gold["source_url"]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        p.append(f"source_url must be an http(s) address, not {url!r}")
    if gold["source"] != folder:
        p.append(f"source {gold['source']!r} is not the folder {folder!r}")
    if gold["genre"] not in GENRES:
        p.append(f"unknown genre {gold['genre']!r}")
    if gold["lang"] not in ("en", "zh"):
        p.append(f"lang must be en or zh, not {gold['lang']!r}")
    for key in ("published", "date"):
        if not _iso_or_none(gold[key]):
            p.append(f"{key} must be YYYY-MM-DD or null, not {gold[key]!r}")
    chair = gold["chair"]
    if chair is not None:
        if not isinstance(chair, dict) or not isinstance(chair.get("name"), str):
            p.append("chair must be null or {name, title}")
        elif chair["name"] not in text:
            p.append(f"chair name {chair['name']!r} is not in the text")
    if gold["meeting_type"] is not None and not isinstance(gold["meeting_type"], str):
        p.append("meeting_type must be a string or null")
    if not isinstance(gold["agenda_items"], list):
        p.append("agenda_items must be a list")
    else:
        for item in gold["agenda_items"]:
            if not isinstance(item, dict) or item.get("kind") not in AGENDA_KINDS:
                p.append(f"agenda item needs a kind in {AGENDA_KINDS}: {item!r}")
                continue
            title = item.get("title")
            if not isinstance(title, str) or not title.strip():
                p.append(f"agenda item without a title: {item!r}")
            elif title not in OTHER_MATTERS and not title_in_text(title, text):
                p.append(f"agenda title not in the text (marks aside): {title!r}")
    if not isinstance(gold["directives"], list):
        return p + ["directives must be a list"]
    for d in gold["directives"]:
        p += directive_problems(d, text)
    if not isinstance(gold["priority_areas"], list):
        p.append("priority_areas must be a list")
    if not isinstance(gold["notes"], str):
        p.append("notes must be a string")
    return p


def directive_problems(d: Any, text: str) -> list[str]:
    if isinstance(d, str):
        return [] if d and d in text else [f"directive is not an exact substring: {d[:50]!r}"]
    if not isinstance(d, dict) or not isinstance(d.get("text"), str):
        return [f"directive must be a string or an object with text: {d!r}"]
    p = []
    body = d["text"]
    if not body or body not in text:
        p.append(f"directive is not an exact substring: {body[:50]!r}")
    unknown = d.keys() - {"text", "lead", "cooperating", "deadline", "deadline_text"}
    if unknown:
        p.append(f"directive has unknown keys {sorted(unknown)}")
    for key in ("lead", "cooperating"):
        units = d.get(key, [])
        if not isinstance(units, list) or not all(isinstance(u, str) and u for u in units):
            p.append(f"{key} must be a list of unit names")
            continue
        for unit in units:
            if unit not in text:
                p.append(f"{key} unit {unit!r} is not written in the text")
    if not _iso_or_none(d.get("deadline")):
        p.append(f"deadline must be YYYY-MM-DD or null, not {d.get('deadline')!r}")
    said = d.get("deadline_text")
    if said is not None and (not isinstance(said, str) or said not in body):
        p.append(f"deadline_text {said!r} is not in the directive")
    if d.get("deadline") and not said:
        p.append("a deadline needs the deadline_text that states it")
    return p


@pytest.mark.parametrize("gold_path", gold_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_has_a_well_formed_annotation(gold_path: Path) -> None:
    stem = gold_path.name[: -len(GOLD_SUFFIX)]
    text_path = gold_path.with_name(stem + ".txt")
    assert FILE_ID.match(stem), f"file id {stem!r} is not <lang>-<place>-<date>"
    assert text_path.is_file(), f"{gold_path.name} has no {text_path.name} beside it"
    text = text_path.read_text(encoding="utf-8")
    assert text.strip(), f"{text_path.name} is empty"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert isinstance(gold, dict), "the annotation must be a JSON object"
    assert stem.split("-", 1)[0] == gold.get("lang"), "the id's language prefix is not lang"
    problems = schema_problems(gold, text, gold_path.parent.name)
    assert not problems, "\n".join(problems)


def test_it_has_only_readout_pairs_in_source_folders() -> None:
    strays = []
    for folder in source_dirs():
        assert SOURCE_NAME.match(folder.name), f"source {folder.name!r}: lower-case ASCII and dashes"
        names = {f.name for f in folder.iterdir()}
        for name in sorted(names):
            if name.endswith(GOLD_SUFFIX):
                continue
            if not name.endswith(".txt") or name[: -len(".txt")] + GOLD_SUFFIX not in names:
                strays.append(f"{folder.name}/{name}")
        if not names:
            strays.append(f"{folder.name}/ is empty")
    assert not strays, f"files that are not a .txt + .gold.json pair: {strays}"


def test_it_puts_every_source_in_exactly_one_split() -> None:
    split_of = load_splits(CORPUS)  # raises on a source named in two splits
    present = {p.name for p in source_dirs()}
    unsplit = sorted(present - split_of.keys())
    ghosts = sorted(split_of.keys() - present)
    assert not unsplit, f"sources in no split: {unsplit}"
    assert not ghosts, f"splits name sources that are not in corpus/: {ghosts}"


def test_it_keeps_the_frozen_test_split_unchanged() -> None:
    frozen = sorted(p.name for p in CORPUS.glob("FROZEN*"))
    assert "FROZEN" in frozen, "corpus/FROZEN is missing"
    problems = check_frozen(CORPUS)
    assert not problems, "\n".join(problems)


def test_it_rejects_an_annotation_that_is_not_in_the_text() -> None:
    """The checks above can fail: a paraphrased directive, a unit the text does not name,
    an unknown genre and a title that is not in the text are all reported."""
    text = "会议要求,市发展改革委要牵头制定方案,12月31日前完成。会议研究了其他事项。"
    gold = {
        "source_url": "https://example.gov.cn/a.html",
        "source": "x-zh-city",
        "genre": "zh-cabinet",
        "published": None,
        "date": "2026-13-01",
        "lang": "zh",
        "chair": None,
        "meeting_type": None,
        "agenda_items": [{"kind": "plan", "title": "营商环境方案"}],
        "directives": [
            "市发改委要牵头制定方案",
            {"text": "市发展改革委要牵头制定方案,12月31日前完成。", "lead": ["市财政局"],
             "deadline": "2026-12-31", "deadline_text": "年底前"},
        ],
        "priority_areas": [],
        "notes": "",
    }
    problems = "\n".join(schema_problems(gold, text, "x-zh-city"))
    for expected in ("unknown genre", "date must be", "agenda title", "exact substring",
                     "lead unit '市财政局'", "deadline_text '年底前'"):
        assert expected in problems, problems
