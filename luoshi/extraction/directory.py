"""The unit directory: units (departments, cities, counties) and priority areas with cue keywords.

A deployment ships its own JSON file; the Django app builds one from its database with
`Directory.from_data`. Keyword matching is plain substring search (case-insensitive for
English) so a reviewer can see exactly which word suggested a unit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("default_directory.json")
UNIT_KINDS = ("office", "department", "city", "county")
_UNIT_FIELDS = ("code", "name_zh", "name_en", "kind", "parent", "keywords_zh", "keywords_en")
_AREA_FIELDS = ("code", "name_zh", "name_en", "keywords_zh", "keywords_en")


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]


@dataclass(frozen=True)
class PriorityArea:
    code: str
    name_zh: str
    name_en: str
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]

    def name(self, lang: str | None) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Match:
    code: str
    score: int
    first: int
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Directory:
    province: dict[str, str]
    units: tuple[Unit, ...]
    priority_areas: tuple[PriorityArea, ...]
    # Built in __post_init__: the precompiled matchers and the cache of names matched.
    _units: _Matcher = field(init=False, repr=False, compare=False)
    _areas: _Matcher = field(init=False, repr=False, compare=False)
    _names: dict[tuple[str, str | None], str | None] = field(init=False, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Directory:
        """Build and validate a directory from plain data (the JSON file's schema)."""
        if not isinstance(data, dict):
            raise ValueError("directory: expected an object with 'units' and 'priority_areas'")
        province = data.get("province") or {}
        if not isinstance(province, dict):
            raise ValueError("directory: 'province' must be an object")
        units = tuple(_unit(raw, i) for i, raw in enumerate(_list(data, "units")))
        areas = tuple(_area(raw, i) for i, raw in enumerate(_list(data, "priority_areas")))
        seen: set[str] = set()
        for unit in units:
            if unit.code in seen:
                raise ValueError(f"directory: duplicate unit code {unit.code!r}")
            seen.add(unit.code)
        for unit in units:
            if unit.parent is not None and unit.parent not in seen:
                raise ValueError(
                    f"directory: unit {unit.code!r} has unknown parent {unit.parent!r}"
                )
        area_codes: set[str] = set()
        for area in areas:
            if area.code in area_codes:
                raise ValueError(f"directory: duplicate priority area code {area.code!r}")
            area_codes.add(area.code)
        return cls({str(k): str(v) for k, v in province.items()}, units, areas)

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def area(self, code: str) -> PriorityArea | None:
        return next((a for a in self.priority_areas if a.code == code), None)

    def __post_init__(self) -> None:
        # Frozen, so the precompiled matchers are set through object.__setattr__.
        object.__setattr__(
            self, "_units", _Matcher([(u.code, u.keywords_zh, u.keywords_en) for u in self.units])
        )
        object.__setattr__(
            self,
            "_areas",
            _Matcher([(a.code, a.keywords_zh, a.keywords_en) for a in self.priority_areas]),
        )
        object.__setattr__(self, "_names", {})

    def match_units(self, text: str, lang: str | None) -> list[Match]:
        """Units whose keywords occur in `text`, strongest evidence first."""
        return self._units.match(text, lang)

    def suggest(self, text: str, lang: str | None) -> tuple[list[Match], list[Match]]:
        """(units, areas) for one text, reading it once."""
        tokens = None if lang == "zh" else _tokens(text)
        return self._units.match(text, lang, tokens), self._areas.match(text, lang, tokens)

    def match_name(self, name: str, lang: str | None) -> str | None:
        """The code of the unit a name written in a readout refers to, or None.

        Abbreviations count ("市发展改革委" is "市发展和改革委员会", "省住建厅" is
        "省住房和城乡建设厅"): the written name, after the alias table, must be a
        character subsequence of the unit's name that starts with its first character
        and ends where the name ends (委 may stand for 委员会, 办 for 办公室/办公厅), and a
        level written in front (省/市/县/区) must be the unit's. The closest unit wins;
        two equally close units give None: a reviewer chooses, the engine never guesses.
        """
        cache = self._names
        key = (name, lang)
        if key not in cache:
            if len(cache) > 4096:
                cache.clear()
            cache[key] = _match_name(self.units, name, lang)
        return cache[key]

    def match_areas(self, text: str, lang: str | None) -> list[Match]:
        """Priority areas whose keywords occur in `text`, strongest evidence first."""
        return self._areas.match(text, lang)


def load_directory(path: str | Path | None = None) -> Directory:
    """Load and validate a directory file; None loads the packaged Liaoning default."""
    file = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ValueError(f"directory: file not found: {file}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"directory: {file} is not valid UTF-8 JSON: {exc}") from exc
    return Directory.from_data(data)


_default: Directory | None = None


def default_directory() -> Directory:
    global _default
    if _default is None:
        _default = load_directory()
    return _default


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ValueError(f"directory: {key!r} must be a list")
    return value


def _label(raw: Any, index: int, what: str) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return f"{what} {code!r}" if code else f"{what} #{index + 1}"


def _strings(raw: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"directory: {label}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _text(raw: dict[str, Any], key: str, label: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"directory: {label}: {key!r} must be a non-empty string")
    return value.strip()


def _check_fields(raw: Any, fields: tuple[str, ...], label: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"directory: {label} must be an object")
    missing = [f for f in fields if f not in raw]
    if missing:
        raise ValueError(f"directory: {label} is missing {', '.join(missing)}")
    return raw


def _unit(raw: Any, index: int) -> Unit:
    label = _label(raw, index, "unit")
    raw = _check_fields(raw, _UNIT_FIELDS, label)
    kind = _text(raw, "kind", label)
    if kind not in UNIT_KINDS:
        raise ValueError(f"directory: {label}: kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
    parent = raw["parent"]
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise ValueError(f"directory: {label}: parent must be a unit code or null")
    return Unit(
        code=_text(raw, "code", label),
        name_zh=_text(raw, "name_zh", label),
        name_en=_text(raw, "name_en", label),
        kind=kind,
        parent=parent.strip() if parent else None,
        keywords_zh=_strings(raw, "keywords_zh", label),
        keywords_en=tuple(k.lower() for k in _strings(raw, "keywords_en", label)),
    )


def _area(raw: Any, index: int) -> PriorityArea:
    label = _label(raw, index, "priority area")
    raw = _check_fields(raw, _AREA_FIELDS, label)
    return PriorityArea(
        code=_text(raw, "code", label),
        name_zh=_text(raw, "name_zh", label),
        name_en=_text(raw, "name_en", label),
        keywords_zh=_strings(raw, "keywords_zh", label),
        keywords_en=tuple(k.lower() for k in _strings(raw, "keywords_en", label)),
    )


_EN_TOKEN = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


def _stem(word: str) -> str:
    """Fold plurals so "accidents" finds "accident" (and "enterprises" "enterprise")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Words repeat across a readout's directives: their folded forms are kept (a hot spot of the
# bench). Bounded, cleared when full.
_STEMS: dict[str, str] = {}


def _tokens(text: str) -> list[tuple[int, str]]:
    """Word tokens with their offsets, plurals folded."""
    stems = _STEMS
    if len(stems) > 50_000:
        stems.clear()
    out: list[tuple[int, str]] = []
    for m in _EN_TOKEN.finditer(text.lower()):
        word = m.group(0)
        stem = stems.get(word)
        if stem is None:
            stem = stems[word] = _stem(word)
        out.append((m.start(), stem))
    return out


class _Matcher:
    """Keyword lookup for one directory section.

    English keywords are looked up as word n-grams (longest first, plurals folded), which
    stays fast with hundreds of keywords; Chinese keywords by substring search.
    """

    def __init__(self, entries: list[tuple[str, tuple[str, ...], tuple[str, ...]]]) -> None:
        self.order = {code: i for i, (code, _, _) in enumerate(entries)}
        self.zh: dict[str, list[str]] = {}
        self.en: dict[tuple[str, ...], tuple[str, list[str]]] = {}
        for code, kw_zh, kw_en in entries:
            for kw in kw_zh:
                self.zh.setdefault(kw, []).append(code)
            for kw in kw_en:
                key = tuple(_stem(t) for t in _EN_TOKEN.findall(kw.lower()))
                if key:
                    self.en.setdefault(key, (kw, []))[1].append(code)
        # Candidates by first word, longest first, so most tokens cost one dict lookup.
        self.by_first: dict[str, list[tuple[tuple[str, ...], str, list[str]]]] = {}
        for key, (kw, codes) in self.en.items():
            self.by_first.setdefault(key[0], []).append((key, kw, codes))
        for candidates in self.by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def _hits(
        self, text: str, lang: str | None, tokens: list[tuple[int, str]] | None = None
    ) -> list[tuple[str, int, list[str]]]:
        if lang == "zh":
            zh_hits: list[tuple[str, int, list[str]]] = []
            for kw, codes in self.zh.items():
                pos = text.find(kw)
                if pos >= 0:
                    # One hit per occurrence: a keyword named twice is stronger evidence.
                    zh_hits.extend((kw, pos, codes) for _ in range(text.count(kw)))
            return zh_hits
        if tokens is None:
            tokens = _tokens(text)
        words = [w for _, w in tokens]
        hits: list[tuple[str, int, list[str]]] = []
        i = 0
        while i < len(words):
            step = 1
            for key, kw, codes in self.by_first.get(words[i], ()):
                if tuple(words[i : i + len(key)]) == key:
                    hits.append((kw, tokens[i][0], codes))
                    step = len(key)
                    break
            i += step
        return hits

    def match(
        self, text: str, lang: str | None, tokens: list[tuple[int, str]] | None = None
    ) -> list[Match]:
        scores: dict[str, list[Any]] = {}
        for word, pos, owners in self._hits(text, lang, tokens):
            for code in owners:
                entry = scores.setdefault(code, [0, pos, []])
                entry[0] += len(word)  # longer keywords are more specific
                entry[1] = min(entry[1], pos)
                if word not in entry[2]:
                    entry[2].append(word)
        found = [Match(code, v[0], v[1], tuple(v[2])) for code, v in scores.items()]
        found.sort(key=lambda x: (-x.score, x.first, self.order[x.code]))
        return found


# Abbreviations that are not a subsequence of the full name (or would be ambiguous).
ZH_ALIASES = {
    "人行": "人民银行",
    "编办": "机构编制委员会办公室",
    "市监局": "市场监督管理局",
    "发改委": "发展和改革委员会",
    "网信办": "互联网信息办公室",
    "政法委": "政法委员会",
    "人防办": "人民防空办公室",
}
_LEVELS = "省市县区"
_ZH_TAILS = ("", "员会", "公室", "公厅")
_EN_NOISE = {"the", "of", "and", "for", "on", "&"}
_EN_LEVELS = {"provincial", "province", "municipal", "city", "county", "district"}


def _zh_level(name: str) -> tuple[str, str]:
    """(level character or '', the name without it); 市场 is a word, not the city level."""
    if name and name[0] in _LEVELS and not name.startswith("市场"):
        return name[0], name[1:]
    return "", name


def _zh_cores(name: str) -> list[tuple[str, str]]:
    """(level, core) readings of a directory name: as written, and without a place prefix
    ("沈阳市发展和改革委员会" is also "市" + "发展和改革委员会")."""
    out = [_zh_level(name)]
    # "省人民政府国有资产监督管理委员会" is written "省国资委".
    level, core = out[0]
    inner = re.match(r"^(?:人民政府|政府)(.{2,})$", core)
    if inner:
        out.append((level, inner.group(1)))
    m = re.match(r"^[\u4e00-\u9fff]{2,6}?([省市县区])(?!场)(.+)$", name)
    if m and not re.search(r"政府$", m.group(2)):
        out.append((m.group(1), m.group(2)))
    return out


def _subsequence_score(short: str, full: str) -> float:
    """len(short)/len(full) when `short` abbreviates `full` (see Directory.match_name), else 0."""
    if not short or not full or short[0] != full[0]:
        return 0.0
    i = 0
    for ch in short:
        i = full.find(ch, i)
        if i < 0:
            return 0.0
        i += 1
    return len(short) / len(full) if full[i:] in _ZH_TAILS else 0.0


def _zh_score(written: str, unit: Unit) -> float:
    if written == unit.name_zh:
        return 2.0  # the name itself beats any abbreviation reading
    variants = {_zh_level(written)}
    level, core = _zh_level(written)
    if core.startswith("政府") and len(core) > 4:  # "省政府外事办" for "省人民政府外事办公室"
        variants.add((level, core[2:]))
    for short, full in ZH_ALIASES.items():
        if short in written:
            variants.add(_zh_level(written.replace(short, full)))
    best = 0.0
    for name in (unit.name_zh, *(k for k in unit.keywords_zh if k.endswith(("局", "厅", "委", "办", "室", "会")))):
        for unit_level, unit_core in _zh_cores(name):
            for level, core in variants:
                if level and unit_level and level != unit_level:
                    continue
                if core == unit_core:
                    score = 1.0 if level == unit_level else 0.99
                else:
                    score = _subsequence_score(core, unit_core)
                best = max(best, score)
    return best


def _en_words(name: str) -> list[str]:
    return [_stem(w) for w in _EN_TOKEN.findall(name.lower()) if w not in _EN_NOISE]


def _en_score(written: str, unit: Unit) -> float:
    words = _en_words(written)
    full = _en_words(unit.name_en)
    level = [w for w in words if w in _EN_LEVELS]
    core, full_core = [w for w in words if w not in _EN_LEVELS], [w for w in full if w not in _EN_LEVELS]
    if not core or not full_core or (level and not set(level) & set(full)):
        return 0.0
    i = 0
    for word in core:
        try:
            i = full_core.index(word, i) + 1
        except ValueError:
            return 0.0
    return len(core) / len(full_core)


def _match_name(units: tuple[Unit, ...], name: str, lang: str | None) -> str | None:
    name = name.strip()
    if not name:
        return None
    cjk = re.search(r"[\u4e00-\u9fff]", name) is not None
    scored = sorted(
        ((_zh_score(name, u) if cjk else _en_score(name, u), u.code) for u in units), reverse=True
    )
    if not scored or scored[0][0] <= 0.0:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two equally good candidates: never guess
    return scored[0][1]
