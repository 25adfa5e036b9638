"""--eval scores lead units and deadlines on the matched directives whose gold states them."""

from __future__ import annotations

import json
from pathlib import Path

from luoshi.extraction.evaluate import evaluate_dir

CITY = (Path(__file__).with_name("fixtures") / "city-readout.txt").read_text(encoding="utf-8")


def test_it_scores_lead_units_and_deadlines(tmp_path: Path) -> None:
    """A right lead and deadline count as right; a wrong gold lead and a wrong gold date count as wrong."""
    (tmp_path / "zh-city-2026-12-07.txt").write_text(CITY, encoding="utf-8")
    gold = {
        "lang": "zh", "date": "2026-12-07", "chair": {"name": "王明", "title": "市长"},
        "agenda_items": [],
        "directives": [
            {"text": "市发展改革委要牵头制定促消费实施方案，12月31日前报市政府。",
             "lead": ["市发展改革委"], "cooperating": [], "deadline": "2026-12-31", "deadline_text": "12月31日前"},
            {"text": "市商务局要会同市发展改革委抓紧出台支持政策，2027年1月15日前完成。",
             "lead": ["市发展改革委"], "cooperating": ["市商务局"], "deadline": "2027-01-16",
             "deadline_text": "2027年1月15日前"},
            "加快推进保交楼工作，由市住建局牵头，市财政局、市自然资源局配合，春节前完成首批交付。",
        ],
    }
    (tmp_path / "zh-city-2026-12-07.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    report = evaluate_dir(tmp_path)
    assert (report.lead_right, report.lead_total) == (1, 2)
    assert (report.deadline_right, report.deadline_total) == (1, 2)
    assert "lead-unit accuracy over matched directives that name a lead: 0.500 (1/2)" in report.summary()
    errors = report.files[0].errors
    assert any(e.startswith("lead: got ['市商务局']") for e in errors)
    assert any(e.startswith("deadline: got 2027-01-15, gold 2027-01-16") for e in errors)
