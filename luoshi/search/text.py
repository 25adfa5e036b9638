"""Turning text into index tokens and queries into match expressions; highlighting hits.

Both databases index the same pre-segmented text: space-separated tokens, each either a
run of lower-case ASCII letters and digits, or Chinese. A Chinese run contributes its
jieba words (search mode), every single character and every bigram, so a query of one
character, of two, or of a word jieba does not know all find it.

A query is segmented the same way and becomes an AND of terms:
- an English word or number: that token (a prefix when it has three letters or more);
- a Chinese word (jieba, precise mode): the word itself OR all of its bigrams, so the
  word is found however the document's own text was cut; a single character: itself.
Tokens hold no quote, operator or punctuation, so no user input reaches FTS5 or
to_tsquery as syntax.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{HAN}]+|[0-9a-z]+")
_MAX_QUERY_CHARS = 100
_MAX_TERMS = 12
_PREFIX_MIN = 3


@cache
def _jieba():
    import jieba  # imported on first use: loading its dictionary takes a moment

    jieba.setLogLevel(logging.WARNING)
    return jieba


def load_dictionary() -> None:
    """Load jieba's dictionary now rather than in the first search that needs it (about a
    second): the web server does this as each worker starts (luoshi/wsgi.py)."""
    _jieba().initialize()


def normalise(text: str) -> str:
    """Full-width forms folded (ＡＢＣ１ → abc1), accents dropped, lower case."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or ""))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _is_han(piece: str) -> bool:
    return not piece[0].isascii()  # pieces are Chinese runs or ASCII letters and digits


@lru_cache(maxsize=65_536)
def _han_tokens(piece: str) -> tuple[str, ...]:
    """A Chinese run's tokens: jieba's words, every character, every bigram. Remembered,
    because the same runs (unit names, stock phrases) come back in row after row."""
    words = (word for word in _jieba().cut_for_search(piece) if len(word) > 1)
    return (*words, *piece, *(piece[i:i + 2] for i in range(len(piece) - 1)))


def index_tokens(text: str) -> list[str]:
    """The tokens one document's text is indexed under, in order."""
    tokens: list[str] = []
    for piece in _PIECES.findall(normalise(text)):
        if _is_han(piece):
            tokens.extend(_han_tokens(piece))
        else:
            tokens.append(piece)
    return tokens


def segment(*texts: str) -> str:
    """The pre-segmented column: every text's tokens, separated by spaces."""
    return " ".join(token for text in texts if text for token in index_tokens(text))


@dataclass(frozen=True)
class Term:
    """One thing a hit must contain: any of `alternatives`, each a set of tokens all required."""

    word: str  # as typed (normalised), for highlighting
    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False


def _bigrams(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word[i:i + 2] for i in range(len(word) - 1)))


def query_terms(query: str) -> list[Term]:
    """The terms of a search box's input; [] when nothing in it can be searched."""
    terms: dict[str, Term] = {}
    for piece in _PIECES.findall(normalise(query[:_MAX_QUERY_CHARS])):
        if not _is_han(piece):
            terms.setdefault(piece, Term(piece, ((piece,),), prefix=len(piece) >= _PREFIX_MIN and not piece.isdigit()))
            continue
        for word in _jieba().cut(piece, HMM=False):
            if len(word) == 1:
                terms.setdefault(word, Term(word, ((word,),)))
            else:
                terms.setdefault(word, Term(word, tuple(dict.fromkeys([(word,), _bigrams(word)]))))
    return list(terms.values())[:_MAX_TERMS]


def _boolean(terms: list[Term], token: Callable[[str, bool], str], both: str, either: str) -> str:
    """Every term (AND) of any of its alternatives (OR), each alternative all of its tokens."""
    return both.join(
        "(" + either.join("(" + both.join(token(t, term.prefix) for t in alt) + ")" for alt in term.alternatives) + ")"
        for term in terms)


def fts5_expression(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: ("安全" OR ("安全" AND …)) AND "safe"* …"""
    return _boolean(terms, lambda token, prefix: f'"{token}"' + ("*" if prefix else ""), " AND ", " OR ")


def tsquery_expression(terms: list[Term]) -> str:
    """The same expression for PostgreSQL's to_tsquery('simple', …)."""
    return _boolean(terms, lambda token, prefix: f"'{token}'" + (":*" if prefix else ""), " & ", " | ")


def fts5_any(terms: list[Term]) -> str:
    """An FTS5 expression that any one of the terms satisfies (candidates for a similarity test)."""
    return " OR ".join(fts5_expression([term]) for term in terms)


def tsquery_any(terms: list[Term]) -> str:
    """The same for PostgreSQL."""
    return " | ".join(tsquery_expression([term]) for term in terms)


# --- highlighting ---------------------------------------------------------------------------


def _pattern(terms: list[Term]) -> re.Pattern[str] | None:
    if not terms:
        return None
    longest_first = sorted(terms, key=lambda t: len(t.word), reverse=True)
    return re.compile("|".join(re.escape(t.word) + ("[0-9a-z]*" if t.prefix else "") for t in longest_first),
                      re.IGNORECASE)


def highlight(text: str, terms: list[Term]) -> SafeString:
    """`text`, HTML-escaped, with every term wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now  # nosec B308, B703 # escaped just now
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        if spans and spans[-1][1] == match.start():  # 安全|生产 → one mark
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped  # nosec B308, B703 # every piece escaped


def _best_start(text: str, pattern: re.Pattern[str], width: int) -> int:
    """Where the window that shows the most different query words begins (earliest wins)."""
    matches = [(m.start(), m.group().lower()) for m in pattern.finditer(text)][:200]
    if not matches:
        return 0
    best, best_words = matches[0][0], 0
    for i, (start, _word) in enumerate(matches):
        words = {word for position, word in matches[i:] if position < start + width * 3 // 4}
        if len(words) > best_words:
            best, best_words = start, len(words)
    return best


def snippet(text: str, terms: list[Term], width: int = 150) -> SafeString:
    """About `width` characters of `text` around its best match, highlighted."""
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    start = max(0, (_best_start(text, pattern, width) if pattern else 0) - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start and text[start - 1].isascii() and text[start - 1].isalnum():  # do not start mid-word
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    if end < len(text) and text[end].isascii() and text[end].isalnum():
        space = text.rfind(" ", end - 20, end)
        end = space if space > start else end
    piece = highlight(text[start:end], terms)
    return mark_safe(("…" if start else "") + piece + ("…" if end < len(text) else ""))  # noqa: S308  # nosec B308, B703 # highlight() output, already escaped
