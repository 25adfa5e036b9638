"""The learned directive classifier: rebuilt from the train split, it equals the shipped file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi.extraction import extract
from luoshi.extraction.learned import MODEL_PATH, DirectiveModel, fit_logistic, shipped_model
from luoshi.extraction.training import model_json, train, training_examples

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def test_the_shipped_model_is_what_the_train_split_builds() -> None:
    """`luoshi extract --train corpus` is reproducible: same corpus, same weights, same file."""
    if not (CORPUS / "splits.json").is_file():
        pytest.skip("the corpus is not beside the package")
    rebuilt = model_json(train(training_examples(CORPUS)))
    assert rebuilt == MODEL_PATH.read_text(encoding="utf-8")


def test_the_shipped_model_is_small_and_loads() -> None:
    model = shipped_model()
    assert model is not None
    assert MODEL_PATH.stat().st_size < 2_000_000
    assert 0 < model.threshold <= 1.01
    assert json.loads(MODEL_PATH.read_text("utf-8"))["format"] == 1


def test_fitting_learns_a_separable_feature() -> None:
    rows = [(("a", "x"), 1)] * 20 + [(("b", "x"), 0)] * 20
    weights, bias = fit_logistic(rows, l2=0.1, rate=5.0, epochs=200)
    model = DirectiveModel(weights, bias, 0.5)
    assert model.probability(("a", "x")) > 0.9
    assert model.probability(("b", "x")) < 0.1


def test_a_model_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError):
        DirectiveModel.from_dict({"format": 99, "weights": {}, "bias": 0, "threshold": 0.5})


def test_classifier_directives_keep_exact_spans_and_say_why() -> None:
    """Whatever the classifier adds is an exact span and names its probability."""
    text = (
        "县长主持召开县政府常务会议。\n会议听取了县财政局的汇报。\n"
        "成立工作专班，落实治理责任，定期调度通报，形成倒逼机制。"
    )
    for d in extract(text).directives:
        assert text[d.span[0] : d.span[1]] == d.text
        if d.why.startswith("classifier"):
            assert float(d.why.split()[1]) >= shipped_model().threshold
    assert extract(text) == extract(text)
