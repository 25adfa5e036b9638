"""Language detection and span-keeping segmentation into paragraphs, sentences and clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# A leading "date YYYY-MM-DD" marker (how readouts are stored with their publication date).
PUBLISHED_MARKER = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*")

# English abbreviations whose full stop does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Co|Ltd|Inc|Corp|No|Nos|Mr|Mrs|Ms|Dr|St|Jr|vs|Gov|Dept|approx)|\b[A-Z]|e\.g|i\.e)\.$"
)
_EN_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s)|[.!?]+[\"'”’)]*$")
_ZH_END = re.compile(r"[。！？!?]+[”’」』\"）)]*")
_SEMI = re.compile(r"[;；]")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    text: str


def detect_language(text: str) -> str | None:
    """'zh' when Chinese characters are a real share of the letters, 'en' for Latin, else None."""
    sample = text[:4000]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    # A Chinese character carries about as much as a short English word, hence the weight.
    if cjk >= 5 and cjk * 3 >= latin:
        return "zh"
    if latin >= 20 and latin > cjk:
        return "en"
    if cjk >= 2 and latin < 20:
        return "zh"
    return None


def trim(text: str, start: int, end: int, strip: str = "") -> Piece | None:
    """Shrink [start, end) past whitespace and the given edge characters; None when empty."""
    chars = " \t\r\n\u3000\u00a0" + strip
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    if start >= end:
        return None
    return Piece(start, end, text[start:end])


def paragraphs(text: str, start: int = 0) -> list[Piece]:
    out: list[Piece] = []
    pos = start
    for m in re.finditer(r"\n", text[start:]):
        end = start + m.start()
        piece = trim(text, pos, end)
        if piece:
            out.append(piece)
        pos = start + m.end()
    piece = trim(text, pos, len(text))
    if piece:
        out.append(piece)
    return out


def sentences(text: str, para: Piece, lang: str | None) -> list[Piece]:
    """Split a paragraph at sentence ends, keeping offsets into `text`."""
    out: list[Piece] = []
    pos = para.start
    body = para.text
    ender = _ZH_END if lang == "zh" else _EN_END
    for m in ender.finditer(body):
        end = para.start + m.end()
        stop = para.start + m.start() + 1
        # Only the last few characters can make an abbreviation ("Co.", "Ltd.", "C.").
        if lang != "zh" and _ABBREV.search(text[max(pos, stop - 8) : stop]):
            continue
        piece = trim(text, pos, end)
        if piece:
            out.append(piece)
        pos = end
    piece = trim(text, pos, para.end)
    if piece:
        out.append(piece)
    return out


def clauses(text: str, sent: Piece) -> list[Piece]:
    """Split a sentence at semicolons; the semicolon itself belongs to no clause."""
    out: list[Piece] = []
    pos = sent.start
    for m in _SEMI.finditer(sent.text):
        piece = trim(text, pos, sent.start + m.start())
        if piece:
            out.append(piece)
        pos = sent.start + m.end()
    piece = trim(text, pos, sent.end)
    if piece:
        out.append(piece)
    return out
