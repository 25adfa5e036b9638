"""The quality bar on the whole development set."""

from __future__ import annotations

from luoshi.extraction.evaluate import evaluate_dir

from .conftest import READOUTS


def test_it_meets_the_quality_bar_on_the_dev_set() -> None:
    """Directive F1 >= 0.95 (0.5) and >= 0.90 (0.8), agenda F1 >= 0.90, date and chair 100%."""
    report = evaluate_dir(READOUTS)
    summary = report.summary()
    assert report.directives_loose.f1 >= 0.95, summary
    assert report.directives_strict.f1 >= 0.90, summary
    assert report.agenda.f1 >= 0.90, summary
    assert report.date_accuracy == 1.0, summary
    assert report.chair_accuracy == 1.0, summary
