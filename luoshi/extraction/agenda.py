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
        r"\b(?i:regulations?|rules|provisions|laws?|ordinances?|by-?laws?|decrees?|standards|bills?|"
        r"(?<!several\s)(?<!policy\s)measures)\b|\b(?:Order|Act|Code)\b")),
    ("plan", re.compile(
        r"\b(?:plans?|programm?es?|schemes?|planning|outline|opinions?|strateg(?:y|ies)|"
        r"guidelines?|several\s+measures|policy\s+measures|list|policies|policy|blueprint|budgets?|"
        r"roadmap|framework|arrangements)\b", re.I)),
    ("report", re.compile(r"\breports?\b", re.I)),
]
# "National Planning Commission", "Law Commission", "Budget Office": a document noun that
# names an organisation is no head noun.
_ORG_AFTER = re.compile(
    r"\s+(?:Commission|Committee|Board|Department|Ministry|Authority|Division|Council|Office|"
    r"Bureau|Agency|Unit|Cell|Wing|Directorate|Secretariat|Section)\b"
)
_KIND_ZH = [
    ("agreement", re.compile(r"协议|备忘录|合同|协定|協議|備忘錄|協定")),
    ("regulation", re.compile(r"条例|办法|规定|细则|规则|规章|法(?![治规])|條例|辦法|規定|細則|規則|規章")),
    ("plan", re.compile(
        r"方案|预案|规划|计划|纲要|意见|战略|措施|举措|指南|指引|清单|政策|預案|規劃|計劃|計畫|计画|綱要|意見|"
        r"戰略|舉措|清單|分解表|安排|要点|要點")),
    ("report", re.compile(r"报告|報告")),
]
# Unquoted objects count as documents only when they end in one of these nouns.
_DOC_END_ZH = re.compile(
    r"(?:协议|备忘录|条例|办法|规定|细则|方案|预案|规划|计划|纲要|意见|措施|举措|清单|政策|报告)"
    r"(?:（[^）]*）)?$"
)
_DOC_EN = re.compile(
    r"\b(?:agreements?|memorand(?:um|a)|accord|contract|regulations?|rules|provisions|laws?|"
    r"ordinances?|by-?laws?|plans?|programm?es?|opinions|measures|guidelines?|outline|scheme|"
    r"list|blueprint|budgets?|strategy|framework|decisions?)\b|\b(?:Order|Act|Code)\b",
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
    rf"|\s+\d[\w\-/]*|\s*\([^)]{{1,60}}\)|\s+-\s+{_CAP_TOKEN}|,\s+(?:1[89]|20)\d\d\b(?![-–/]))*"
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
    r"(?=\.(?:\s|$)|;|,\s*(?:which|who|where|and|including|with|for|to|at|urging|calling|stressing|noting|"
    r"saying|adding|aiming|so\s+as)\b|"
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
            if lang != "zh" and _ORG_AFTER.match(title, m.end()):
                continue
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
        # Articles and possessive 's do not tell two titles apart ("a draft revision to the
        # bidding law" and "… to China's bidding law" are one item).
        ca, cb = (
            Counter(w for w in re.findall(r"\w+", t.lower()) if w not in ("the", "a", "an", "s"))
            for t in (a, b)
        )
    short = min(sum(ca.values()), sum(cb.values())) or 1
    return sum((ca & cb).values()) / short


_EN_TASK_TITLE = re.compile(
    r"take\s+(?:all\s+)?(?:(?:necessary|immediate|effective|practical|concrete|urgent|strict|legal)\s+)?"
    r"(?:steps|measures|action)\b",
    re.I,
)


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
        if not zh and _EN_TASK_TITLE.match(title):
            return  # "decided to take steps about X": a task (a directive), not an item
        for item in items:
            if item.span[0] < end and start < item.span[1]:
                return
            if item.kind == kind and _overlap(item.title, title, zh) >= (0.6 if zh else 0.9):
                # Titles of one list ("《2024年政府工作报告》《关于2024年度民生实事…的报告》")
                # are different items, however alike.
                lo, hi = sorted((item.span, (start, end)))
                if not zh or re.search(r"[。！？\n]", text[lo[1] : hi[0]]):
                    return
        items.append(AgendaItem(kind, title, (start, end), why))

    if zh:
        # The lead sentence ("…主持召开常务会议，传达学习习近平总书记重要讲话精神，研究…等工作")
        # names in short what the body then names in full: the body's titles are kept.
        lead = [p for p in sents[:3] if re.search(r"主持召[开開]|召[开開]了?[^，。]{0,30}会议", p.text)][:1]
        rest = [p for p in sents if p not in lead]
        for kind, start, end, why in zh_agenda(text, rest) + zh_agenda(text, lead):
            add(kind, start, end, why, False)
        items.sort(key=lambda a: a.span[0])
        return items
    gates = _GATES_EN
    # A wire report's headline ("China's State Council studies Xi's speeches, outlines key work
    # priorities") names the body's business in short; it is read only when the body names none.
    head_end = _en_headline_end(text, sents)
    body_sents = [p for p in sents if p.start >= head_end]
    # A bulleted decision list ("Cabinet agreed to the following: • To …") names each item
    # whole; it goes first so that titles found inside a bullet do not split it.
    for kind, start, end, why in en_bulleted(text, sents[0].start if sents else 0):
        add(kind, start, end, why, False)
    _en_find(text, body_sents, rules, quoted, gates, lang, add)
    body = sents[0].start if sents else 0
    for kind, start, end, why in (
        en_council_items(text, body) + en_agenda(text, body_sents) + en_numbered(text, body)
    ):
        add(kind, start, end, why, False)
    if not items and head_end:
        head_sents = [p for p in sents if p.start < head_end]
        _en_find(text, head_sents, rules, quoted, gates, lang, add)
        for kind, start, end, why in en_agenda(text, head_sents):
            add(kind, start, end, why, False)
    items.sort(key=lambda a: a.span[0])
    return items


def _en_headline_end(text: str, sents: list[Piece]) -> int:
    """The end of a headline line heading a longer page (no closing stop), else 0."""
    start = len(text) - len(text.lstrip())
    nl = text.find("\n", start)
    if nl < 0:
        return 0
    line = text[start:nl].strip()
    if not line or line[-1] in ".!?:;" or len(line) > 200 or _EN_NUMBERED.match(line):
        return 0
    if not any(p.start > nl for p in sents):
        return 0
    return nl


def _en_find(text, sents, rules, quoted, gates, lang, add) -> None:
    zh = False
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
                if rule == "adopt" and obj.split(" ", 1)[0].lower() in _EN_PREPOSITIONS:
                    continue  # "the topics discussed at the meeting were …": no object
                # "efforts should be made to promote X, fine-tune Y, adopt plans for Z": a bare
                # verb in a sentence that set a requirement is a task, not business done.
                if (
                    rule in ("study", "adopt")
                    and re.match(r"(?:review|deliberate|discuss|examine|study|adopt|approve|pass|endorse|"
                                 r"enact|ratify|convey|learn)\b", m.group(0), re.I)
                    and _EN_MODAL_BEFORE.search(sent.text, 0, m.start())
                ):
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
                        q0, q1 = g0 + q.start(1), g0 + q.end(1)
                        # 'the "6+1" Overall Plan for …': the quote opens a longer title.
                        run = re.compile(r"\s+" + _RUN.pattern).match(text, g0 + q.end(), sent.end)
                        if run and _DOC_EN.search(run.group(0)):
                            q0, q1 = g0 + q.start(), run.end()
                            while text[q1 - 1] in " .,":
                                q1 -= 1
                        kind, why = kind_of(text[q0:q1], lang, "report" if rule == "report" else "other")
                        add(kind, q0, q1, f"{rule} cue, {why}", False)
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
                            if _EN_GENERIC_TITLE.match(part[off : off + length]):
                                continue  # "several regulations, including …": named next
                            kind, kwhy = kind_of(part[off : off + length], lang, "plan")
                            add(kind, c0 + off, c0 + off + length, f"adopted, {why}, {kwhy}", False)


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


# --- Chinese: the business a meeting took up, read as lists after a cue verb -----------------
# A cue opens a clause (after 会议/会上/还/并 and the like): 传达学习了A精神、B讲话和《C》，
# 听取了X汇报，审议通过了《A》《B》，研究了Y事项. The object runs to the clause's end (a comma
# outside brackets and quotes, or the sentence end) and is cut into items at 、/和/及/与 and
# between 《》 titles, where each part has a head noun of its own ("省、市有关会议精神" stays one).
_ZH_CUE = re.compile(
    r"(?:传达学习|传达|学习贯彻|学习|集中学习|专题学习|听取|通报|审议通过|审议并原则通过|"
    r"审议并通过|原则通过|审议|审定|研究审议|研究审定|研究通过|讨论通过|讨论审议|研究讨论|讨论|研究|"
    r"確定|确定|決定|决定|同意|原则同意|原則同意|部署|批准|宣读了|宣讀了|汇报|匯報|"
    r"傳達學習|傳達|學習貫徹|學習|集中學習|聽取|通報|審議通過|審議並原則通過|原則通過|審議|審定|"
    r"研究審議|討論通過|討論|研究|分析研判|研判|通过(?=了|《)|通過(?=了|《))"
    r"(?:並|并)?(?:研究|审议|審議|通过|通過|原则|原則|贯彻|貫徹|落实|落實|确定|確定|审定|審定|"
    r"讨论|討論|同意)*(?:了|完)?"
)
_ZH_CUE_PREFIX = re.compile(
    r"^(?:\d{1,2}[.、．]|[（(]?[一二三四五六七八九十]{1,3}[)）、.．]|在|会议|會議|会上|會上|会前|會前|随后|隨後|同时|此外|另外|还|還|并|並|也|又|先后|先後|首先|专门|專門|"
    r"集中|专题|專題|认真|認真|深入|逐项|逐項|依次|分别|分別|一起|共同|其后|最后|最後|接着|"
    r"会议首先|会议还|会议先后|会议集中|会议专题|会议认真|会议深入|会议依次|会议分别|会议逐项|"
    r"會議首先|會議還|會議先後|會議集中|會議專題|會議認真|會議深入)*$"
)
_ZH_HEAD = re.compile(
    r"(?:精神|讲话|講話|指示|批示|论述|論述|文章|重要思想|条例|條例|办法|辦法|规定|規定|细则|細則|规则|規則|"
    r"方案|预案|預案|规划|規劃|计划|計劃|計畫|计画|纲要|綱要|意见|意見|通知|报告|報告|汇报|匯報|匯報|情况|情況|"
    r"决定|決定|请示|請示|事项|事項|事宜|分工|措施|举措|舉措|协议|協議|协议书|協議書|备忘录|備忘錄|清单|清單|"
    r"政策|草案|稿|安排|要点|要點|决策部署|決策部署|知识|知識|提纲|提綱|结果|結果|预算|預算|决算|決算|"
    r"提案|问题|問題|工作|机制|機制|设置|設置|名单|名單|制度|标准|標準|法|总结|總結|谋划|謀劃|部署|"
    r"讨论稿|徵求意見稿|征求意见稿|送审稿|送審稿|修订稿|修訂稿|情形|现况|現況|内容|內容|法规|法規)[）)]*$"
)
_ZH_STUDY_HEAD = re.compile(
    r"(?:精神|讲话|講話|指示|批示|论述|論述|文章|思想|条例|條例|办法|辦法|规定|規定|通知|意见|意見|决定|決定|"
    r"决策部署|決策部署|知识|知識|准则|準則|法|纲要|綱要|报告|報告|讲话精神|内容|內容|法规|法規|"
    r"序言|贺信|賀信|贺词|賀詞|致辞|致辭|回信|批语|批語)[）)]*$"
)
_ZH_OPEN = "《“「(（<〈‘\""
_ZH_CLOSE = "》”」)）>〉’\""
_ZH_ITEM_SPLIT = re.compile(r"、|和(?!平)|及(?:其)?|以及|与|與|暨(?=[^，,。]{0,3}《)")


def _zh_clause_end(text: str, start: int, limit: int) -> int:
    """The end of the clause from `start`: a comma, semicolon or stop outside brackets."""
    depth = 0
    quote = False
    i = start
    while i < limit:
        c = text[i]
        if c == "“":
            quote = True
        elif c == "”":
            quote = False
        elif c in "《(（<〈":
            depth += 1
        elif c in "》)）>〉":
            depth = max(0, depth - 1)
        elif c in "，,。；;﹔：:！？!?\n" and depth == 0 and not quote:
            return i
        elif depth == 0 and not quote and c == "、" and _ZH_CUE.match(text, i + 1):
            return i
        elif depth == 0 and not quote and c in " \u3000" and i + 1 < limit and _ZH_CJK.match(text[i + 1]):
            return i
        i += 1
    return limit


_ZH_CJK = re.compile(r"[\u3400-\u9fff]")


_ZH_GENERIC_TITLES = _ZH_GENERIC_MEASURES | frozenset(
    ("", "事项", "事宜", "工作", "部署", "举措", "措施", "意见", "事項", "舉措", "意見")
)


def _zh_split_items(obj: str, head: re.Pattern[str]) -> list[tuple[int, int]]:
    """Cut a list object into items where each part has its own head noun."""
    # Separators outside brackets and quotes.
    seps: list[tuple[int, int]] = []
    depth = 0
    quote = False
    i = 0
    while i < len(obj):
        c = obj[i]
        if c == "“":
            quote = True
        elif c == "”":
            quote = False
        elif c in "《(（<〈":
            if c == "《" and depth == 0 and i > 0 and obj[i - 1] == "》":
                seps.append((i, i))
            depth += 1
        elif c in "》)）>〉":
            depth = max(0, depth - 1)
        elif depth == 0 and not quote:
            m = _ZH_ITEM_SPLIT.match(obj, i)
            if m:
                seps.append((i, m.end()))
                i = m.end()
                continue
        i += 1
    parts: list[tuple[int, int]] = []
    cur = 0
    for s0, s1 in seps:
        # "A讲话精神和在黑龙江考察时的重要指示精神": a part opening with 在/对/关于 shares A's subject.
        # "2023年财政预算执行情况和2024年财政预算安排": the year's account and next year's plan
        # are one report.
        if re.search(r"执行情况$|執行情況$", obj[cur:s0]):
            continue
        if _zh_has_head(obj[cur:s0], head) and not re.match(
            r"對|对|(?:关于|關於)(?!《)|有关|有關|相关|相關|重要|指示|批示|讲话|講話|文章", obj[s1:]
        ):
            parts.append((cur, s0))
            cur = s1
    parts.append((cur, len(obj)))
    # A last part without a head noun of its own shares the list's noun; keep it joined.
    if len(parts) > 1 and not _zh_has_head(obj[parts[-1][0] : parts[-1][1]], head):
        last = parts.pop()
        prev = parts.pop()
        parts.append((prev[0], last[1]))
    return parts


def _zh_has_head(part: str, head: re.Pattern[str]) -> bool:
    # "…工作方案的汇 报": a stray space inside a word does not hide the head noun.
    part = re.sub(r"[ \t\u3000]+", "", part)
    # "…工作方案的汇 报" cut at the space: the dangling half-word is not the head.
    part = re.sub(r"的?(?:汇|匯)$", "", part)
    if part.startswith("《") and part.endswith("》"):
        return True
    return bool(head.search(part.rstrip("》”」等")))


def _zh_title(text: str, start: int, end: int) -> tuple[int, int]:
    """An item's title: inside its 《》 when it has one, otherwise the part without edge marks."""
    part = text[start:end]
    q = re.search(r"《([^》]{2,120})》", part)
    # "为《复兴文库》所作序言": words of its own around the title make the part the item.
    if q:
        before = _ZH_FRAME.sub("", part[: q.start()] + "|").rstrip("|")
        after = _ZH_FRAME.sub("", "|" + part[q.end() :]).lstrip("|")
        if re.match(r"(?:时|時|后|後)", after):
            after = ""
        if not (len(_ZH_CJK.findall(before)) <= 4 and len(_ZH_CJK.findall(after)) >= 2 and "《" not in after):
            return start + q.start(1), start + q.end(1)
    # Edge quotes go, but a quoted word opening or closing the title keeps both its quotes
    # ("“三农”重点工作实施意见").
    while start < end and (text[start] in " \t　" or (text[start] == "“" and "”" not in text[start + 1 : end - 1])):
        start += 1
    while end > start and (text[end - 1] in " \t　" or (text[end - 1] == "”" and "“" not in text[start : end - 1])):
        end -= 1
    return start, end


_ZH_FRAME = re.compile(
    r"^[“\s]*(?:关于|關於|对|對)?|(?:的)?(?:汇报|匯報|报告|報告|情况|情況|精神)?(?:[(（][^)）]{0,12}[)）])?"
    r"等?[”\s]*$|[(（][^)）]{0,12}[)）]"
)


def _line_start(text: str, pos: int) -> int:
    start = text.rfind("\n", 0, pos) + 1
    while start < pos and text[start] in " \t\u3000":
        start += 1
    return start


# A heard document named by its head noun ("听取了2020年X行动方案、Y实施意见的汇报"): the
# document's kind, not a report.
_ZH_DOC_HEARD = re.compile(
    r"(?:方案|预案|預案|规划|規劃|计划|計劃|計畫|计画|意见|意見|条例|條例|办法|辦法|规定|規定|细则|細則|"
    r"协议|協議|备忘录|備忘錄)(?:[(（][^)）]{0,12}[)）])?$"
)
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_ZH_REPORT_END = re.compile(
    r"(?:情况|情況|汇报|匯報|报告|報告|總結|总结|结果|結果|谋划|謀劃|決算|决算)(?:[(（][^)）]{0,12}[)）])?$"
)


def zh_kind(title: str) -> tuple[str, str]:
    """The kind of a Chinese title: reports by their last noun, then documents by head noun."""
    plain = _PINYIN.sub("", title)
    m = _ZH_REPORT_END.search(plain) or re.search(r"执行情况|執行情況", plain)
    if m:
        return "report", f"head noun '{m.group(0)}'"
    # "停止招商引资优惠政策事宜": a matter to decide, whatever it concerns.
    m = re.search(r"(?:事宜|事项|事項)$", plain)
    if m and "《" not in plain:
        return "other", f"head noun '{m.group(0)}'"
    kind, why = kind_of(plain, "zh", "other")
    return kind, why


def zh_agenda(text: str, sents: list[Piece]) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, why) of each item of business in Chinese sentences."""
    out: list[tuple[str, int, int, str]] = []
    for sent in sents:
        s = sent.text
        if not any(w in s for w in ("传达", "學習", "学习", "傳達", "听取", "聽取", "通报", "通報",
                                    "审", "審", "研究", "宣读", "宣讀", "汇报", "匯報", "讨论", "討論", "通过", "通過", "确定",
                                    "確定", "决定", "決定", "同意", "部署", "研判")):
            continue
        for m in _ZH_CUE.finditer(s):
            clause_start = max(s.rfind(c, 0, m.start()) for c in "，,；;﹔：:。、 \u3000") + 1
            # "会(huì)议研究审定了": a mirror's pinyin glosses do not hide the prefix.
            prefix = _PINYIN.sub("", s[clause_start : m.start()]).strip()
            cue = m.group(0)
            base = cue[:2]
            if not _ZH_CUE_PREFIX.match(prefix):
                # "区督查办、区环委办通报了…": a unit reports; "…主持召开…会议，" is a clause start.
                # "…陈国才通报区十五届人大五次会议情况", "各办事处依次汇报辖区…情况": a unit or
                # official reports, and the object names what.
                reported = cue.endswith("了") or re.search(
                    r"(?:情况|情況|问题|問題|进展|進展)[。，,]?$", text[sent.start + m.end() : _zh_clause_end(text, sent.start + m.end(), sent.end)]
                )
                if not (base in ("通报", "通報", "汇报", "匯報") and reported and len(prefix) <= 40
                        and not _ZH_MODAL_BEFORE.search(s, 0, m.start())):
                    continue
            if _modal_before(s, m.start(), True):
                continue
            g0 = sent.start + m.end()
            g1 = _zh_clause_end(text, g0, sent.end)
            obj = text[g0:g1]
            if len(obj.strip()) < 2:
                continue
            if base in ("传达", "傳達", "学习", "學習", "集中", "专题", "專題"):
                head, rule = _ZH_STUDY_HEAD, "study"
            elif base in ("听取", "聽取", "通报", "通報", "汇报", "匯報") or cue.startswith(("分析研判", "研判")):
                head, rule = _ZH_HEAD, "report"
            else:
                head, rule = _ZH_HEAD, "adopt"
            # State Council style: "…主持召开国务院常务会议，部署X，确保…；决定Y" and headline
            # lines "确定X 更大释放…": the clause right after the chair's names the business.
            line_start = clause_start == 0 and sent.start + clause_start == _line_start(text, sent.start)
            after_chair = bool(re.search(r"主持召[开開]", s[:clause_start])) and not prefix
            lead_style = (line_start and not prefix) or after_chair
            if base in ("部署", "批准") and not lead_style and not cue.endswith("了"):
                continue
            if rule == "adopt" and lead_style and base in ("部署", "确定", "確定", "决定", "決定", "批准"):
                pass
            elif rule == "adopt":
                stripped = re.sub(r"等[一二三四五六七八九十\d多几幾若干]*[项項个個]?(?:议题|議題)$", "", obj.strip()).rstrip("等")
                # 研究部署…工作 / 研究我市贯彻落实措施: a field of work or a follow-up, not an item.
                stripped = re.sub(r"[（(][^）)《》]{1,20}[）)]$", "", stripped)
                # "会议研究了一季度经济运行工作。": a sentence of its own naming the work taken up.
                own_sentence = (
                    cue.endswith("了") and base in ("研究", "讨论", "討論")
                    and text[g1 : g1 + 1] in ("。", "\n", "")
                    and re.search(r"工作$", stripped) is not None
                )
                if not (stripped.startswith("《") or re.search(r"》[^《》]{0,6}$", stripped)):
                    if not _ZH_HEAD.search(stripped):
                        continue
                    if re.search(r"工作$|部署$", stripped) and not re.search(r"分工$", stripped) and not own_sentence:
                        continue
                    if _ZH_FOLLOW_UP_WORDS.sub("", stripped) in _ZH_GENERIC_MEASURES:
                        continue
                    if base in ("研究", "讨论", "討論") and not cue.endswith("了") and "通过" not in cue and not re.search(
                        r"方案|办法|辦法|条例|條例|规定|規定|事项|事項|事宜|请示|請示|分工|草案|稿|"
                        r"意见|意見|措施|举措|舉措|计划|計劃|規劃|规划|报告|報告", stripped
                    ):
                        continue
                    if base in ("确定", "確定", "决定", "決定", "同意", "原则", "原則") and not re.search(
                        r"措施|举措|舉措|方案|办法|辦法|事项|事項|政策|机制|機制|项目|項目", stripped
                    ):
                        continue
            elif rule == "study":
                if not (_ZH_STUDY_HEAD.search(obj.strip().rstrip("等")) or "《" in obj):
                    continue
            elif rule == "report" and (when := re.search(r"(?:后|後|时|時|之际|之際)$", obj.strip())):
                # "听取了三区和相关部门的意见和建议后，": a step of the drafting, not an item;
                # "在听取完X工作情况汇报后，": the report heard is one.
                if not re.search(r"(?:汇报|匯報|报告|報告|情况|情況)(?:后|後|时|時|之际|之際)$", obj.strip()):
                    continue
                g1 -= len(when.group(0)) + len(obj) - len(obj.rstrip())
                obj = text[g0:g1]
            elif rule == "report" and not cue.endswith("了") and not re.search(
                r"汇报|匯報|报告|報告|情况|情況", obj
            ):
                continue
            tail = re.search(r"等[一二三四五六七八九十\d多几幾若干]*[项項个個]?(?:议题|議題|其他事宜|其它事宜)$", obj)
            if tail and tail.start() > 0:
                obj = obj[: tail.start()]
            for p0, p1 in _zh_split_items(obj, head if rule != "report" else _ZH_HEAD):
                t0, t1 = _zh_title(text, g0 + p0, g0 + p1)
                dangling = re.search(r"的?(?:汇|匯)$", text[t0:t1])
                if dangling and rule == "report" and text[t1 : t1 + 1] in " \u3000":
                    t1 -= len(dangling.group(0))  # "…方案的汇 报": the half-word is not the title's
                title = text[t0:t1]
                if len(title) < 2:
                    continue
                # "有关事项", "部署我区贯彻落实举措": no business of their own.
                bare = _ZH_FOLLOW_UP_WORDS.sub("", re.sub(r"^部署|^有[关關]|^相[关關]", "", title))
                if bare in _ZH_GENERIC_TITLES:
                    continue
                if rule == "study":
                    kind, why = "study", "study cue"
                elif rule == "report" and (
                    text[t0 - 1 : t0] == "《" or _ZH_DOC_HEARD.search(_PINYIN.sub("", title))
                ) and zh_kind(title)[0] not in ("other", "report"):
                    # "听取了关于《…应急预案(送审稿)》的汇报": the document heard decides the kind.
                    kind, why = zh_kind(title)
                    why = f"report cue '{cue}', {why}"
                elif rule == "report":
                    kind, why = "report", f"report cue '{cue}'"
                elif re.search(r"其他事[项項]|其它事[项項]|其他议题", title):
                    kind, why = "other", "other matters"
                elif lead_style and base in ("部署", "确定", "確定"):
                    kind, why = "plan", f"decided cue '{cue}'"
                elif lead_style and base in ("决定", "決定", "批准"):
                    kind, why = "other", f"decided cue '{cue}'"
                else:
                    kind, why = zh_kind(title)
                    why = f"adopted cue '{cue}', {why}"
                out.append((kind, t0, t1, why))
    return out


# --- English: business verbs with their objects, lists, passives and numbered decisions ------
# Verbs of a decided action ("decided to fix the support price … and ban the import of …").
_ACTION_VERBS = (
    r"establish|appoint|fix|ban|form|set\s+up|provide|send|nominate|recommend|"
    r"extend|allocate|grant|approve|withdraw|sign|release|purchase|procure|construct|create|amend|"
    r"repeal|introduce|launch|implement|change|shut\s*down|discontinue|develop|devolve|file|"
    r"constitute|abolish|merge|upgrade|regularise|regularize|increase|raise|reduce|decrease|"
    r"lift|allow|give|hand\s+over|transfer|rename|declare|initiate|start|hire|recruit|induct|"
    r"restructure|acquire|lease|dissolve|convert|exempt|waive|enhance|revise|notify|propose|run|"
    r"table|organi[sz]e|hold|conduct|deploy|import|export|purchase|procure|award|bring|adopt|"
    r"expand|continue|resume|suspend|reconstitute|amalgamate|endorse|sanction|release|disburse"
)
_AND_TO = re.compile(r"(?:and\s+)?(?:to\s+)?")
_EN_BIZ = re.compile(
    r"\b(?P<verb>"
    r"(?:deliberated|reviewed|discussed|considered|examined)(?:\s+on)?\s+and\s+"
    r"(?:adopted|approved|passed|endorsed)(?:\s+in\s+principle)?|"
    r"(?:studied|study)\s+and\s+(?:implemented|implement|made\s+arrangements\s+for|arrange|"
    r"arranged|plan|planned|deploy|deployed)(?:\s+the\s+work\s+(?:regarding|on|of))?|"
    r"(?:convey(?:ed)?|learn(?:ed)?)\s+and\s+(?:learn(?:ed)?|stud(?:y|ied)|implement(?:ed)?)|"
    r"watched|viewed|"
    r"(?:held|had)\s+(?:(?:lengthy|extensive|detailed|wide-ranging|in-depth|further)\s+)?discussions?\s+(?:on|about|regarding)|"
    r"discuss(?:ed|ing)\s+(?:several\s+|various\s+|a\s+number\s+of\s+|other\s+)?(?:matters|issues|items),?\s+including|"
    r"reported\s+(?:on|about)|(?:discussed\s+and\s+)?(?:took|made)\s+decisions\s+(?:on|about|regarding)|"
    r"(?:study|studied)(?=\s+work\s+deployments?\s)|"
    r"deploy(?:ed)?\s+the\s+implementation\s+of(?:\s+the)?(?=\s+(?:General\s+Secretary|spirit|guiding|important|Xi))|"
    r"convey(?:ed)?(?=\s+the\s+(?:spirit|guiding|important|guidelines?|instructions?))|"
    r"study(?=\s+the\s+(?:spirit|guiding|important|guidelines?|instructions?))|"
    r"(?:heard|hears|received|receives|listened\s+to)\s+(?:a\s+|the\s+|two\s+|several\s+)?"
    r"(?:work\s+)?(?:reports?|briefings?|updates?)\s+(?:on|about|regarding|concerning|from)|"
    r"(?:granted|gave|accorded|given)\s+(?:(?:its|the|final|formal|principle|in-principle|"
    r"principal|ex-post-facto|in\s+principle)\s+)*(?:approval|nod|go-ahead|consent)\s+(?:to|for)|"
    r"made\s+arrangements\s+(?:for|to\s+\w+)|"
    r"decided\s+on|agreed\s+to\s+endorse|(?:decided\s+to\s+)?agree(?:d)?\s+in\s+principle\s+to(?=\s+(?:the|a|an)\s)|decided\s+to\s+(?:refer|table|permit\s+to\s+table|endorse)|"
    r"(?:decided|approved)\s+to(?=\s+(?:" + _ACTION_VERBS + r")\b)|"
    r"permitted\s+to\s+table|"
    r"approved|approves|sanctioned|endorsed|endorses|okayed|adopted|ratified|"
    r"deliberated(?:\s+on)?|reviewed|discussed|discusses|debated|studied|studies|studying|"
    r"mulled|deployed|arranged|assigned|accepted"
    r")(?:,?\s+in\s+principle,?)?\s+",
    re.I,
)
# Who may do the business: the meeting, its members, "It", "which"/"that" after the meeting.
_EN_BIZ_SUBJECT = re.compile(
    r"(?:\b(?:meeting|cabinet|council|government|session|committee|board|ministers|members|"
    r"executive|commission|authority|it|which|that|those\s+at\s+the\s+meeting|also|further|"
    r"has|have|had)\b|^)[\s,]*(?:(?:also|further|then|has|have|had|subsequently|unanimously|"
    r"formally|finally)\s+)*$",
    re.I,
)
_EN_OBJ_END = re.compile(
    r"(?=[\s,.;:])(?:"  # every stop starts at a space or a stop mark: a cheap first test
    r"(?=[.;:])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bNo)(?<!\bRs)(?<!\bSt)(?<!\bCo)(?<!\bProf)"
    r"(?<!\bPvt)(?<!\bLtd)(?<!\bInc)(?<!\bsq)(?<!\bft)[.;:](?=\s|$)|"
    r"\s+and\s+(?=(?:(?:in\s+)?principle\s+|in-principle\s+|final\s+)?(?:approval|sanction)\s+(?:was|were|has)\b|"
    r"it\s+was\s+(?:also\s+)?(?:decided|agreed|approved)\b|(?:principle\s+)?decisions?\s+(?:was|were)\b)|\s+with\s+(?:an?\s+)?(?:view|outlay|budget|total|cost)\b|"
    r"\s+(?:in|at|during)\s+(?:\w+[’']s\s+|the\s+|its\s+|a\s+)?(?:\w+\s+)?(?:meeting|session)\b|"
    r"\s+on\s+condition\b|,?\s+in\s+principle\b|\s+and\s+(?:to\s+)?(?=(?:convey|study|learn)\s+and\s)|\s+and\s+(?=(?:[a-z]+ed|set|gave|made|took|sent|put|held|met|cut)\s)|,\s*(?:which|who|where|saying|while|with\s+a\s+view|so\s+as|in\s+order|"
    r"according|noting|stressing|calling|urging|adding|as\s+part)\b|"
    r"\s+to\s+(?:the\s+)?(?:relevant|various|all|competent)\s+(?:departments|ministries|agencies|units|authorities)\b|"
    r"\s+(?:to\s+ensure|in\s+order\s+to|so\s+as\s+to|with\s+effect\s+from|"
    r"at\s+(?:the|its|a)\s+(?:meeting|session)|during\s+the\s+meeting|on\s+(?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday))\b"
    r")"
)
_EN_LIST_SPLIT = re.compile(
    r"(?<=[’'\"”])\s+and\s+(?=[‘'\"“])|,\s*(?:and\s+|as\s+well\s+as\s+|alongside\s+|while\s+)?|\s+as\s+well\s+as\s+|\s+alongside\s+|"
    r"\s+and\s+(?=(?:the|a|an|its)\s|other\s+(?:matters|issues|business|items|documents|agenda)\b)|(?<=[A-Za-z0-9)])\s+and\s+(?=(?-i:[a-z]+(?:tion|sion|ment|ance|al))\s+of\s)|\s+and\s+(?=(?:deployed|studied|discussed|approved|"
    r"adopted|reviewed|deliberated|arranged|made|heard|decided|endorsed|sanctioned)\b)",
    re.I,
)
_EN_PART_VERB = re.compile(
    r"(?:and\s+)?(?:including\s+)?(?:taking\s+up\s+(?:the\s+)?)?(?:(?:also\s+)?(?:deployed|studied|discussed|approved|adopted|reviewed|"
    r"deliberated(?:\s+on)?|arranged|made\s+arrangements\s+(?:for|to\s+\w+)|heard\s+(?:a\s+)?"
    r"reports?\s+on|decided\s+on|endorsed|sanctioned|okayed|considered)\s+)?"
    r"(?:in\s+principle,?\s+)?(?:(?:the|a|an)\s+)?(?:(?:final\s+)?drafts?\s+of\s+(?=[‘'\"“]))?",
    re.I,
)
_EN_PASSIVE = re.compile(
    r"^(?:(?:(?:During|At|In)\s+(?:the|this|today[’']s)\s+(?:meeting|session)|Meanwhile|Also|"
    r"Additionally|Moreover|Besides|Furthermore|Besides\s+this|In\s+addition|Likewise|Similarly|"
    r"Further|Also\s+at\s+the\s+meeting|Separately),?\s+)?"
    r"(?P<obj>(?:(?:A|An|The)\s+)?(?:[^,;]|,\s+(?:1[89]|20)\d\d\b){3,200}?)\s+"
    r"(?:was|were|has\s+been|have\s+been)\s+"
    r"(?:also\s+)?(?:unanimously\s+)?(?:(?:deliberated|reviewed|discussed)(?:\s+on)?\s+and\s+)?"
    r"(?:approved|adopted|passed|endorsed|deliberated|discussed|sanctioned|ratified|okayed|"
    r"cleared|granted\s+approval|given\s+approval|conveyed\s+and\s+studied|studied|conveyed|"
    r"circulated)\b",
    re.I,
)
# "Attendees of the meeting were briefed on X", "The Cabinet was also informed about X".
_EN_BRIEFED = re.compile(
    r"\b(?:meeting|cabinet|council|attendees|members|ministers|participants|board|committee)\s+"
    r"(?:was|were|has\s+been|have\s+been)\s+(?:also\s+)?(?:briefed|informed|updated|apprised|"
    r"brought\s+up\s+to\s+date)(?:\s+(?:on|about|of|regarding)|\s+by\s+[^.;]{3,160}?\s+(?:on|about|regarding))"
    r"\s+(?:the\s+)?",
    re.I,
)
# "The following social issues were under deliberate discussion: A, B, C, etc."; "The meeting
# reported on the following work: A, B"; "discussions were carried out to develop A, promote B".
_EN_LIST_LEAD = re.compile(
    r"\bfollowing\s+[^:.;]{0,80}?:\s*|\bdiscussions\s+were\s+(?:carried\s+out|held)\s+(?:to|on)\s+|"
    r"^(?:among|of)\s+the\s+(?:topics|issues|matters|items|decisions)\s+(?:discussed|considered|approved|"
    r"taken|decided)\b[^,.;]{0,80}?\s+(?:was|were)\s+(?:the\s+)?|"
    r"^(?:(?:it|the\s+release|the\s+statement)\s+said\s+(?:that\s+)?)?(?:the\s+(?:first|second|third|next|last|other|final)|"
    r"another)(?:\s+(?:decision|item|matter))?\s+(?:taken\s+)?(?:was|concerned|involved)\s+(?:an?\s+|the\s+)?",
    re.I,
)
# "Approval was also granted to X", "and in principle approval was given for X", "Principle
# decision was also taken to X", "It was also decided to X": a decision in the passive, at the
# start of a sentence or of a clause after "and".
_EN_APPROVAL_GRANTED = re.compile(
    r"(?:^|(?<=\band\s)|(?<=,\s))"
    r"(?:(?:Meanwhile|Additionally|Also|Moreover|Besides|Furthermore|Likewise|Similarly|"
    r"(?:During|At|In)\s+the\s+meeting),?\s+)?"
    r"(?:(?:an?|the)\s+)?(?:(?:(?:in\s+)?principle|in-principle|principal|final|formal|ex-post-facto)\s+)?"
    r"(?:(?:approval|sanction|nod|go-ahead|consent)\s+(?:was|has\s+been|were)\s+(?:also\s+)?"
    r"(?:granted|given|accorded|extended)\s+(?:(?:during|at|in)\s+the\s+meeting\s+)?(?:to|for)\s+|"
    r"decisions?\s+(?:was|were|has\s+been)\s+(?:also\s+)?(?:taken|made)\s+(?:(?:during|at|in)\s+"
    r"the\s+meeting\s+)?to\s+|"
    r"it\s+was\s+(?:also\s+|further\s+)?(?:decided|agreed|approved)\s+(?:(?:during|at|in)\s+the\s+"
    r"meeting\s+)?to\s+(?!the\b))",
    re.I,
)
# "The approval of X was also given", "Principle approval of X was given": X is the item.
_EN_APPROVAL_OF = re.compile(
    r"(?:^|(?<=\band\s))(?:(?:the|an?)\s+)?(?:(?:in\s+)?principle\s+|in-principle\s+|principal\s+|"
    r"final\s+|formal\s+)?(?:approval|sanction)\s+(?:of|for)\s+(?:the\s+)?(?P<obj>[^;]{3,250}?)\s+"
    r"(?:was|were|has\s+been)\s+(?:also\s+)?(?:given|granted|accorded)\b",
    re.I,
)
_EN_ARTICLE = re.compile(r"(?:(?:a|an|the)\s+)?", re.I)
_EN_NUMBERED = re.compile(r"[ \t]*\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)]?[ \t]+(?=[A-Z‘'\"“])")
_EN_NOT_ITEM = re.compile(
    r"^(?:It|This|These|They|We|He|She|There|In|On|At|By|For|With|As|To|If|When|While|That|"
    r"All|Every|Each|Efforts|Ensure|Strengthen|Promote|Improve|Accelerate)\b"
)


# Words that refer to business named elsewhere, not an item of their own.
_EN_GENERIC_TITLE = re.compile(
    r"(?:(?:a|the)\s+)?(?:(?:number|series|range|couple)\s+of\s+\w+|reports?|documents?|"
    r"matters|issues|items|it|them|this|these|those|proposals?|the\s+draft|draft|several\s+\w+|"
    r"(?:(?:around|about|some|over|nearly|more\s+than)\s+)?(?:[\w-]+\s+){0,2}(?:agenda\s+)?items|"
    r"\w+\s+major\s+decisions|(?:a\s+)?motion|amendments?|"
    r"(?:implementation|follow-up)\s+measures(?:\s+of\s+(?:our|the)\s+\w+)?)$",
    re.I,
)
_EN_PREPOSITIONS = frozenset(
    "at to on in by from for with as of into under over about after before during".split()
)


def _verb_phrase(title: str) -> bool:
    """Whether an object after "approval to", "decided to" is an action ("make inductions …")."""
    first = re.match(r"[a-z][\w-]*", title)
    # "the formulation of a bill": a noun of action is no verb.
    return first is not None and first.group(0) not in ("the", "a", "an", "its", "their", "draft") and not re.search(
        r"(?:tion|sion|ment|ance|ence|ity|ship|ure|als?)$", first.group(0)
    )


def _action_kind(title: str, why: str) -> tuple[str, str]:
    """An action is "other" unless the noun it acts on (last word before a preposition) is a
    document: "revise the Punjab Police Rules" is a regulation, "make contract inductions" not."""
    head = _HEAD_SPLIT.split(title, maxsplit=1)[0].split()
    kind, kwhy = kind_of_noun(head[-1] if head else title, "en", "other")
    return kind, (kwhy if kind != "other" else why)


def _en_kind(verb: str, title: str) -> tuple[str, str]:
    v = verb.lower()
    if re.match(r"other\s+(?:matters|issues|business|items)\b", title, re.I):
        return "other", "other matters"
    if re.search(r"\bto$", v) and _verb_phrase(title):
        return _action_kind(title, f"cue '{verb.strip()}'")
    if re.match(r"(?:decided|approved)\s+to$", v) or re.match(r"stud(?:y|ied)\s+and\s+(?!implement)", v):
        # "decided to develop a game reserve in …", "studied and arranged the work on X": the
        # business is an action; only a document head noun before the first preposition makes
        # it a document.
        head = _HEAD_SPLIT.split(title, maxsplit=1)[0]
        kind, why = kind_of_noun(head, "en", "other")
        return kind, (why if kind != "other" else f"cue '{verb.strip()}'")
    if re.match(r"other\s+(?:matters|issues|business|items)\b", title, re.I):
        return "other", "other matters"
    if re.match(r"work\s+(?:deployments?|arrangements?|related|on|regarding|concerning|of)\b", title, re.I) and not re.match(
        r"heard|hears|received|receives|listened|reported", v
    ):
        return "other", f"work arranged '{verb.strip()}'"
    if re.match(r"assigned|decided\s+on|arranged|deployed", v):
        # "assigned the 51 key tasks as laid out in the work report": the head decides.
        return _action_kind(title, f"cue '{verb.strip()}'")
    if re.match(r"work\s+(?:deployments?|arrangements?)\b", title, re.I):
        return "other", f"work arranged '{verb.strip()}'"
    if re.match(r"convey|learn|deploy(?:ed)?\s+the\s+implementation", v):
        return "study", f"study cue '{verb.strip()}'"
    if re.match(r"heard|hears|received|receives|listened|reported", v):
        return "report", f"report cue '{verb.strip()}'"
    if re.match(r"(?:policy\s+)?measures\b", title, re.I):
        if re.match(r"stud|mulled|discuss|deliberat|review|consider", v):
            return "study", f"measures studied '{verb.strip()}'"
        return "other", f"measures '{verb.strip()}'"
    kind, why = kind_of(title, "en", "")
    if kind:
        return kind, why
    if re.match(r"stud|mulled", v) or (v.startswith("discuss") and title.lower().startswith("measures")):
        return "study", f"study cue '{verb.strip()}'"
    if v.startswith("reviewed"):
        return "report", f"reviewed '{verb.strip()}'"
    return "other", f"cue '{verb.strip()}'"


def _en_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an object list at commas, 'and the', 'as well as'; capitalised runs stay whole."""
    parts: list[tuple[int, int]] = []
    cur = start
    shared_head = False
    for m in _EN_LIST_SPLIT.finditer(text, start, end):
        nxt = text[m.end() : m.end() + 1]
        before = text[cur : m.start()]
        if text[m.end() : m.end() + 1] == "(":
            continue  # "Act, (No. 17 of 2021)": the bracket belongs to the title
        # "Education, Curriculum, Training & Assessment Authority": a capitalised name.
        if m.group(0).startswith(",") and nxt.isupper() and not re.match(r"(?:The|A|An)\s", text[m.end() :]):
            continue
        if len(before.split()) < 2:
            continue
        # "positions for employees of the district administration, ilaka administration, border
        # administration": short lower-case nouns after a prepositional phrase complete it.
        pp = re.search(r"\b(?:of|for)\s+(?:the\s+)?[a-z][\w-]*(?:\s+([a-z][\w-]*))$", before)
        if m.group(0).startswith(",") and (pp or shared_head):
            nxt_part = re.match(r"(?:and\s+)?([a-z][\w-]*(?:\s+[a-z][\w-]*){0,4})(?=\s*(?:,|$|\.))", text[m.end() : end] + ".")
            if nxt_part and not re.match(r"(?:the|a|an|its|their|other)\b", nxt_part.group(1)) and not (
                set(nxt_part.group(1).split()) & _EN_PREPOSITIONS
            ) and (shared_head or (pp and nxt_part.group(1).split()[-1] == pp.group(1))):
                shared_head = True
                continue
        shared_head = False
        # "the X Bill, 2018 and provision of books": a noun of action after a title opens an item;
        # "the protection and utilization of bio-diversity" is one.
        if not m.group(0).startswith(",") and re.match(r"[a-z]+(?:tion|sion|ment|ance|al)\s+of\s", text[m.end() :]) and not re.search(
            r"(?:\b[A-Z][\w.&-]*|\d|\))$", before
        ):
            continue
        # "luxury products, and those harmful to health": a pronoun continues the title.
        if re.match(r"(?:and\s+)?(?:those|these|them|it|that)\b", text[m.end() :]) or re.match(
            r"(?:those|these|them|it|that)\b", text[m.end() :]
        ):
            continue
        # "measures aimed at stabilizing employment, boosting growth": gerunds continue a title;
        # "Act, 2025" keeps its year.
        # "several regulations, including A": the list named after the general word.
        including = re.match(r"including\b", text[m.end() :]) and _EN_GENERIC_TITLE.match(
            re.sub(r"^(?:and\s+)?(?:\w+\s+and\s+)?(?:adopted|approved|reviewed|took\s+decisions\s+on)\s+", "", before.strip())
        )
        if m.group(0).startswith(",") and not including and re.match(r"(?:and\s+)?[a-z]+ing\b|\d", text[m.end() :]):
            continue
        parts.append((cur, m.start()))
        cur = m.end()
    parts.append((cur, end))
    # "to make inductions in X and make contract inductions in Y": a repeated verb opens a
    # second item.
    split: list[tuple[int, int]] = []
    for p0, p1 in parts:
        first = re.match(r"[a-z]{3,}\b", text[p0:p1])
        if first:
            # ... or another verb of a decided action after an action ("fix A and completely ban B").
            verbs = first.group(0)
            if re.fullmatch(_ACTION_VERBS, verbs):
                verbs = _ACTION_VERBS
            rep = re.search(r"\s+and\s+(?:[a-z]+ly\s+)?(?=(?:" + verbs + r")\s)", text[p0:p1])
            if rep and rep.start() > len(first.group(0)) + 3:
                split.append((p0, p0 + rep.start()))
                p0 += rep.end()
        split.append((p0, p1))
    return split


