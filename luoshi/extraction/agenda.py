"""Agenda items: what the meeting studied, heard, reviewed and adopted, each with a kind.

Cues are verbs of meeting business ("studied the spirit of", "heard a report on",
"reviewed and adopted", 传达学习, 听取…汇报, 审议通过《…》, 研究…举措, 研究了其他事项).
A quoted document title's head noun decides its kind (…Plan → plan, …协议 → agreement);
a report without a document title is a report. "Studied X" counts only when X is a
document or a set of measures, not a field of work ("研究部署贯彻落实工作" is not an item).
An item named again later in the readout ("会议听取了…的汇报") is the same item.
An English object listing several documents ("the A Plan, the B Measures, and the C
Agreement") gives one item per document; lower-case documents ("a guideline on …") count.
Follow-up measures with no subject of their own ("研究我省贯彻落实举措") and study cues after
a modal ("要深入学习贯彻…") are not items.
"""

from __future__ import annotations

import re
from collections import Counter

from .model import AgendaItem
from .text import Piece

# The head noun of a document title decides its kind; the noun that ends last is the head.
_KIND_EN = [
    ("agreement", re.compile(
        r"\b(?:agreements?|memorand(?:um|a)|mou|contracts?|accords?|treaty)\b", re.I)),
    ("regulation", re.compile(
        r"\b(?i:regulations?|rules|provisions|laws?|ordinances?|by-?laws?|decrees?|"
        r"(?<!several\s)(?<!policy\s)measures)\b|\b(?:Order|Act|Code)\b")),
    ("plan", re.compile(
        r"\b(?:plans?|programm?es?|schemes?|planning|outline|opinions?|strateg(?:y|ies)|"
        r"guidelines?|several\s+measures|policy\s+measures|list|policies|blueprint|budgets?|"
        r"roadmap|framework)\b", re.I)),
    ("report", re.compile(r"\breports?\b", re.I)),
]
_KIND_ZH = [
    ("agreement", re.compile(r"协议|备忘录|合同|协定")),
    ("regulation", re.compile(r"条例|办法|规定|细则|规则|规章|法(?![治规])")),
    ("plan", re.compile(r"方案|预案|规划|计划|纲要|意见|战略|措施|举措|指南|指引|清单|政策")),
    ("report", re.compile(r"报告")),
]
# Unquoted objects count as documents only when they end in one of these nouns.
_DOC_END_ZH = re.compile(
    r"(?:协议|备忘录|条例|办法|规定|细则|方案|预案|规划|计划|纲要|意见|措施|举措|清单|政策|报告)"
    r"(?:（[^）]*）)?$"
)
_DOC_EN = re.compile(
    r"\b(?:agreements?|memorand(?:um|a)|accord|contract|regulations?|rules|provisions|laws?|"
    r"ordinances?|by-?laws?|plans?|programm?es?|opinions|measures|guidelines?|outline|scheme|"
    r"list|blueprint|budgets?|strategy|framework)\b|\b(?:Order|Act|Code)\b",
    re.I,
)
# A title written as a run of capitalised words, with small words, numbers and brackets.
_CAP_TOKEN = r"(?:[A-Z][\w’'\-/&.]*)"
_CAP_RUN = re.compile(
    rf"{_CAP_TOKEN}|\d[\w\-/]*\s+{_CAP_TOKEN}"
)
_RUN = re.compile(
    rf"(?:\d[\w\-/]*\s+)?{_CAP_TOKEN}"
    rf"(?:(?:\s+(?:(?:of|on|for|and|the|to|in|with|between|from|by|a|an|at)\s+)*{_CAP_TOKEN})"
    rf"|\s+\d[\w\-/]*|\s*\([^)]{{1,60}}\)|\s+-\s+{_CAP_TOKEN})*"
)
_LOWER_AGREEMENT = re.compile(r"\b(?:[a-z][\w-]*\s+)?(?:agreement|memorandum|contract)\b")
_OBJ_LEAD = re.compile(
    r"^(?:(?:to\s+)?(?:make|sign|enter\s+into)\s+)?(?:(?:the|a|an)\s+)?"
    r"(?:(?:consultation\s+)?draft\s+(?:of\s+(?:the\s+)?)?|(?:making|signing|adoption)\s+of\s+(?:the\s+)?)?",
    re.I,
)
_HEAD_SPLIT = re.compile(r"\s(?:of|on|for|between|with|to|in|about|regarding)\s", re.I)
# Conjoined documents: "approved the A Plan, the B Measures (Draft), and the C Agreement".
_CONJ_NEXT = re.compile(r",\s*(?:and\s+)?(?=(?:the|a|an)\s+\S)", re.I)
_CONJ_SPLIT = re.compile(r"(?:,\s*(?:and\s+)?|\s+and\s+)(?=(?:the|a|an)\s+\S)", re.I)
# Lower-case document nouns that make an untitled object a document ("a guideline on …",
# "the draft regulations on …"); "measures"/"policies" stay out: "studied measures to boost
# consumption" names a field of work, not a document.
_DOC_EN_LOWER = re.compile(
    r"\b(?:guidelines?|guiding\s+opinions|regulations?|rules|provisions|plans?|programm?es?|"
    r"opinions|outline|strategy|ordinance|by-?laws?|decree|scheme|blueprint|roadmap|law)"
    r"(?:\s*\([^)]*\))?$"
)
# A modal before a study cue makes it a requirement ("要深入学习贯彻…", "must study …").
_ZH_MODAL_BEFORE = re.compile(
    r"(?<![重主首紧纲摘只必需想将需不概])要(?![求素点件闻是务])|必须|务必|需要|应当"
)
_EN_MODAL_BEFORE = re.compile(
    r"\b(?:must|should|shall|need\s+to|needs\s+to|necessary\s+to|have\s+to|has\s+to)\b", re.I
)
# "研究我省贯彻落实举措": follow-up measures to a study item, with no subject of their own.
_ZH_FOLLOW_UP_WORDS = re.compile(
    r"我省|我市|我区|我县|本省|本市|本区|全省|全市|全区|我国|提出|制定|研究|贯彻落实|贯彻|落实|"
    r"的|具体|有关|相关|进一步|工作"
)
_ZH_GENERIC_MEASURES = frozenset(("举措", "措施", "政策措施", "意见", "方案", "办法"))
_QUOTED_EN = re.compile(r"[“\"]([^”\"]{3,200})[”\"]")
_QUOTED_ZH = re.compile(r"《([^》]{2,120})》")

