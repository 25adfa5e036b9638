"""Does a progress report answer its task? Three marks over its text (pure Python, no Django);
checks.marks applies them to the reports awaiting review. A mark asks the office to look; it
never rejects anything.

- **off_topic** (文不对题): the report names none of the task's objects, the content words of
  its title and source sentence (jieba words for Chinese, word stems for English; stock words
  such as 加强, 推进, promote are not objects), nor two of their character pairs.
- **repeated**: the report repeats the unit's previous report on the task: the share of its
  three-character pieces (after folding spaces and punctuation) that the previous report
  also has is at least the setting (LUOSHI_REPORT_REPEAT_PERCENT, 80 by default).
- **no_evidence**: the report claims progress (完成, 推进, 进展, completed, progress …) with
  no evidence attached, its progress figure unchanged since the unit's previous report (or
  0 for a first one), and no indicator reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from luoshi.checks.similarity import features
from luoshi.extraction.hant import to_simplified

OFF_TOPIC, REPEATED, NO_EVIDENCE = "off_topic", "repeated", "no_evidence"
CODES = (OFF_TOPIC, REPEATED, NO_EVIDENCE)

_CLAIM = re.compile(
    r"完成|推进|进展|取得|落实|开展|提升|加快|顺利|有序|基本|已经|稳步|成效|到位|"
    r"\b(progress\w*|complet\w+|advanc\w+|achiev\w+|implement\w+|carried out|done|finish\w*|on track|steadily|"
    r"improv\w+|deliver\w+)\b", re.IGNORECASE)
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class ReportFacts:
    """What the check reads of one report."""

    text: str
    task_text: str  # the task's title and its directive's source sentence
    previous_text: str | None  # the unit's previous report on the task
    progress: int
    previous_progress: int | None
    evidence_count: int
    indicators_reported: bool = False


def _fold(text: str) -> str:
    return _NOT_TEXT.sub("", to_simplified(unicodedata.normalize("NFKC", text or "")).lower())


def shingles(text: str, size: int = 3) -> set[str]:
    folded = _fold(text)
    if len(folded) <= size:
        return {folded} if folded else set()
    return {folded[i:i + size] for i in range(len(folded) - size + 1)}


def repeat_share(text: str, previous: str) -> float:
    """The share of the report's three-character pieces that the previous report has (0–1)."""
    mine, theirs = shingles(text), shingles(previous)
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine)


def mentions_task(text: str, task_text: str) -> bool:
    """Does the report name at least one of the task's objects?"""
    task_words, task_bigrams = features(task_text)
    if not task_words and not task_bigrams:
        return True  # nothing to look for: no mark
    words, bigrams = features(text)
    if task_words & (words | bigrams):
        return True
    return len(task_bigrams & bigrams) >= 2


def claims_progress(text: str) -> bool:
    return bool(_CLAIM.search(to_simplified(text or "")))


def marks(facts: ReportFacts, repeat_percent: int = 80) -> list[str]:
    """The codes of the marks the report earns, in order."""
    found = []
    if not mentions_task(facts.text, facts.task_text):
        found.append(OFF_TOPIC)
    if facts.previous_text is not None and repeat_share(facts.text, facts.previous_text) * 100 >= repeat_percent:
        found.append(REPEATED)
    unchanged = facts.progress == (facts.previous_progress or 0)
    if claims_progress(facts.text) and facts.evidence_count == 0 and unchanged and not facts.indicators_reported:
        found.append(NO_EVIDENCE)
    return found