# Where a business verb may start: every alternative of _EN_BIZ opens with one of these stems,
# so the long pattern is tried only there (same matches as finditer, a fraction of the time).
_EN_BIZ_START = re.compile(
    r"\b(?=delib|revi|disc|cons|exam|stud|conv|lear|watc|view|hear|rece|list|gran|gave|acco|give|"
    r"made|deci|agre|perm|appr|sanc|endo|okay|adop|rati|deba|mull|depl|arra|assi|acce|held|had\b|repo|took)",
    re.I,
)


def _biz_matches(s: str) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    pos = 0
    for c in _EN_BIZ_START.finditer(s):
        if c.start() < pos:
            continue
        m = _EN_BIZ.match(s, c.start())
        if m:
            out.append(m)
            pos = m.end()
    return out


# Cheap gates for the per-sentence patterns (each needs one of these words).
_EN_LIST_OPENERS = (
    "among", "of the", "it said", "the release", "the statement", "the first", "the second",
    "the third", "the next", "the last", "the other", "the final", "another",
)
_EN_BRIEFED_WORDS = ("briefed", "informed", "updated", "apprised", "up to date")


def en_agenda(text: str, sents: list[Piece]) -> list[tuple[str, int, int, str]]:
    out: list[tuple[str, int, int, str]] = []
    for sent in sents:
        s = sent.text
        found_here = False
        for m in _biz_matches(s):
            clause_start = max(s.rfind(c, 0, m.start()) for c in ",;:") + 1
            before = s[clause_start : m.start()]
            if _EN_MODAL_BEFORE.search(before):
                continue
            if re.search(r"\bto\s*$", before) or (found_here and re.fullmatch(r"\s*(?:and\s+)?(?:to\s+)?", before)):
                # "chaired the meeting (in order) to convey and learn …, and (to) study …" — the
                # meeting's purpose.
                if not found_here and not re.search(
                    r"\b(?:meeting|session)\b[^,;]*?\s(?:in\s+order\s+)?to\s*$", s[: m.start()], re.I
                ):
                    continue
                before = ""
            elif re.fullmatch(r"\s*(?:and\s+)?", before) and re.match(r"(?:convey|study|deploy)\b", m.group("verb"), re.I):
                # A bare purpose verb needs the purpose's "to".
                continue
            if re.match(r"\s*that\b|\s*(?:the\s+)?following\b", s[m.end() :]):
                continue  # "reported on the following work: A, B" is read as a list
            if not _EN_BIZ_SUBJECT.search(before.strip()) and not found_here:
                continue
            g0 = sent.start + m.end()
            stop = _EN_OBJ_END.search(text, g0, sent.end)
            g1 = stop.start() if stop else sent.end
            if g1 - g0 < 3:
                continue
            found_here = True
            for p0, p1 in _en_parts(text, g0, g1):
                # "…, and study and arrange the work regarding A, B": another business verb opens
                # its own list (read by its own match).
                again = _AND_TO.match(text, p0, p1)
                start = again.end() if again else p0  # the pattern matches the empty string
                if p0 != g0 and _EN_BIZ.match(text, start, p1) and re.match(
                    r"(?:stud|convey|deploy|learn)", text[start:p1], re.I
                ):
                    break
                lead = _EN_PART_VERB.match(text, p0, p1)
                t0 = lead.end() if lead else p0
                t1 = p1
                while t1 > t0 and text[t1 - 1] in " .,;’'\"”":
                    t1 -= 1
                while t0 < t1 and text[t0] in " ‘'\"“":
                    t0 += 1
                title = text[t0:t1]
                if len(title.split()) < 1 or len(title) < 3 or not re.search(r"[a-z]{3}", title.lower()):
                    continue
                # A part opening with a preposition or another verb ends the list.
                first = title.split(" ", 1)[0]
                if first.lower() in _EN_PREPOSITIONS or first.lower() in ("heard", "hears", "received") or (
                    p0 != g0 and first.islower() and first.endswith("ed")
                ):
                    break
                if _EN_GENERIC_TITLE.match(title) or re.match(r"(?:this|that|the\s+said)\s+(?:item|matter|report)\b", title, re.I):
                    continue
                kind, why = _en_kind(m.group("verb"), title)
                out.append((kind, t0, t1, why))
        # Passive: "A revised draft of X was also deliberated and approved at the meeting."
        low = s.lower()
        passive = " was " in low or " were " in low or " been " in low
        pm = _EN_PASSIVE.match(s) if passive else None
        if (
            pm
            and not _EN_NOT_ITEM.match(pm.group("obj").lstrip("•·-*– \t"))
            and not _EN_MODAL_BEFORE.search(pm.group("obj"))
            and len(pm.group("obj").split()) >= 3
            and not re.search(r"\b(?:where|which|who|that)\b|^\d", pm.group("obj"))
            and not _EN_GENERIC_TITLE.match(pm.group("obj"))
        ):
            t0 = sent.start + pm.start("obj")
            t1 = sent.start + pm.end("obj")
            obj = text[t0:t1]
            art = re.match(r"(?:(?:a|an|the)\s+)?(?:(?:revised|new)\s+)?(?:draft\s+(?:of\s+(?:the\s+)?)?)?", obj, re.I)
            found_article = _EN_ARTICLE.match(obj)
            article = found_article.end() if found_article else 0
            if art and art.end() < len(obj) and re.match(r"draft", obj[art.start():], re.I) is None:
                t0 += article
            elif art:
                t0 += art.end() if re.search(r"draft\s+of", obj[: art.end()], re.I) else article
            if re.search(r"(?:conveyed|studied)\W*$", s[: pm.end()], re.I):
                # "guidelines of recent meetings and documents of X were conveyed and studied"
                out.append(("study", t0, t1, "passive study"))
                continue
            for q0, q1 in _en_parts(text, t0, t1):
                lead = _EN_PART_VERB.match(text, q0, q1)
                q0 = lead.end() if lead and q0 != t0 else q0
                if q1 - q0 >= 3:
                    kind, why = kind_of(text[q0:q1], "en", "other")
                    out.append((kind, q0, q1, f"passive approval, {why}"))
            # "A livestock export company was approved, alongside a reward of Rs 100,000 for …"
            along = re.compile(
                r"(?:\s+(?:at|during|in)\s+the\s+meeting)?,?\s+(?:alongside|along\s+with|together\s+with|"
                r"as\s+well\s+as)\s+(?:(?:a|an|the)\s+)?"
            ).match(text, sent.start + pm.end())
            if along:
                a0 = along.end()
                stop = _EN_OBJ_END.search(text, a0, sent.end)
                a1 = stop.start() if stop else sent.end
                while a1 > a0 and text[a1 - 1] in " .,;":
                    a1 -= 1
                if a1 - a0 >= 3:
                    kind, why = kind_of(text[a0:a1], "en", "other")
                    out.append((kind, a0, a1, f"passive approval, {why}"))
        lm = _EN_LIST_LEAD.search(s) if ("following" in low or "discussions" in low or low.startswith(_EN_LIST_OPENERS)) else None
        if lm and not found_here and not _EN_MODAL_BEFORE.search(s[: lm.start()]):
            g0 = sent.start + lm.end()
            stop = re.search(r",?\s*etc\.?", text[g0 : sent.end])
            g1 = g0 + stop.start() if stop else sent.end
            stop2 = _EN_OBJ_END.search(text, g0, g1)
            g1 = stop2.start() if stop2 else g1
            report = "report" in s[: lm.start()].lower()
            for p0, p1 in _en_parts(text, g0, g1):
                t0, t1 = p0, p1
                while t1 > t0 and text[t1 - 1] in " .,;":
                    t1 -= 1
                if t1 - t0 >= 3:
                    if report:
                        kind, why = "report", "default"
                    elif _verb_phrase(text[t0:t1]) and not re.match(r"\w+(?:ment|ion|al)\b", text[t0:t1]):
                        kind, why = _action_kind(text[t0:t1], "default")
                    else:
                        art = re.match(r"(?:the|an?)\s+", text[t0:t1], re.I)
                        if art:
                            t0 += art.end()
                        head = _HEAD_SPLIT.split(text[t0:t1], maxsplit=1)[0]
                        kind, why = kind_of_noun(head, "en", "")
                        if not kind and re.search(
                            r"\b(?:amendments?|repeal|revision|draft|enactment)$", head, re.I
                        ):
                            # "amendment to the Children's Fund Act": the act amended decides.
                            kind, why = kind_of(text[t0:t1], "en", "other")
                        elif not kind:
                            kind, why = "other", "default"
                    out.append((kind, t0, t1, f"listed business, {why}"))
        for bm in _EN_BRIEFED.finditer(s) if passive and any(w in low for w in _EN_BRIEFED_WORDS) else ():
            if _EN_MODAL_BEFORE.search(s, 0, bm.start()):
                continue
            g0 = sent.start + bm.end()
            stop = _EN_OBJ_END.search(text, g0, sent.end)
            g1 = stop.start() if stop else sent.end
            while g1 > g0 and text[g1 - 1] in " .,;":
                g1 -= 1
            if g1 - g0 >= 3:
                out.append(("report", g0, g1, "briefed on"))
        for om in _EN_APPROVAL_OF.finditer(s) if passive and ("approval" in low or "sanction" in low) else ():
            t0, t1 = sent.start + om.start("obj"), sent.start + om.end("obj")
            kind, why = kind_of(text[t0:t1], "en", "other")
            out.append((kind, t0, t1, f"approval of, {why}"))
        for am in _EN_APPROVAL_GRANTED.finditer(s) if passive else ():
            if _EN_MODAL_BEFORE.search(s, 0, am.start()):
                continue
            g0 = sent.start + am.end()
            stop = _EN_OBJ_END.search(text, g0, sent.end)
            g1 = stop.start() if stop else sent.end
            for p0, p1 in _en_parts(text, g0, g1):
                # "…, and study and arrange the work regarding A, B": another business verb opens
                # its own list (read by its own match).
                again = _AND_TO.match(text, p0, p1)
                start = again.end() if again else p0  # the pattern matches the empty string
                if p0 != g0 and _EN_BIZ.match(text, start, p1) and re.match(
                    r"(?:stud|convey|deploy|learn)", text[start:p1], re.I
                ):
                    break
                lead = _EN_PART_VERB.match(text, p0, p1)
                t0 = lead.end() if lead else p0
                t1 = p1
                while t1 > t0 and text[t1 - 1] in " .,;":
                    t1 -= 1
                if t1 - t0 >= 3:
                    if _verb_phrase(text[t0:t1]):
                        kind, why = _action_kind(text[t0:t1], "default")
                    else:
                        kind, why = kind_of(text[t0:t1], "en", "other")
                    out.append((kind, t0, t1, f"approval granted, {why}"))
    return out