_EN_STOP = (
    r"(?=\.(?:\s|$)|;|,\s*(?:which|who|where|and|including|with|for|to|at)\b|"
    r"\s+(?:and\s+)?(?:to\s+)?(?:studied|study|reviewed|review|deliberated|deliberate|discussed|"
    r"discuss|adopted|adopt|approved|approve|decided|heard|hear)\b|$)"
)
_CONJ_OBJ = re.compile(r"(.+?)" + _EN_STOP, re.I)
_EN_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("study", re.compile(
        r"\b(?:stud(?:y|ied|ying)|convey(?:ed|ing)?|learn(?:ed|ing)?)"
        r"(?:,?\s+(?:and\s+)?(?:implement(?:ed|ing)?|convey(?:ed|ing)?|stud(?:ied|ying)|learn(?:ed|ing)?))*"
        r"\s+(?:the\s+)?(?:(?:important\s+)?spirit\s+of\s+(?:the\s+)?)?"
        r"((?:General\s+Secretary|President\s+Xi|Xi\s+Jinping|the\s+Central|the\s+CPC|Central|"
        r"the\s+\d+\w*\s+(?:National|Central|Plenary)|important\s+(?:speech|instructions?))[^,.;]*?)"
        r"(?=,|;|\.(?:\s|$)|$|\s+and\s+(?:stud|deploy|implement|arrang|heard|review))",
        re.I)),
    ("report", re.compile(
        r"\b(?:heard|hear|received|receive|listened\s+to|listen\s+to|hears)\s+(?:(?:a|an|the)\s+)?(?:[\w’'.-]+\s+){0,4}?"
        r"(?:work\s+)?(?:reports?|updates?|briefings?)\s+(?:(?:of|from|by)\s+[^,.;]{0,80}?\s+)?"
        r"(?:on|about|regarding|concerning)\s+(.+?)" + _EN_STOP,
        re.I)),
    ("report", re.compile(
        r"\b(?:updated|briefed|informed)\s+(?:the\s+)?(?:cabinet|council|board|meeting|members|"
        r"ministers|committee)\s+(?:on|about)\s+(.+?)" + _EN_STOP,
        re.I)),
    ("other", re.compile(
        r"\b(?:also\s+)?(?:studied|discussed|considered|deliberated(?:\s+on)?|reviewed|"
        r"dealt\s+with|acted\s+on|handled|addressed)\s+(other\s+(?:matters|issues|items|business))\b",
        re.I)),
    ("other", re.compile(
        r"\b(other\s+(?:matters|issues|items|business))\s+(?:were|was)\s+(?:also\s+)?"
        r"(?:discussed|studied|considered|reviewed|deliberated|dealt\s+with|addressed)\b",
        re.I)),
    ("adopt", re.compile(
        r"\b(?:review(?:ed)?|deliberat(?:ed|e)(?:\s+on)?|discuss(?:ed)?|examin(?:ed|e)|stud(?:ied|y)|"
        r"adopt(?:ed)?|approv(?:ed|e)|pass(?:ed)?|endors(?:ed|e)|enact(?:ed)?|ratif(?:ied|y)|"
        r"agreed(?!\s+that)(?:\s+to)?|noted\s+the\s+signing\s+of|to\s+sign|to\s+enter\s+into)"
        r"(?:\s+(?:on\s+)?and\s+(?:adopt(?:ed)?|approv(?:ed|e)|pass(?:ed)?|endors(?:ed|e)))?"
        r"(?:\s+in\s+principle)?\s+"
        r"(.+?)" + _EN_STOP,
        re.I)),
]
_ZH_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("study", re.compile(
        r"(?:传达|学习)(?:了)?(?:学习|贯彻|落实|传达|了)*"
        r"((?:习近平|总书记|党中央|中央|国务院|党的|全国两会)[^，。；]*"
        r"(?:精神|讲话|指示|批示|决策部署|重要论述|思想))")),
    ("report", re.compile(r"听取(?:了)?([^，。；]+?)(?:的)?(?:汇报|报告)")),
    ("adopt", re.compile(
        r"(?:(?:审议|讨论|研究)(?:并)?(?:原则)?(?:通过|审议)?|(?:原则)?通过)(?:了)?"
        r"((?:《[^》]+》[、和及与，]*)+)")),
    ("measure", re.compile(
        r"(?:(?:审议|讨论)(?:并)?(?:原则)?通过|研究|审议)(?:了)?([^，。；《]{4,80}?)(?=[，。；]|$)")),
    ("other", re.compile(r"(?:还)?(?:研究|审议|讨论)(?:了)?(其他事项|其它事项|其他议题)")),
]


