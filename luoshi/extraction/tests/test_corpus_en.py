"""The English sources of the real-readout corpus (corpus/, issue 15) are well formed.

Checks every English source listed in corpus/splits.json: each .txt has a gold file
with the schema of CORPUS.md, every directive is an exact substring of its text,
every source is in exactly one split, and the frozen test files still hash to
corpus/FROZEN-en. (The Chinese sources have their own checks.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
GENRES = {
    "en-statecouncil-wire", "en-china-province", "zh-statecouncil", "zh-ministry", "zh-city",
    "zh-district-county", "zh-party-committee", "zh-minutes", "cabinet-other", "council-us",
    "council-uk", "council-canada", "council-other",
}
KINDS = {"study", "report", "plan", "agreement", "regulation", "other"}
KEYS = {
    "source_url", "source", "genre", "published", "date", "lang", "chair", "meeting_type",
    "agenda_items", "directives", "priority_areas", "notes",
}

pytestmark = pytest.mark.skipif(not (CORPUS / "FROZEN-en").exists(), reason="no English corpus")


def _splits() -> dict[str, list[str]]:
    return json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))


def _english_sources() -> list[str]:
    frozen = (CORPUS / "FROZEN-en").read_text(encoding="utf-8").split()
    test_en = {line.split("/")[0] for line in frozen[1::2]}
    sources = []
    for names in _splits().values():
        for name in names:
            gold = sorted((CORPUS / name).glob("*.gold.json"))
            if gold and json.loads(gold[0].read_text(encoding="utf-8")).get("lang") == "en":
                sources.append(name)
    assert test_en <= set(sources)
    return sorted(sources)


def _files() -> list[Path]:
    return [p for s in _english_sources() for p in sorted((CORPUS / s).glob("*.txt"))]


def _iso_or_none(value: object) -> bool:
    if value is None:
        return True
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def test_it_puts_every_corpus_folder_in_exactly_one_split() -> None:
    splits = _splits()
    listed = [name for names in splits.values() for name in names]
    assert len(listed) == len(set(listed)), "a source is in two splits"
    english_folders = {p.parent.name for p in CORPUS.glob("*/en-*.txt")}
    assert english_folders - set(listed) == set(), "English folder not in splits.json"
    assert set(_english_sources()) == english_folders


@pytest.mark.parametrize("txt", _files() if (CORPUS / "FROZEN-en").exists() else [], ids=lambda p: p.stem)
def test_it_has_a_gold_file_whose_directives_are_exact_substrings(txt: Path) -> None:
    text = txt.read_text(encoding="utf-8")
    gold_path = txt.with_name(txt.stem + ".gold.json")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert set(gold) == KEYS, set(gold) ^ KEYS
    assert gold["source"] == txt.parent.name
    assert gold["lang"] == "en" and txt.stem.startswith("en-")
    assert gold["genre"] in GENRES
    assert gold["source_url"].startswith(("http://", "https://"))
    assert _iso_or_none(gold["published"]) and _iso_or_none(gold["date"])
    if gold["chair"] is not None:
        assert set(gold["chair"]) == {"name", "title"} and gold["chair"]["name"] in text
    for item in gold["agenda_items"]:
        assert set(item) == {"kind", "title"} and item["kind"] in KINDS and item["title"]
    for directive in gold["directives"]:
        if isinstance(directive, dict):
            assert set(directive) == {"text", "lead", "cooperating", "deadline", "deadline_text"}
            assert _iso_or_none(directive["deadline"])
            for unit in directive["lead"] + directive["cooperating"]:
                assert unit in text, unit
            if directive["deadline_text"]:
                assert directive["deadline_text"] in directive["text"]
            directive = directive["text"]
        assert directive and directive in text, directive[:60]


def test_it_keeps_the_frozen_english_test_files_unchanged() -> None:
    lines = (CORPUS / "FROZEN-en").read_text(encoding="utf-8").splitlines()
    frozen = dict(reversed(line.split("  ", 1)) for line in lines)
    test_sources = set(_splits()["test"]) & set(_english_sources())
    on_disk = {
        f"{s}/{p.name}" for s in test_sources for p in (CORPUS / s).iterdir() if p.is_file()
    }
    assert set(frozen) == on_disk
    for rel, digest in frozen.items():
        assert hashlib.sha256((CORPUS / rel).read_bytes()).hexdigest() == digest, rel