# Council minutes: "Report No. 4 of The Administration Committee", "the Minutes of the
# Council meeting held on the 24th … 2003".
_EN_COUNCIL_ITEM = re.compile(
    r"\b(?P<t>Report\s+No\.\s*\d+\s+of\s+[Tt]he\s+[A-Z][^,.;\n]{3,80}|"
    r"[Mm]inutes\s+of\s+(?:the\s+)?(?:[A-Z]\w*\s+|[a-z]+\s+){0,4}(?:meetings?|session)s?"
    r"\s+(?:of\s+(?:the\s+)?[A-Z][\w ]{2,40}?\s+)?held\s+on\s+"
    r"(?:[^.;\n]{3,80}?\d{4}|[^,.;\n]{3,60}?(?=\s+(?:were|was|be|and|as)\b|[,.;\n])))"
)


# Council and cabinet decision pages printed from agenda systems: each item is a heading line
# with its papers ("Declarations of Interest pdf icon PDF 55 KB"), and the standing items read
# "To receive any apologies for absence."
_EN_PAPER_HEADING = re.compile(
    r"(?m)^[ \t]*(?:\d{1,3}[.)]?[ \t]+)?(?P<t>[A-Z][^\n]{2,150}?)[ \t]+pdf icon[ \t]+PDF[ \t]+[\d.]+[ \t]*[KM]B[ \t]*$"
)
_EN_STANDING_ITEM = re.compile(
    r"(?m)^[ \t]*To[ \t]+receive[ \t]+(?:any[ \t]+)?(?P<t>apologies[ \t]+for[ \t]+absence|declarations?[ \t]+of[ \t]+interests?)"
)


