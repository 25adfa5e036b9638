"""A task's short title, suggested from its directive's sentence (plain Python, no Django).

A directive is often a whole sentence listing several requirements; lists and cards need a
name that fits on a line. The suggestion is the directive's first clause without its modal
lead-in ("It is necessary to", 要, 必须 …), cut at a word boundary to TITLE_LENGTH characters.
The task keeps its directive, so the source sentence stays on the task page, and the
supervision office edits the title like any other detail (services.update_task, audited).
"""

from __future__ import annotations

import re

TITLE_LENGTH = 80
# A clause ends at a Chinese or English comma, semicolon or full stop (not inside quotes).
_CLAUSE_END = re.compile(r"[，；。！？]|[,;.!?](?=\s|$)")
_LEAD_EN = re.compile(r"^(?:it is (?:necessary|required|important|essential) to|we (?:must|should)|(?:must|should)"
                      r"|the meeting (?:required|demanded|stressed|emphasized|pointed out)(?: that)?)\s+", re.IGNORECASE)
_LEAD_ZH = re.compile(r"^(?:会议(?:要求|强调|指出)|要求|必须|务必|需要|要)")
_MIN_ZH, _MIN_EN = 6, 20  # a shorter first clause takes the next one too


def _is_chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not _is_chinese(cut) and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:、，") + "…"


def suggest_title(sentence: str, limit: int = TITLE_LENGTH) -> str:
    """The short title of a task from its directive's sentence."""
    text = " ".join(sentence.split())
    chinese = _is_chinese(text)
    lead = _LEAD_ZH if chinese else _LEAD_EN
    stripped = lead.sub("", text, count=1)
    if len(stripped) >= 4:
        text = stripped
    minimum = _MIN_ZH if chinese else _MIN_EN
    title, position = "", 0
    for match in _CLAUSE_END.finditer(text):
        before = text[:match.start()]
        if before.count("“") > before.count("”") or before.count("《") > before.count("》"):
            continue
        title = before.strip()
        position = match.end()
        if len(title) >= minimum:
            break
    if not title or len(title) < minimum and position >= len(text.rstrip()):
        title = text.rstrip("。.！!？?；;，, ")
    if not chinese and title[:1].islower():
        title = title[0].upper() + title[1:]
    return _cut(title, limit)
