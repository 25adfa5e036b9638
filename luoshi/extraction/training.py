"""Training the directive classifier (learned.py) from the corpus's TRAIN split.

`luoshi extract --train corpus` runs the rule engine without a model over every training
readout, collects the clauses the rules left alone (the candidates), labels each one by
whether it matches a gold directive (token-overlap F1 >= 0.5, the evaluation's loose
match), fits the logistic regression and picks the threshold that maximises directive F1 on
those same training files (rule directives plus accepted candidates). Only the train split
is read; dev and test stay for measuring. The result is deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

from .corpus import Example, load_examples, sources_of_split
from .engine import extract
from .evaluate import DIRECTIVE_LOOSE, _gold_text, example_text, greedy_match, overlap_f1
from .learned import MODEL_PATH, Candidate, DirectiveModel, fit_logistic

THRESHOLDS = tuple(round(0.50 + 0.05 * i, 2) for i in range(10)) + (1.01,)
VETOES = (0.0, 0.1, 0.2)
L2, RATE, EPOCHS = 1.0, 10.0, 400


def training_examples(folder: str | Path) -> list[Example]:
    return load_examples(folder, sources_of_split(folder, "train"))


def _collect(
    examples: list[Example],
) -> list[tuple[list[str], list[str], list[tuple[Candidate, str]], str | None]]:
    """Per readout: gold directive texts, rule directive texts, candidates with their text."""
    out = []
    for ex in examples:
        text, published = example_text(ex)
        cands: list[Candidate] = []
        got = extract(text, published, model=None, candidates_out=cands)
        gold = [_gold_text(d, "text") for d in ex.gold.get("directives", [])]
        rules = [d.text for d in got.directives]
        lang = ex.gold.get("lang") or got.lang
        out.append((gold, rules, [(c, text[c.piece.start : c.piece.end]) for c in cands], lang))
    return out


def train(examples: list[Example]) -> DirectiveModel:
    data = _collect(examples)
    rows: list[tuple[tuple[str, ...], int]] = []
    for gold, _rules, cands, lang in data:
        for cand, ctext in cands:
            closest = max((overlap_f1(ctext, g, lang) for g in gold), default=0.0)
            rows.append((cand.features, int(closest >= DIRECTIVE_LOOSE)))
    weights, bias = fit_logistic(rows, l2=L2, rate=RATE, epochs=EPOCHS)
    # Round-trip through the written form so a rebuilt model equals the shipped file exactly.
    rounded = DirectiveModel.from_dict(DirectiveModel(weights, bias, 1.0).to_dict())
    best = (1.0, 0.0)
    best_f1 = -1.0
    for veto in VETOES:
        for t in THRESHOLDS:
            model = DirectiveModel(rounded.weights, rounded.bias, t, veto)
            tp = pred = gold_n = 0
            for gold, _rules, cands, lang in data:
                texts = [ct for c, ct in cands if _keeps(model, c)]
                tp += len(greedy_match(texts, gold, lang, DIRECTIVE_LOOSE))
                pred += len(texts)
                gold_n += len(gold)
            p = tp / pred if pred else 0.0
            r = tp / gold_n if gold_n else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = (t, veto), f1
    return DirectiveModel.from_dict(
        DirectiveModel(rounded.weights, rounded.bias, best[0], best[1]).to_dict()
    )


def _keeps(model: DirectiveModel, cand: Candidate) -> bool:
    """What the engine does: a rule directive stays unless vetoed; a candidate needs the threshold."""
    prob = model.probability(cand.features)
    if cand.rule:
        return model.veto <= 0 or prob >= model.veto
    return prob >= model.threshold


def model_json(model: DirectiveModel) -> str:
    return json.dumps(model.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def train_and_write(folder: str | Path, out: Path = MODEL_PATH) -> DirectiveModel:
    model = train(training_examples(folder))
    out.write_text(model_json(model), encoding="utf-8")
    return model