def en_council_items(text: str, body_start: int = 0) -> list[tuple[str, int, int, str]]:
    out = []
    for m in _EN_COUNCIL_ITEM.finditer(text, body_start):
        out.append(("report", m.start("t"), m.end("t"), "council report or minutes"))
    for m in _EN_PAPER_HEADING.finditer(text, body_start):
        title = m.group("t")
        after = text[m.end() : m.end() + 300]
        if re.match(r"(?:Record\s+of\s+(?:Decisions|the\s+meeting)|Minutes)\b", title) or re.search(
            r"^\s*To\s+(?:consider|receive|note)\s+the\s+(?:attached\s+)?report\b", after
        ):
            kind, why = "report", "heading with papers, a report"
        else:
            kind, why = kind_of(title, "en", "other")
            why = f"heading with papers, {why}"
        out.append((kind, m.start("t"), m.end("t"), why))
    for m in _EN_STANDING_ITEM.finditer(text, body_start):
        out.append(("other", m.start("t"), m.end("t"), "standing item"))
    return out


def en_numbered(text: str, body_start: int = 0) -> list[tuple[str, int, int, str]]:
    """Numbered decisions, one item per line: '3 Prevention of obesity among School Children'."""
    out: list[tuple[str, int, int, str]] = []
    pos = body_start
    lines: list[tuple[int, int]] = []
    for m in re.finditer(r"\n", text[body_start:]):
        lines.append((pos, body_start + m.start()))
        pos = body_start + m.end()
    lines.append((pos, len(text)))
    numbered = [(a, b) for a, b in lines if _EN_NUMBERED.match(text, a, b)]
    if len(numbered) < 2:
        return out
    for a, b in numbered:
        heading = _EN_NUMBERED.match(text, a, b)
        if heading is None:  # cannot happen: `numbered` holds the lines it matched
            continue
        t0 = heading.end()
        body = text[t0:b]
        if _EN_NOT_ITEM.match(body):
            continue
        # "(b) Councillor Cho filed a petition …": the item is what was filed.
        filed = _EN_FILED.match(body)
        if filed:
            t0 += filed.end()
            body = text[t0:b]
        if body.split(" ", 1)[0].lower() in _EN_IMPERATIVE_ITEMS:
            continue
        # "City Council adopt the following …": a recommendation's operative clause, not an
        # item; "60 Snyder's Road West": an address.
        if re.match(r"(?:City\s+|Town\s+)?Council\s+(?:adopt|approve|request|direct|authorize|authorise|"
                    r"receive|amend|refer|endorse|delegate)\b", body) or re.match(
            r"[^.\n]{0,40}\b(?:Road|Street|Avenue|Drive|Lane|Boulevard|Crescent|Court)(?:\s+(?:North|South|East|West))?\s*$", body
        ):
            continue
        # The first sentence of the line (decision headings rarely run on); where the line
        # runs on, the sentence up to its first comma ("X has been appointed to Y, with effect …").
        end = re.search(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z])[.!?](?=\s+[A-Z]|\s*$)", body)
        t1 = t0 + (end.start() if end else len(body))
        if end and body[end.end() :].strip():
            comma = text.find(", ", t0, t1)
            if comma > 0 and len(text[t0:comma].split()) >= 4:
                t1 = comma
        while t1 > t0 and text[t1 - 1] in " \t-–,:;.":
            t1 -= 1
        pdf = re.search(r"\s+pdf icon.*$", text[t0:t1], re.I)
        if pdf:
            t1 = t0 + pdf.start()
        # "Human Resources Matter - Section 239 (2) (b) personal matters …": the heading.
        ref = re.search(r"\s+[-–]\s+(?:Section|s\.|By-law|Bylaw|Report|File)\b", text[t0:t1])
        if ref:
            t1 = t0 + ref.start()
        if t1 - t0 < 3 or len(text[t0:t1].split()) > 60:
            continue
        kind, why = _decision_kind(text[t0:t1])
        out.append((kind, t0, t1, f"numbered decision, {why}"))
    return out