# Cheap gates: a rule's full pattern runs only on sentences holding one of its trigger words.
_GATES_EN: dict[str, tuple[str, ...]] = {
    "study": ("stud", "convey", "learn"),
    "report": ("report", "update", "briefing", "briefed", "informed"),
    "other": ("other ",),
    "adopt": (
        "review", "deliberat", "discuss", "examin", "stud", "adopt", "approv", "pass",
        "endors", "enact", "ratif", "agreed", "sign", "enter",
    ),
}
_GATES_ZH: dict[str, tuple[str, ...]] = {
    "study": ("传达", "学习"),
    "report": ("听取",),
    "adopt": ("《",),
    "measure": ("审议", "讨论", "研究"),
    "other": ("其他", "其它"),
}


def kind_of(title: str, lang: str | None, default: str) -> tuple[str, str]:
    """The kind a title's head noun implies.

    English puts the head before the first preposition ("Regulations on the Protection of
    …"); Chinese puts it last ("…实施方案"). Within the head, the noun that ends last wins.
    """
    if lang != "zh":
        head = _HEAD_SPLIT.split(title, maxsplit=1)[0]
        if head != title:
            kind, why = kind_of_noun(head, lang, "")
            if kind:
                return kind, why
    return kind_of_noun(title, lang, default)


