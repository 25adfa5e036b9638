"""The evaluator on tiny fixtures written for these tests (never corpus files).

Directives given as strings or objects, lead-unit / cooperating / deadline accuracy counted
only where gold states them, corpus folders read per source, splits, the frozen check and
leave-one-source-out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from luoshi.extraction.cli import main
from luoshi.extraction.corpus import CorpusError, check_frozen, load_examples, load_splits
from luoshi.extraction.evaluate import (
    evaluate_dir,
    evaluate_examples,
    leave_one_source_out,
    score_file,
)
from luoshi.extraction.model import Directive, Extraction


@dataclass(frozen=True)
class Predicted(Directive):
    """A predicted directive carrying units and a deadline (the fields the engine adds)."""

    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    deadline: dt.date | None = None


LEAD_TEXT = "市发展改革委要牵头制定方案,12月31日前完成"
COOP_TEXT = "市商务局要会同市发展改革委开展促消费活动"
PLAIN_TEXT = "各地各部门要抓好安全生产"
GOLD = {
    "lang": "zh",
    "date": "2026-03-02",
    "chair": {"name": "王某", "title": "市长"},
    "agenda_items": [],
    "directives": [
        {"text": LEAD_TEXT, "lead": ["市发展改革委"], "cooperating": [],
         "deadline": "2026-12-31", "deadline_text": "12月31日前"},
        {"text": COOP_TEXT, "lead": ["市商务局"], "cooperating": ["市发展改革委"],
         "deadline": None, "deadline_text": None},
        PLAIN_TEXT,
    ],
}


def extraction(*directives: Directive) -> Extraction:
    return Extraction(lang="zh", date=dt.date(2026, 3, 2), directives=tuple(directives))


def test_it_scores_directives_given_as_strings_or_objects() -> None:
    got = extraction(Directive(LEAD_TEXT, (0, 1)), Directive(COOP_TEXT, (0, 1)), Directive(PLAIN_TEXT, (0, 1)))
    score = score_file("f", got, GOLD)
    assert (score.directives_strict.tp, score.directives_strict.gold) == (3, 3)


def test_it_counts_lead_and_deadline_right_when_the_prediction_carries_them() -> None:
    got = extraction(
        Predicted(LEAD_TEXT, (0, 1), lead=("市发展改革委",), deadline=dt.date(2026, 12, 31)),
        Predicted(COOP_TEXT, (0, 1), lead=("市商务局",), cooperating=("市发展改革委",)),
    )
    score = score_file("f", got, GOLD)
    assert (score.lead.right, score.lead.total) == (2, 2)
    assert (score.cooperating.right, score.cooperating.total) == (1, 1)
    assert (score.deadline.right, score.deadline.total) == (1, 1)


def test_it_counts_reversed_units_and_a_wrong_date_as_wrong() -> None:
    got = extraction(
        Predicted(LEAD_TEXT, (0, 1), lead=("市发展改革委",), deadline=dt.date(2026, 12, 30)),
        Predicted(COOP_TEXT, (0, 1), lead=("市发展改革委",), cooperating=("市商务局",)),
    )
    score = score_file("f", got, GOLD)
    assert (score.lead.right, score.cooperating.right, score.deadline.right) == (1, 0, 0)
    assert any("lead: got ['市发展改革委'], gold ['市商务局']" in e for e in score.errors)


def test_it_counts_a_prediction_without_units_or_a_missed_directive_as_wrong() -> None:
    # The first directive is found but carries no lead/deadline fields; the second is missed.
    got = extraction(Directive(LEAD_TEXT, (0, 1)))
    score = score_file("f", got, GOLD)
    assert (score.lead.right, score.lead.total) == (0, 2)
    assert (score.deadline.right, score.deadline.total) == (0, 1)
    assert score.cooperating.total == 1


def test_it_keeps_unit_accuracy_over_found_directives_and_counts_extras() -> None:
    # The lead directive is missed; the cooperating one is found with the right units; the
    # plain one is found but given a lead and a deadline its gold does not state.
    got = extraction(
        Predicted(COOP_TEXT, (0, 1), lead=("市商务局",), cooperating=("市发展改革委",)),
        Predicted(PLAIN_TEXT, (0, 1), lead=("各地",), deadline=dt.date(2026, 12, 31)),
    )
    score = score_file("f", got, GOLD)
    assert (score.lead.right, score.lead.total) == (1, 2)
    assert (score.units.lead_found.right, score.units.lead_found.total) == (1, 1)
    assert (score.units.deadline_found.right, score.units.deadline_found.total) == (0, 0)
    assert (score.units.lead_extra.right, score.units.lead_extra.total) == (0, 1)
    assert (score.units.deadline_extra.right, score.units.deadline_extra.total) == (1, 2)
    assert any(e.startswith("extra lead: got ['各地']") for e in score.errors)
    assert any(e.startswith("deadline: got no directive") for e in score.errors)


def test_it_leaves_accuracy_undefined_when_gold_states_nothing() -> None:
    gold = dict(GOLD, directives=[PLAIN_TEXT])
    score = score_file("f", extraction(Directive(PLAIN_TEXT, (0, 1))), gold)
    assert score.lead.total == 0 and score.lead.accuracy is None


def write_readout(folder: Path, stem: str, text: str, gold: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    (folder / f"{stem}.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def small_corpus(root: Path) -> Path:
    text = "3月2日,市长王某主持召开市政府常务会议。会议要求,各地各部门要抓好安全生产。"
    for source, genre in (("a-zh-city", "zh-city"), ("b-zh-city", "zh-city"), ("c-zh-party", "zh-party-committee")):
        gold = {"source_url": "https://example.org/x", "source": source, "genre": genre,
                "published": "2026-03-03", "date": "2026-03-02", "lang": "zh",
                "chair": {"name": "王某", "title": "市长"}, "meeting_type": "市政府常务会议",
                "agenda_items": [], "directives": ["各地各部门要抓好安全生产。"],
                "priority_areas": [], "notes": ""}
        write_readout(root / source, "zh-x-2026-03-02", text, gold)
    (root / "splits.json").write_text(json.dumps({"train": ["a-zh-city"], "dev": ["b-zh-city"]}))
    (root / "splits-en.json").write_text(json.dumps({"test": ["c-zh-party"]}))
    return root


def test_it_reads_source_folders_and_cuts_per_source_and_genre(tmp_path: Path) -> None:
    report = evaluate_dir(small_corpus(tmp_path))
    assert [f.name for f in report.files] == [
        "a-zh-city/zh-x-2026-03-02", "b-zh-city/zh-x-2026-03-02", "c-zh-party/zh-x-2026-03-02"]
    assert list(report.cut(lambda f: f.genre)) == ["zh-city", "zh-party-committee"]
    assert len(report.cut(lambda f: f.genre)["zh-city"].files) == 2


def test_it_scores_only_the_chosen_split_merging_every_splits_file(tmp_path: Path) -> None:
    root = small_corpus(tmp_path)
    assert [f.source for f in evaluate_dir(root, split="dev").files] == ["b-zh-city"]
    assert [f.source for f in evaluate_dir(root, split="test").files] == ["c-zh-party"]


def test_it_rejects_a_source_in_two_splits(tmp_path: Path) -> None:
    root = small_corpus(tmp_path)
    (root / "splits-en.json").write_text(json.dumps({"test": ["c-zh-party", "a-zh-city"]}))
    with pytest.raises(CorpusError, match="exactly one split"):
        load_splits(root)


def test_it_rejects_a_gold_file_without_its_text(tmp_path: Path) -> None:
    root = small_corpus(tmp_path)
    (root / "a-zh-city" / "zh-x-2026-03-02.txt").unlink()
    with pytest.raises(CorpusError, match="no zh-x-2026-03-02.txt"):
        load_examples(root)


def test_it_notices_a_changed_or_unfrozen_test_file(tmp_path: Path) -> None:
    root = small_corpus(tmp_path)
    assert "no FROZEN file" in " ".join(check_frozen(root))
    lines = []
    for f in sorted((root / "c-zh-party").iterdir()):
        lines.append(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  c-zh-party/{f.name}")
    (root / "FROZEN-en").write_text("\n".join(lines) + "\n")
    assert check_frozen(root) == []
    (root / "c-zh-party" / "zh-x-2026-03-02.txt").write_text("changed", encoding="utf-8")
    assert check_frozen(root) == ["FROZEN-en: c-zh-party/zh-x-2026-03-02.txt changed since it was frozen"]


def test_it_fits_on_the_other_sources_for_each_held_out_source(tmp_path: Path) -> None:
    examples = load_examples(small_corpus(tmp_path))
    seen: list[set[str]] = []

    def fit(train: list[Any]) -> Any:
        seen.append({ex.source for ex in train})
        return lambda text, published: extraction(Directive("各地各部门要抓好安全生产。", (0, 1)))

    per_genre = leave_one_source_out(examples, fit)
    assert seen == [{"b-zh-city", "c-zh-party"}, {"a-zh-city", "c-zh-party"}, {"a-zh-city", "b-zh-city"}]
    assert set(per_genre) == {"zh-city", "zh-party-committee"}
    assert per_genre["zh-city"].directives_strict.f1 == 1.0
    assert len(evaluate_examples(examples, fit(examples)).files) == 3


def test_it_prints_per_source_and_genre_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = small_corpus(tmp_path)
    assert main(["--eval", str(root), "--by-source", "--split", "train"]) == 0
    out = capsys.readouterr().out
    assert "split: train, 1 readouts" in out
    assert "per genre" in out and "leave-one-source-out" in out and "a-zh-city" in out
    assert "b-zh-city" not in out


def test_it_refuses_split_without_eval_and_an_unknown_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--split", "dev"]) == 2
    assert "go with --eval" in capsys.readouterr().err
    root = small_corpus(tmp_path)
    (root / "splits.json").write_text(json.dumps({"holdout": ["a-zh-city"]}))
    assert main(["--eval", str(root), "--split", "dev"]) == 2
    assert "unknown split 'holdout'" in capsys.readouterr().err


def test_it_scores_several_splits_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = small_corpus(tmp_path)
    assert main(["--eval", str(root), "--split", "train,dev"]) == 0
    assert "micro-averaged over 2 readouts" in capsys.readouterr().out
    assert main(["--eval", str(root), "--split", "train,final"]) == 2
    assert "unknown split 'final'" in capsys.readouterr().err


def test_it_scores_the_minutes_split_and_keeps_it_frozen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--split test-minutes` scores only the minutes sources; like `test`, every file of it
    must be in a FROZEN file; a misspelt split name is refused with the names that exist."""
    root = small_corpus(tmp_path)
    (root / "splits-minutes.json").write_text(json.dumps({"test-minutes": ["b-zh-city"]}))
    (root / "splits.json").write_text(json.dumps({"train": ["a-zh-city"]}))
    assert [f.source for f in evaluate_dir(root, split="test-minutes").files] == ["b-zh-city"]
    assert main(["--eval", str(root), "--split", "test-minutes", "--by-source"]) == 0
    assert "split: test-minutes, 1 readouts" in capsys.readouterr().out
    assert "b-zh-city/zh-x-2026-03-02.gold.json is in the test-minutes split but in no FROZEN file" in check_frozen(root)
    assert main(["--eval", str(root), "--split", "test-minute"]) == 2
    err = capsys.readouterr().err
    assert "unknown split 'test-minute'" in err and "test-minutes" in err