_EN_ON_DOCUMENT = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:proposed\s+)?(?:amendments?|repeal|revision|draft(?:ing)?|enactment|signing|"
    r"entering\s+into|accession|ratification|adoption|approval|formulation|preparation|introduction|"
    r"making|issuing|publication|gazetting|renewal|extension|conclusion|execution)\b",
    re.I,
)


def _decision_kind(title: str) -> tuple[str, str]:
    """A decision heading's kind: its head noun (before the first preposition), or the document
    it acts on when the head is an act on a document ("Amendment of the X Act", "Signing of a
    Memorandum …"); "Implementation of the X Programme" is an action: 'other'."""
    head = _HEAD_SPLIT.split(title, maxsplit=1)[0]
    kind, why = kind_of_noun(head, "en", "")
    if kind:
        return kind, why
    if _EN_ON_DOCUMENT.match(title) or head == title:
        return kind_of(title, "en", "other")
    return "other", "default (an action)"


_EN_FILED = re.compile(
    r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}\s+(?:filed|submitted|presented|tabled)\s+"
    r"(?:with\s+the\s+[^,]{3,40},\s*)?(?:a\s+copy\s+of\s+)?(?:an?\s+|the\s+)?"
)
_EN_IMPERATIVE_ITEMS = frozenset(
    """accelerate actively adhere advance boost build carry comprehensively consolidate continue
    deepen develop do earnestly effectively enhance ensure establish expand firmly focus foster
    fully further implement improve increase intensify keep launch maintain make optimize
    optimise promote push raise reduce reinforce resolutely safeguard speed stabilize stabilise
    steadily strengthen strictly strive support take uphold vigorously""".split()
)