def kind_of_noun(title: str, lang: str | None, default: str) -> tuple[str, str]:
    rules = _KIND_ZH if lang == "zh" else _KIND_EN
    best: tuple[int, str, str] | None = None
    for kind, pattern in rules:
        for m in pattern.finditer(title):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind, m.group(0))
    if best is None:
        return default, "default"
    return best[1], f"head noun '{best[2]}'"


def _overlap(a: str, b: str, zh: bool) -> float:
    """Share of the shorter title's tokens found in the other (same item named twice)."""
    if zh:
        ca, cb = Counter(a.replace(" ", "")), Counter(b.replace(" ", ""))
    else:
        ca, cb = Counter(re.findall(r"\w+", a.lower())), Counter(re.findall(r"\w+", b.lower()))
    short = min(sum(ca.values()), sum(cb.values())) or 1
    return sum((ca & cb).values()) / short


def find_agenda(text: str, sents: list[Piece], lang: str | None) -> list[AgendaItem]:
    zh = lang == "zh"
    rules = _ZH_RULES if zh else _EN_RULES
    quoted = _QUOTED_ZH if zh else _QUOTED_EN
    items: list[AgendaItem] = []

    def add(kind: str, start: int, end: int, why: str, strip_stop: bool = True) -> None:
        edge = " \t,，、“\"" if strip_stop else " \t,，、"
        while start < end and text[start] in edge:
            start += 1
        while end > start and text[end - 1] in (" \t,，、.。”\"" if strip_stop else " \t"):
            end -= 1
        title = text[start:end]
        if len(title.strip()) < 2:
            return
        for item in items:
            if item.span[0] < end and start < item.span[1]:
                return
            if item.kind == kind and _overlap(item.title, title, zh) >= (0.6 if zh else 0.9):
                return
        items.append(AgendaItem(kind, title, (start, end), why))

    gates = _GATES_ZH if zh else _GATES_EN
    for sent in sents:
        low = sent.text.lower()
        for rule, pattern in rules:
            if not any(word in low for word in gates[rule]):
                continue
            for m in pattern.finditer(sent.text):
                g0 = sent.start + m.start(1)
                g1 = sent.start + m.end(1)
                obj = text[g0:g1]
                if rule in ("study", "measure") and _modal_before(sent.text, m.start(), zh):
                    continue
                if rule == "study":
                    add("study", g0, g1, "study cue")
                    continue
                if rule == "other":
                    add("other", g0, g1, "other matters")
                    continue
                titles = list(quoted.finditer(obj))
                if titles and rule != "measure":
                    for q in titles:
                        kind, why = kind_of(q.group(1), lang, "report" if rule == "report" else "other")
                        add(kind, g0 + q.start(1), g0 + q.end(1), f"{rule} cue, {why}", False)
                    continue
                if rule == "report":
                    start, end = _report_title(text, g0, g1, zh)
                    kind, why = ("report", "untitled report") if zh else _head_kind(text[start:end])
                    add(kind, start, end, f"report cue, {why}")
                elif (
                    rule == "measure"
                    and _DOC_END_ZH.search(obj.strip())
                    and _ZH_FOLLOW_UP_WORDS.sub("", obj.strip()) not in _ZH_GENERIC_MEASURES
                ):
                    kind, why = kind_of(obj.strip(), lang, "plan")
                    add(kind, g0, g1, f"studied/adopted, {why}")
                elif rule == "adopt" and not zh:
                    conjuncts = _en_conjuncts(text, g0, g1, sent.end)
                    for c0, c1 in conjuncts:
                        part = text[c0:c1]
                        found = _en_title(part)
                        if found:
                            off, length, why = found
                            if len(conjuncts) > 1:
                                why += ", one of conjoined documents"
                            kind, kwhy = kind_of(part[off : off + length], lang, "plan")
                            add(kind, c0 + off, c0 + off + length, f"adopted, {why}, {kwhy}", False)
    items.sort(key=lambda a: a.span[0])
    return items


