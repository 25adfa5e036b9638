"""A small learned classifier on top of the rules: which remaining clauses are requirements.

The rules (directives.py) find requirements by cue words; real readouts also state them
without one ("成立工作专班，落实治理责任…", "Efforts will focus on …", a county head's
"指示"). After the rules have run, every clause of a sentence that holds no rule directive
and no agenda item is a *candidate*. A logistic regression over cue features (the rules'
own cues, the first characters or words, the lead-in, the neighbours, the position) gives
each candidate a probability; those at or above the model's threshold become directives
with `why = "classifier 0.93 + cue '…'"`.

The model is trained from the TRAIN split of the corpus only (`luoshi extract --train
corpus`), by plain batch gradient descent in pure Python (no dependency, deterministic: the
same corpus gives the same weights to the last digit written), and shipped as
`directive_model.json` (a few KB). The threshold is the one that maximises directive F1 on
the training files themselves; the dev split is left for measuring.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .directives import (
    _EN_IMPORTANCE,
    _ZH_IMPORTANCE,
    _ZH_ORDINAL,
    _ZH_SEE,
    _ZH_VERBS,
    _en_cue,
    _strip_lead,
    _zh_cue,
    en_segments,
)
from .text import Piece, clauses

MODEL_PATH = Path(__file__).with_name("directive_model.json")
FORMAT = 1

_ZH_MODAL_ANY = re.compile(r"要|必须|务必|需要|应当|应|须|力争|确保|抓紧|尽快")
_ZH_PERSON_DEMAND = re.compile(r"要求|责成|指示|希望|期勉|叮咛|叮嘱|嘱咐|强调|请")
_ZH_FACT = re.compile(r"了|已经|已|取得|完成了|成效|显著|明显|同比|增长|下降")
_EN_MODAL_ANY = re.compile(
    r"\b(?:must|should|shall|need(?:s|ed)?\s+to|will|would|is\s+to|are\s+to|necessary|"
    r"required|encouraged|efforts|urg\w+|call\w*\s+for|ensure)\b",
    re.I,
)
_EN_FACT = re.compile(
    r"\b(?:has|have|had)\s+(?:been\s+)?\w+ed\b|\b(?:was|were)\b|\b(?:achieved|increased|"
    r"decreased|grew|rose|fell|reached|recorded)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# What the rules say is never a requirement stays so: observations introduced by 要看到 /
# 要认识到 and statements of importance are not offered to the classifier.
_NEVER = re.compile(
    rf"^[^，,。]{{0,16}}?(?:要|必须|需要|应当){_ZH_SEE}|{_ZH_IMPORTANCE.pattern}|{_EN_IMPORTANCE.pattern}",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    piece: Piece
    features: tuple[str, ...]
    cue: str
    rule: bool = False


def rule_candidate(piece: Piece, why: str, lang: str | None) -> Candidate:
    """A directive the rules found, described for the classifier (which may veto it)."""
    feats = _features(piece.text, lang == "zh", "rule")
    feats += ["rule", "rulewhy=" + why.split(" ", 1)[0]]
    return Candidate(piece, tuple(feats), why, True)


@dataclass(frozen=True)
class DirectiveModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    veto: float = 0.0

    def probability(self, features: tuple[str, ...]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "logistic regression over directive-candidate features",
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "veto": round(self.veto, 4),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6) != 0},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DirectiveModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"directive model format {data.get('format')!r}, expected {FORMAT}")
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            veto=float(data.get("veto", 0.0)),
        )


@lru_cache(maxsize=1)
def shipped_model() -> DirectiveModel | None:
    """The model shipped in the package; None when it is absent (the rules run alone)."""
    try:
        return DirectiveModel.from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return None


def candidates(
    text: str,
    sents: list[Piece],
    lang: str | None,
    skip: set[int],
    taken: list[tuple[int, int]],
) -> list[Candidate]:
    """Clauses of the sentences that the rules left alone, each with its features."""
    zh = lang == "zh"
    n = len(sents)
    has_rule = [any(s.start < b and a < s.end for a, b in taken) for s in sents]
    out: list[Candidate] = []
    para_breaks = 0
    for i, sent in enumerate(sents):
        if i and "\n" in text[sents[i - 1].end : sent.start]:
            para_breaks += 1
        if sent.start in skip or has_rule[i]:
            continue
        context = [
            f"pos={min(4, 5 * i // max(1, n))}",
            f"para={min(para_breaks, 3)}",
        ]
        if i and has_rule[i - 1]:
            context.append("prev_rule")
        if i + 1 < n and has_rule[i + 1]:
            context.append("next_rule")
        pieces: list[tuple[Piece, str]] = []
        if zh:
            body, demanding = _strip_lead(text, sent, lang)
            if body is not None:
                pieces.append((body, "demand" if demanding else ("lead" if body.start != sent.start else "none")))
        else:
            segs = en_segments(text, sent)
            if segs is None:
                body, demanding = _strip_lead(text, sent, lang)
                if body is not None:
                    pieces.append((body, "demand" if demanding else ("lead" if body.start != sent.start else "none")))
            else:
                pieces += [(p, "demand" if d else "lead") for p, d in segs]
        for body, lead in pieces:
            for k, part in enumerate(clauses(text, body)):
                if len(part.text) < 4 or _NEVER.search(part.text):
                    continue
                feats = _features(part.text, zh, lead if k == 0 else "semi") + context
                cue = ""
                hit = (_zh_cue if zh else _en_cue)(part.text)
                if hit:
                    cue = hit[1]
                    feats.append("rulecue=" + cue.split(" ", 1)[0])
                out.append(Candidate(part, tuple(feats), cue))
    return out


def _features(s: str, zh: bool, lead: str) -> list[str]:
    f = [f"lead={lead}"]
    if zh:
        f.append("lang=zh")
        bare = _ZH_ORDINAL.sub("", s)
        if bare != s:
            f.append("ordinal")
        f += [f"c1={bare[:1]}", f"c2={bare[:2]}", f"c3={bare[:3]}"]
        verb = next((v for v in _ZH_VERBS if bare.startswith(v)), None)
        if verb:
            f.append("verb_start")
        m = _ZH_MODAL_ANY.search(s)
        if m:
            f.append("modal_early" if m.start() < 12 else "modal_late")
            f.append("modal=" + m.group(0))
        if _ZH_PERSON_DEMAND.search(s[:30]):
            f.append("person_demand")
        if _ZH_IMPORTANCE.search(s):
            f.append("importance")
        if _ZH_FACT.search(s):
            f.append("fact")
        if re.search(r"\d", s):
            f.append("digits")
        if "会议" in s[:6]:
            f.append("meeting_subject")
        f.append(f"len={min(len(s) // 15, 6)}")
    else:
        f.append("lang=en")
        words = [w.lower() for w in _WORD.findall(s[:80])]
        if words:
            f.append("w1=" + words[0])
            f.append("w12=" + " ".join(words[:2]))
        m = _EN_MODAL_ANY.search(s)
        if m:
            f.append("modal=" + m.group(0).split()[0].lower())
        if _EN_IMPORTANCE.search(s):
            f.append("importance")
        if _EN_FACT.search(s):
            f.append("fact")
        if re.search(r"\d", s):
            f.append("digits")
        if re.match(r"[A-Z]", s):
            f.append("capital_start")
        f.append(f"len={min(len(s.split()) // 8, 6)}")
    return f


def fit_logistic(
    rows: list[tuple[tuple[str, ...], int]], l2: float = 0.5, epochs: int = 300, rate: float = 0.5
) -> tuple[dict[str, float], float]:
    """Batch gradient descent on the mean log-loss with an L2 penalty; deterministic."""
    names = sorted({f for feats, _ in rows for f in feats})
    index = {name: i for i, name in enumerate(names)}
    xs = [sorted({index[f] for f in feats}) for feats, _ in rows]
    ys = [y for _, y in rows]
    w = [0.0] * len(names)
    b = 0.0
    m = len(rows) or 1
    for _ in range(epochs):
        grad = [0.0] * len(names)
        gb = 0.0
        for x, y in zip(xs, ys, strict=True):
            z = b + sum(w[j] for j in x)
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            d = p - y
            gb += d
            for j in x:
                grad[j] += d
        for j in range(len(w)):
            w[j] -= rate * (grad[j] / m + l2 * w[j] / m)
        b -= rate * gb / m
    return {names[j]: w[j] for j in range(len(w))}, b