# "On Thursday, Cabinet agreed to the following:" then bullet lines, one decision each.
_EN_BULLET_INTRO = re.compile(
    r"\b(?:agreed|approved|decided|decisions?|considered|noted|deliberated)\b[^.\n]{0,80}\bfollowing\b[^.\n]{0,40}:[ \t]*$",
    re.I | re.M,
)
_EN_BULLET = re.compile(r"[ \t]*[•·▪●■◦\-–*][ \t]+")
_EN_BULLET_VERB = re.compile(
    r"(?:To|to)\s+(?:(?:support|accept|endorse|approve|adopt|agree\s+to|note|consider|debate|receive)\s+"
    r"(?:the\s+)?(?:recommendations?|proposals?|request)\s+(?:of|from|by)\s+[^.]{3,200}?\s+(?=to\s+[a-z]))?"
    r"(?:to\s+(?=[a-z]))?"
)
_EN_BULLET_BUSINESS = re.compile(
    r"(?:debate|consider|note|receive|approve|adopt|endorse|accept|agree\s+to|support|ratify)\s+(?:the\s+|an?\s+)?",
    re.I,
)


def en_bulleted(text: str, body_start: int = 0) -> list[tuple[str, int, int, str]]:
    """Items of a bulleted decision list after an intro line naming what was decided."""
    if "following" not in text:
        return []
    out: list[tuple[str, int, int, str]] = []
    for intro in _EN_BULLET_INTRO.finditer(text, body_start):
        if intro.end() < len(text) and text[intro.end() : intro.end() + 1] not in "\n\r":
            continue
        pos = text.find("\n", intro.end()) + 1
        seen = 0
        while 0 < pos < len(text):
            nl = text.find("\n", pos)
            b = len(text) if nl < 0 else nl
            line = text[pos:b]
            bm = _EN_BULLET.match(line)
            if not line.strip() or re.match(r"[ \t]*o[ \t]", line):
                pass  # blank lines and sub-bullets ("o To review …") belong to the item
            elif bm:
                seen += 1
                out.extend(_en_bullet_items(text, pos + bm.end(), b))
            elif seen:
                break
            else:
                break
            if nl < 0:
                break
            pos = nl + 1
    return out