def _modal_before(sent: str, at: int, zh: bool) -> bool:
    """Whether the clause before a cue carries a modal: then the cue is a requirement."""
    start = max(sent.rfind(c, 0, at) for c in ("，", "。", "；", "：", ",", ";", ":")) + 1
    return bool((_ZH_MODAL_BEFORE if zh else _EN_MODAL_BEFORE).search(sent, start, at))


def _doc_head(obj: str) -> bool:
    """Whether an object's head (before its first preposition) is a document noun."""
    lead = _OBJ_LEAD.match(obj)
    rest = obj[lead.end() if lead else 0 :]
    return bool(_DOC_EN.search(_HEAD_SPLIT.split(rest, maxsplit=1)[0]))


def _en_conjuncts(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split an adopted object into conjoined documents, each with a document head noun.

    "the A Plan for Building X and the B Framework Agreement between Y and Z" gives two
    objects; "the Regulations on Minors and the Elderly" stays one ("the Elderly" has no
    document head). A list the cue's stop cut at ", and the …" is extended over documents.
    """
    while True:
        nxt = _CONJ_NEXT.match(text, end, limit)
        if not nxt:
            break
        more = _CONJ_OBJ.match(text, nxt.end(), limit)
        if not more or not _doc_head(more.group(1)):
            break
        end = more.end(1)
    bounds = [(b.start(), b.end()) for b in _CONJ_SPLIT.finditer(text, start, end)]
    if not bounds:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    cur = start
    for i, (b0, b1) in enumerate(bounds):
        nxt_end = bounds[i + 1][0] if i + 1 < len(bounds) else end
        if _doc_head(text[b1:nxt_end]) and _doc_head(text[cur:b0]):
            parts.append((cur, b0))
            cur = b1
    parts.append((cur, end))
    return parts


def _head_kind(title: str) -> tuple[str, str]:
    """An untitled report is a report unless its head noun names a document."""
    head = _HEAD_SPLIT.split(title, maxsplit=1)[0]
    return kind_of_noun(head, "en", "report")


def _en_title(obj: str) -> tuple[int, int, str] | None:
    """Where an adopted document's title sits in the object of "adopted", "approved", …"""
    lead = _OBJ_LEAD.match(obj)
    off = lead.end() if lead else 0
    rest = obj[off:]
    low = _LOWER_AGREEMENT.search(rest)
    if low and not _RUN.match(rest[low.start() :]):
        # "a funding agreement with the West Yorkshire Combined Authority for …"
        return off + low.start(), len(rest) - low.start(), "agreement phrase"
    for run in _RUN.finditer(rest):
        words = run.group(0)
        if _DOC_EN.search(words):
            return off + run.start(), len(words.rstrip(" .")), "titled document"
    first = _RUN.match(rest)
    if first and len(first.group(0).split()) >= 3:
        return off, len(first.group(0)), "capitalised title"
    # "a guideline on developing …", "the draft regulations on …": an untitled document,
    # named by a lower-case document noun at the head; "draft" stays in the description.
    art = re.match(r"(?:the|a|an)\s+", obj, re.I)
    start = art.end() if art else 0
    desc = obj[start:].rstrip(" .")
    if desc[:1].islower() and _DOC_EN_LOWER.search(_HEAD_SPLIT.split(desc, maxsplit=1)[0]):
        return start, len(desc), "document noun"
    return None


def _report_title(text: str, start: int, end: int, zh: bool) -> tuple[int, int]:
    """Drop the reporting units and framing around a report's subject."""
    obj = text[start:end]
    if zh:
        cut = obj.rfind("关于")
        if cut >= 0:
            start += cut + 2
        return start, end
    m = re.match(r"(?:the|a|an)\s+", obj, re.I)
    return start + (m.end() if m else 0), end
