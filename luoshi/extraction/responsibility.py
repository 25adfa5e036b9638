"""Who carries out a directive: its lead units and cooperating units, as the text names them.

Lead: 牵头, 负责, 主办, "牵头单位：…", or the named subject of 要/必须 ("市发展改革委要…");
English "X shall/must …", "led by X", "X will take the lead". Cooperating: 会同, 配合,
协同, 协助, "配合单位：…"; "together with X", "in cooperation with X", "assisted by X".
Generic subjects (各地各部门, 有关部门, relevant departments) are not units. Names are
returned exactly as written, with their spans in the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .directives import _ZH_VERBS
from .model import Span

# A Chinese unit name ends with one of these. 委 is not 委员会's first character, 办 not
# 办公室's or 办法's, 部 not 部门 (a generic word) or 部署 (a verb).
_ZH_SUFFIX = (
    r"(?:委员会|委員會|管委会|管委會|委(?!员|員)|办公厅|办公室|辦公廳|辦公室|办(?![公法理好事结])|辦(?![公法理好事結])"
    r"|(?<!布)局(?!面|势|勢)|厅|廳|部门|部門|部(?![门門署分])|署(?!名)|[处處](?![理置于於罚罰分处處])|室(?![内內外])"
    r"|法院|检察院|檢察院|研究院|院(?!校)|中心|人民政府|政府|集团|集團|公司|分行|银行|銀行|总队|總隊|支队|支隊|大队|大隊)"
)
# What may follow a unit name: a separator, a modal or a role word, or a verb (simplified
# and traditional).
_ZH_AFTER = (
    r"(?=[、，,；;。和及与與同等要须需應应务務牵牽负負主配协協会會联聯共按抓做加推落开開制组組研完在对對于於将將把进進切认認统統"
    r"督指编編起修拟擬梳摸实實提出建健强強优優深严嚴全持确確积積结結围圍聚着扎狠紧緊压壓守筑扩擴高精有稳穩集突牢毫织織增促巩鞏"
    r"依广廣迅奋奮力勇敢树樹扛鼓引支举舉尽盡邀掌横橫规規检檢责責发發续續维維执執审審召安]|$)"
)
_ZH_UNIT = re.compile(r"[\u4e00-\u9fff]{1,16}?" + _ZH_SUFFIX + _ZH_AFTER)
_ZH_SEP = re.compile(r"[、，,]|和|以及|及|与|與|同")
_ZH_GENERIC = re.compile(
    r"^(?:各|有关|有關|相关|相關|其他|其它|所有|全[省市县縣区區]|各级|各級|本级|本級|上级|上級|下级|下級|我[省市县縣区區]"
    r"|职能|職能|主管|行业|行業|责任|責任)|^(?:部门|部門|单位|單位|政府)$"
    r"|(?:各|有关|有關|相关|相關|其他|所有|直属|直屬)[^、]{0,3}(?:部门|部門|单位|單位)$"
)
_ZH_GENERIC_WORDS = re.compile(
    r"(?:各地)?各(?:有关|有關|相关|相關)?(?:部门|部門|单位|單位)|(?:有关|有關|相关|相關)(?:部门|部門|单位|單位)"
)
# A verb phrase ending in a suffix ("坚持以人民为中心") is not a name.
_ZH_NOT_A_NAME = re.compile(
    r"[以为為的之把被将將从從]|^(?:要|必须|必須|须|須|应|應|需|务必|務必|并|並|在|对|對|把|"
    + "|".join(sorted(_ZH_VERBS, key=len, reverse=True)) + ")"
)
# 由/请/责成/要求/指示 X …: X is asked to act, so X leads.
_ZH_BY = re.compile(r"由(?![于於此])|请|請|责成|責成|要求|指示")
_ZH_TAIL = re.compile(r"等(?:有关|有關|相关|相關)?(?:部门|部門|单位|單位|地区|地區|机构|機構)?")
_ZH_MODAL = r"(?:要|必须|必須|务必|務必|应当|應當|应|應|须|須|需要|需)"
_ZH_LEAD_WORD = r"(?:牵头(?:负责)?|牽頭(?:負責)?|负责|負責|主办|主辦|主责|主責|统筹|統籌)"
_ZH_COOP_WORD = r"(?:配合|协同|協同|协助|協助|协办|協辦|参与|參與)"
_ZH_JOINT = r"(?:会同|會同|协同|協同|联合|聯合|邀集|邀请|邀請)"
_ZH_OPENER = re.compile(
    r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十][，,、]?|同时|此外|另外|并且|并|其中|"
    r"今年|明年|下一步|近期|当前|目前|今后|年内|"
    r"[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．])[，,、]?"
)
_ZH_ROLE_LABEL = re.compile(
    r"(?P<role>牵头单位|责任单位|主办单位|承办单位|主责单位|配合单位|协办单位|参与单位)\s*[:：为是]\s*"
)

_EN_HEAD = (
    r"(?:Department|Bureau|Commission|Office|Ministry|Agency|Authority|Administration|Committee|"
    r"Council|Government|Corporation|Board|Service|Centre|Center|Division|Directorate|Secretariat|"
    r"Police|Court|Bank|Institute|Team|Group|Unit|Taskforce|Task\s+Force)s?"
)
_EN_CAP = r"(?:[A-Z][A-Za-z'’&-]*|\d+)"
_EN_LINK = r"(?:of|and|for|on|the|in|de)"
_EN_RIGHT = (
    rf"(?:\s+(?:of\s+|the\s+)*|\s+(?:and|&)\s+(?!(?:the\s+)?(?:{_EN_CAP}\s+){{0,4}}{_EN_HEAD}\b)){_EN_CAP}"
)
_EN_UNIT = re.compile(
    rf"(?:(?:the|The)\s+)?(?P<name>(?:{_EN_CAP}\s+(?:{_EN_LINK}\s+)*)*?{_EN_HEAD}\b"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_EN_CAP}(?:{_EN_RIGHT})*)?)"
)
_EN_LIST_SEP = re.compile(r"\s*(?:,\s*and|,|and|&)\s+")
_EN_MODAL = re.compile(
    r"\s*(?:,\s*[^,]{0,80},\s*)?(?:will|shall|must|should|is\s+to|are\s+to|needs?\s+to|is\s+required\s+to|"
    r"are\s+required\s+to|is\s+responsible\s+for|are\s+responsible\s+for|(?:will\s+|shall\s+)?(?:take|takes)\s+the\s+lead|"
    r"(?:will\s+|shall\s+)?leads?\b|was\s+(?:asked|directed|instructed|tasked)\s+to|were\s+(?:asked|directed|instructed|tasked)\s+to)",
    re.I,
)
_EN_LED_BY = re.compile(r"\b(?:led\s+by|under\s+the\s+lead(?:ership)?\s+of|headed\s+by)\s+", re.I)
_EN_COOP = re.compile(
    r"\b(?:(?:together|jointly|in\s+(?:cooperation|collaboration|coordination|conjunction|consultation|partnership))\s+with|"
    r"assisted\s+by|supported\s+by|with\s+the\s+(?:support|assistance|cooperation)\s+of)\s+",
    re.I,
)


@dataclass(frozen=True)
class UnitMention:
    name: str
    span: Span


@dataclass(frozen=True)
class Responsibility:
    lead: tuple[UnitMention, ...] = ()
    cooperating: tuple[UnitMention, ...] = ()
    why: str = ""


def _zh_list(text: str, pos: int, whole_to: int | None = None) -> tuple[list[UnitMention], int] | None:
    """Unit names from `pos` separated by 、/和/及 (an optional 等…部门 tail); None if the text
    at `pos` is not a unit. With `whole_to`, the list must cover text[pos:whole_to] exactly."""
    units: list[UnitMention] = []
    generic = False
    i = pos
    limit = len(text) if whole_to is None else whole_to
    while True:
        m = _ZH_UNIT.match(text, i, limit) if whole_to is not None else _ZH_UNIT.match(text, i)
        if m is None or m.end() > limit:
            if units and whole_to is None:
                break
            # "有关部门"/"各地各部门" do not parse as units but may sit in a list.
            g = _ZH_GENERIC_WORDS.match(text, i, limit)
            if g is None:
                break
            generic = True
            i = g.end()
        else:
            name = m.group(0)
            if _ZH_NOT_A_NAME.search(name):
                break
            if _ZH_GENERIC.search(name):
                generic = True
            else:
                units.append(UnitMention(name, (m.start(), m.end())))
            i = m.end()
        sep = _ZH_SEP.match(text, i, limit)
        if sep is None:
            break
        if not (_ZH_UNIT.match(text, sep.end()) or re.match(r"(?:有关|相关|各)", text[sep.end():sep.end() + 2])):
            break
        i = sep.end()
    tail = _ZH_TAIL.match(text, i, limit)
    if tail and (units or generic) and tail.end() > i:
        i = tail.end()
    if whole_to is not None and i != whole_to:
        return None
    if not units and not generic:
        return None
    return units, i


def _zh_responsibility(text: str) -> Responsibility:
    lead: list[UnitMention] = []
    coop: list[UnitMention] = []
    bare: list[UnitMention] = []
    whys: list[str] = []

    def add(target: list[UnitMention], found: list[UnitMention]) -> None:
        for unit in found:
            if all(u.name != unit.name for u in lead + coop):
                target.append(unit)

    # "牵头单位：市住建局；配合单位：市财政局、市自然资源局" (会议纪要 and ledgers).
    for m in _ZH_ROLE_LABEL.finditer(text):
        parsed = _zh_list(text, m.end())
        if parsed:
            cooperating = m.group("role") in ("配合单位", "协办单位", "参与单位")
            add(coop if cooperating else lead, parsed[0])
            whys.append(m.group("role"))
    # Clause by clause: "由X牵头，Y配合", "X要会同Y…", "X要牵头…", "Y要配合X…".
    pos = 0
    for piece in re.split(r"([，,；;。：:])", text):
        start, pos = pos, pos + len(piece)
        if not piece or piece in "，,；;。：:":
            continue
        opener = _ZH_OPENER.match(piece)
        i = start + (opener.end() if opener else 0)
        # 由/请/责成 X …: X is asked to act, so X leads.
        by_word = _ZH_BY.match(text, i)
        by = by_word is not None
        if by_word:
            i = by_word.end()
        parsed = _zh_list(text, i)
        if parsed is None:
            # "会同X", "协助X" inside a clause whose subject was named before.
            for m in re.finditer(rf"{_ZH_JOINT}|协助|協助", piece):
                inner = _zh_list(text, start + m.end())
                if inner and (lead or whys):
                    add(coop, inner[0])
                    whys.append(m.group(0))
            continue
        units, after = parsed
        rest = text[after:pos]
        modal = re.match(_ZH_MODAL, rest)
        verb_at = modal.end() if modal else 0
        word = re.match(_ZH_COOP_WORD, rest[verb_at:])
        if word:
            # "Y配合", "Y要配合X做好…": Y cooperates, X (if named) leads.
            add(coop, units)
            whys.append("配合")
            inner = _zh_list(text, after + verb_at + word.end())
            if inner:
                add(lead, inner[0])
            continue
        if not units:
            continue
        lead_word = re.match(_ZH_LEAD_WORD, rest[verb_at:])
        if by or lead_word or modal or re.match(_ZH_JOINT, rest):
            add(lead, units)
            whys.append("由…牵头" if by else "牵头/负责" if lead_word else
                        "subject of " + modal.group(0) if modal else "subject")
        else:
            # A unit opening a clause without 要 ("警察局與交旅局研究改進方案") acts too: it
            # leads when nobody else is named to, and cooperates otherwise.
            bare.extend(u for u in units if u not in bare)
        for m in re.finditer(_ZH_JOINT, rest):
            inner = _zh_list(text, after + m.end())
            if inner:
                add(coop, inner[0])
                whys.append(m.group(0))
    if bare:
        add(coop if lead else lead, bare)
        whys.append("subject")
    return Responsibility(tuple(lead), tuple(coop), ", ".join(dict.fromkeys(whys)))


# "the Measures for the Administration of …" is a document, not a unit; a lone plural head
# ("Directorates must …") is every such body, as generic as "relevant departments".
_EN_DOCUMENT = re.compile(
    r"^(?:Draft\s+)?(?:Measures|Regulations?|Rules|Plan|Opinions?|Guidelines?|Law|Provisions|Notice|"
    r"Decision|Programme|Program|Scheme|Strategy|Outline|Implementation|Action|Report|Bill|Act)\b"
)


def _en_unit(text: str, pos: int) -> re.Match[str] | None:
    m = _EN_UNIT.match(text, pos)
    if m is None or _EN_DOCUMENT.match(m.group("name")) or " " not in m.group("name"):
        return None
    return m


def _en_list(text: str, pos: int) -> tuple[list[UnitMention], int] | None:
    units: list[UnitMention] = []
    i = pos
    while True:
        m = _en_unit(text, i)
        if m is None:
            break
        units.append(UnitMention(m.group("name"), (m.start("name"), m.end("name"))))
        i = m.end()
        sep = _EN_LIST_SEP.match(text, i)
        if sep is None or not _en_unit(text, sep.end()):
            break
        i = sep.end()
    return (units, i) if units else None


# "the Ministry of Finance and other relevant departments should …": the named ones lead.
_EN_TAIL = re.compile(
    r"\s*,?\s*(?:and|as\s+well\s+as)\s+(?:the\s+)?(?:other\s+)?(?:relevant\s+|related\s+|concerned\s+)?"
    r"(?:departments|agencies|authorities|units|bodies|ministries|organi[sz]ations)(?:\s+concerned)?\b",
    re.I,
)


def _en_responsibility(text: str) -> Responsibility:
    lead: list[UnitMention] = []
    coop: list[UnitMention] = []
    whys: list[str] = []
    opener = re.match(r"\s*(?:(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|meanwhile|moreover)[,\s]+)?", text, re.I)
    start = opener.end() if opener else 0
    parsed = _en_list(text, start)
    if parsed:
        tail = _EN_TAIL.match(text, parsed[1])
        parsed = (parsed[0], tail.end() if tail else parsed[1])
    if parsed and _EN_MODAL.match(text, parsed[1]):
        lead.extend(parsed[0])
        whys.append("subject of the modal")
    for m in _EN_LED_BY.finditer(text):
        found = _en_list(text, m.end())
        if found:
            lead.extend(u for u in found[0] if u not in lead)
            whys.append(m.group(0).strip())
    for m in _EN_COOP.finditer(text):
        found = _en_list(text, m.end())
        if found:
            coop.extend(u for u in found[0] if u not in lead and u not in coop)
            whys.append(m.group(0).strip())
    return Responsibility(tuple(lead), tuple(coop), ", ".join(dict.fromkeys(whys)))


# A unit name ends in one of these characters (or an English head noun): a directive with
# none of them names no unit, and most directives are done at once.
_ZH_TRIGGER = re.compile(r"[会委局厅办室部署院心府团司行队]")
_EN_TRIGGER = re.compile(_EN_HEAD)


def find_responsibility(text: str, lang: str | None) -> Responsibility:
    """Lead and cooperating units named in one directive's text."""
    if lang == "zh":
        return _zh_responsibility(text) if _ZH_TRIGGER.search(text) else Responsibility()
    return _en_responsibility(text) if _EN_TRIGGER.search(text) else Responsibility()