def _en_bullet_items(text: str, a: int, b: int) -> list[tuple[str, int, int, str]]:
    end = re.search(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z])(?<!\bNo)[.!?](?=\s+[A-Z]|\s*$)", text[a:b])
    t1 = a + (end.start() if end else b - a)
    lead = _EN_BULLET_VERB.match(text, a, t1)
    t0 = lead.end() if lead else a
    out: list[tuple[str, int, int, str]] = []
    # "To debate the X Bill 2015 and to the establishment of Y": two items.
    bounds = [t0]
    for m in re.finditer(r"\s+and\s+to\s+(?:the\s+)?(?=\S)", text[t0:t1]):
        bounds.extend([t0 + m.start(), t0 + m.end()])
    bounds.append(t1)
    for q0, q1 in zip(bounds[::2], bounds[1::2], strict=True):
        biz = _EN_BULLET_BUSINESS.match(text, q0, q1)
        if biz and lead and lead.end() == q0:
            q0 = biz.end()  # "debate the X Bill": the bill is the item
        art = re.match(r"(?:the|an?)\s+", text[q0:q1], re.I)
        if art:
            q0 += art.end()
        while q1 > q0 and text[q1 - 1] in " \t,;:.":
            q1 -= 1
        title = text[q0:q1]
        if len(title.split()) < 2 or len(title.split()) > 40:
            continue
        if _verb_phrase(title):
            kind, why = _action_kind(title, "default (an action)")
        else:
            kind, why = _decision_kind(title)
        out.append((kind, q0, q1, f"bulleted decision, {why}"))
    return out
