"""Precision and recall of the three checks' decisions on their labelled sets (docs/checks.md).

    .venv/bin/python bench/checks_eval.py
"""

from __future__ import annotations

from luoshi.checks import evaluate, similarity, supervisable


def main() -> None:
    print(f"Repeated directives (luoshi/checks/data/directive_pairs.jsonl), same demand at similarity ≥ {similarity.THRESHOLD}:")
    for lang in (None, "zh", "en"):
        print(f"  {lang or 'all':>3}: {evaluate.pair_scores(lang=lang)}")
    print(f"  related (shown for the office to judge) at ≥ {similarity.RELATED}: {evaluate.pair_scores(similarity.RELATED)}")
    print("Supervisability flags (luoshi/checks/data/supervisability.jsonl), a flag = the directive lacks it:")
    for gap in supervisable.GAPS:
        for lang in (None, "zh", "en"):
            print(f"  no {gap:<8} {lang or 'all':>3}: {evaluate.gap_scores(gap, lang)}")


if __name__ == "__main__":
    main()
