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
from .hant import to_simplified
from .model import Span

# A Chinese unit name ends with one of these. 委 is not 委员会's first character, 办 not
# 办公室's or 办法's, 部 not 部门 (a generic word), 部署 (a verb) or 干部 (cadres), 局 not
# 开局/大局/格局, 署 not 部署. The patterns run over text folded to simplified characters.
_ZH_SUFFIX = (
    r"(?:委员会|委員會|管委会|管委會|委(?!员|員)|办公厅|办公室|辦公廳|辦公室|办(?![公法理好事结])|辦(?![公法理好事結])"
    r"|(?<![布开好大格结胜败残出入骗赌饭变当全])局(?!面|势|勢)|厅|廳|部门|部門"
    r"|(?<![干全内外头细底顶背腹胸])部(?![门門署分])|(?<!部)署(?!名)|(?<![实到好益长短难用此何之深远近高低住去相共出])[处處](?![理置于於罚罰分处處])|室(?![内內外])"
    r"|法院|检察院|檢察院|研究院|院(?!校)|中心|人民政府|政府|集团|集團|公司|分行|银行|銀行|总队|總隊|支队|支隊|大队|大隊)"
)
# What may follow a unit name: a separator, a modal or a role word, or a verb (simplified
# and traditional).
_ZH_AFTER = (
    r"(?=[、，,；;。和及与與同等要须需應应务務牵牽负負主配协協会會联聯共按抓做加推落开開制组組研完在对對于於将將把进進切认認统統"
    r"督指编編起修拟擬梳摸实實提出建健强強优優深严嚴全持确確积積结結围圍聚着扎狠紧緊压壓守筑扩擴高精有稳穩集突牢毫织織增促巩鞏"
    r"依广廣迅奋奮力勇敢树樹扛鼓引支举舉尽盡邀掌横橫规規检檢责責发發续續维維执執审審召安可]|办理|辦理|$"
    r"|[（(](?:[牵牽][头頭]|主责|主責|负责|負責|配合|协办|協辦|参与|參與)[)）])"
)
_ZH_UNIT = re.compile(r"[\u4e00-\u9fff]{1,16}?" + _ZH_SUFFIX + _ZH_AFTER)
# A later member of a list ("行政处、交旅局与文化处仿效…") may be followed by any verb.
_ZH_UNIT_IN_LIST = re.compile(r"[\u4e00-\u9fff]{1,10}?" + _ZH_SUFFIX)
_ZH_SEP = re.compile(r"[、，,]|和|以及|及|与|與|同")
# "市住建局（牵头）、市财政局按职责分工负责": the role written after a name in a list.
_ZH_ROLE_MARK = re.compile(r"[（(](?P<role>[牵牽]头|主责|负责|配合|协办|参与)[)）]")
_ZH_MARK_LEADS = ("牵头", "牽头", "主责", "负责")
_ZH_GENERIC = re.compile(
    r"^(?:各|有关|有關|相关|相關|其他|其它|所有|全[省市县縣区區]|各级|各級|本级|本級|上级|上級|下级|下級|我[省市县縣区區]"
    r"|职能|職能|主管|行业|行業|责任|責任|其)|^(?:部门|部門|单位|單位|政府)$|各"
    r"|(?:各|有关|有關|相关|相關|其他|所有|直属|直屬)[^、]{0,3}(?:部门|部門|单位|單位)$"
)
_ZH_GENERIC_WORDS = re.compile(
    r"(?:各地)?各(?:有关|有關|相关|相關)?(?:部门|部門|单位|單位)|(?:有关|有關|相关|相關)(?:部门|部門|单位|單位)"
)
# A verb phrase ending in a suffix ("坚持以人民为中心", "周密安排部署", "统一到中央和市委")
# is not a name, and neither is one holding a modal ("安全生产工作需行业主管部门").
_ZH_NOT_A_NAME = re.compile(
    r"[以为的之把被将从了是]|已经|问题|需|须|(?<![重主纪])要|应(?!急)|"
    # "年底前报区政府", "会同区公安分局": a time limit or a joint cue is no part of a name.
    r"前报|底前|日前|[天周月年]内|^报|修改|完善|审定|备案|^(?:会同|协同|联合|配合|协助)|"
    r"^(?:务必|并|在|对|把|与|和|及|呈|提请|周密|紧紧|"
    r"统一|实现|开好|明确|"
    + "|".join(sorted(_ZH_VERBS, key=len, reverse=True)) + ")"
)
# 由/请/责成/要求/指示 X …: X is asked to act, so X leads. The cue may come after a few
# words of its own ("明确由区委办牵头", "王县长也责成行政处…", "县长要求工务处…").
_ZH_BY = re.compile(r"由(?![于於此])|请|請|责成|責成|要求|指示")
_ZH_BY_ANY = re.compile(r"(?<![自理缘事来经])由(?![于此])|(?<![提申邀聘])请|责成|(?<![按照据])要求|指示")
_ZH_BY_REACH = 10
# 责成副县长陈冠人…: a named official is asked to act (after a cue only).
_ZH_PERSON = re.compile(
    r"副?(?:县长|市长|区长|镇长|乡长|省长|局长|处长|主任|秘书长|书记)[\u4e00-\u9fff]{2,3}?"
    r"(?=[于在要负牵，,、将对就召督协会])"
)
_ZH_TAIL = re.compile(r"等(?:有关|有關|相关|相關)?(?:部门|部門|单位|單位|地区|地區|机构|機構)?")
_ZH_MODAL = r"(?:要|必须|必須|务必|務必|应当|應當|应|應|须|須|需要|需)"
_ZH_LEAD_WORD = r"(?:牵头(?:负责)?|牽頭(?:負責)?|负责|負責|主办|主辦|主责|主責|统筹|統籌)"
_ZH_COOP_WORD = r"(?:配合|协同|協同|协助|協助|协办|協辦|参与|參與)"
_ZH_JOINT = r"(?:会同|會同|协同|協同|联合|聯合|邀集|邀请|邀請|(?:横向)?联系)"
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
    r"Police|Court|Bank|Institute|Team|Group|Unit|Taskforce|Task\s+Force|"
    # office-holders who are told to act ("the Prime Minister was authorised to", "the City
    # Manager was directed to", "the Portfolio Holder for Communities"); alone ("the
    # Minister") they name nobody in particular and are not taken.
    r"Minister|Secretary|Commissioner|Director|Manager|Clerk|Holder|Officer|Governor|Mayor|Treasurer|"
    r"Attorney[-\s]General|Solicitor[-\s]General|Auditor[-\s]General)s?"
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
    r"(?:will\s+|shall\s+)?leads?\b|"
    r"(?:was|were|is|are|has\s+been|have\s+been|had\s+been|be|being)\s+(?:also\s+)?(?:asked|directed|instructed|tasked|"
    r"mandated|authori[sz]ed|requested|charged|assigned|empowered|required|called\s+upon|urged)\s+(?:to|with)\b)",
    re.I,
)
# "under the leadership of the Party Committee" is political leadership, not a task's lead.
_EN_LED_BY = re.compile(r"\b(?:led\s+by|under\s+the\s+lead\s+of|headed\s+by|chaired\s+by|convened\s+by)\s+", re.I)
# Someone told to act: "directed the Ministry of Health to", "granted approval to the P&D
# Board and Transport Department to", "asked the City Manager to report".
_EN_TOLD = re.compile(
    r"\b(?:directed|instructed|asked|requested|authori[sz]ed|tasked|mandated|charged|empowered|urged|"
    r"called\s+(?:on|upon)|(?:granted|gave|given)\s+(?:its\s+)?approval\s+to|assigned)\s+(?=(?:the\s+)?[A-Z])"
)
# "The council directed staff to …": the council's own staff act (named as the text does).
_EN_STAFF = re.compile(
    r"\b(?:directed|instructed|asked|requested|authori[sz]ed|tasked)\s+(?P<name>(?:(?:City|Town|County|Village|Council)\s+)?staff)"
    r"\s+to\b"
)
_EN_TOLD_TO = re.compile(r"\s*,?\s*(?:to|with)\b")
# "A report from the Core Committee will be ready by …": the body that delivers leads.
_EN_FROM = re.compile(
    r"\s*(?:(?:a|an|the)\s+)?(?:final\s+|full\s+|detailed\s+)?(?:report|plan|proposal|recommendations?|"
    r"paper|submission|review|assessment)s?\s+(?:from|by)\s+",
    re.I,
)
_EN_COOP = re.compile(
    r"\b(?:(?:together|jointly|in\s+(?:cooperation|collaboration|coordination|conjunction|consultation|partnership))\s+with|"
    r"assisted\s+by|supported\s+by|with\s+the\s+(?:support|assistance|cooperation)\s+of|"
    r"(?:work|working|cooperate|cooperating|coordinate|coordinating|liaise|liaising|collaborate|collaborating)\s+(?:closely\s+)?with)\s+",
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


def _zh_list(
    text: str, pos: int, whole_to: int | None = None, orig: str | None = None
) -> tuple[list[UnitMention], int] | None:
    """Unit names from `pos` separated by 、/和/及 (an optional 等…部门 tail); None if the text
    at `pos` is not a unit. With `whole_to`, the list must cover text[pos:whole_to] exactly.
    `text` is the folded text; names are copied from `orig` (the same length)."""
    orig = text if orig is None else orig
    units: list[UnitMention] = []
    generic = False
    i = pos
    limit = len(text) if whole_to is None else whole_to
    while True:
        m = _ZH_UNIT.match(text, i, limit) if whole_to is not None else _ZH_UNIT.match(text, i)
        if m is None and units:
            m = _ZH_UNIT_IN_LIST.match(text, i, limit)
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
                units.append(UnitMention(orig[m.start():m.end()], (m.start(), m.end())))
            i = m.end()
            mark = _ZH_ROLE_MARK.match(text, i, limit)
            if mark:
                i = mark.end()
        sep = _ZH_SEP.match(text, i, limit)
        if sep is None:
            break
        if not (_ZH_UNIT_IN_LIST.match(text, sep.end()) or re.match(r"(?:有关|相关|各)", text[sep.end():sep.end() + 2])):
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


def _zh_asked_at(text: str, pos: int, end: int, orig: str) -> tuple[list[UnitMention], int] | None:
    """The units (or a named official: "责成副县长陈某…") right after a 由/请/责成 cue."""
    parsed = _zh_list(text, pos, orig=orig)
    if parsed and parsed[0]:
        return parsed
    person = _ZH_PERSON.match(text, pos, end)
    if person:
        return [UnitMention(orig[person.start():person.end()], person.span())], person.end()
    return parsed


def _zh_asked(text: str, i: int, end: int, orig: str) -> tuple[list[UnitMention], int] | None:
    """X after 由/请/责成/要求/指示 near the clause start (a few words may come first: "明确由X
    牵头", "王县长也责成X、Y与Z…"): the units asked to act; None when no such cue is followed
    by one."""
    for cue in _ZH_BY_ANY.finditer(text, i, min(end, i + _ZH_BY_REACH + 2)):
        if cue.start() - i > _ZH_BY_REACH:
            break
        found = _zh_asked_at(text, cue.end(), end, orig)
        if found and found[0]:
            return found
    return None


def _zh_responsibility(orig: str, asked: bool = False) -> Responsibility:
    text = to_simplified(orig)
    lead: list[UnitMention] = []
    coop: list[UnitMention] = []
    bare: list[UnitMention] = []
    whys: list[str] = []

    def add(target: list[UnitMention], found: list[UnitMention]) -> None:
        for unit in found:
            if all(u.name != unit.name for u in lead + coop):
                target.append(unit)

    def units_at(pos: int) -> tuple[list[UnitMention], int] | None:
        return _zh_list(text, pos, orig=orig)

    # "牵头单位：市住建局；配合单位：市财政局、市自然资源局" (会议纪要 and ledgers).
    for m in _ZH_ROLE_LABEL.finditer(text):
        parsed = units_at(m.end())
        if parsed:
            cooperating = m.group("role") in ("配合单位", "协办单位", "参与单位")
            add(coop if cooperating else lead, parsed[0])
            whys.append(m.group("role"))
    # Clause by clause: "由X牵头，Y配合", "X要会同Y…", "X要牵头…", "Y要配合X…".
    pos = 0
    first = True
    for piece in re.split(r"([，,；;。：:])", text):
        start, pos = pos, pos + len(piece)
        if not piece or piece in "，,；;。：:":
            continue
        opener = _ZH_OPENER.match(piece)
        i = start + (opener.end() if opener else 0)
        # 由/请/责成 X …: X is asked to act, so X leads. With `asked`, the cue came right
        # before the directive (a lead-in such as "王县长责成" is not part of its text).
        by_word = _ZH_BY.match(text, i)
        cued = by_word is not None or (asked and first)
        first = False
        told = None
        if by_word:
            i = by_word.end()
        if cued:
            told = _zh_asked_at(text, i, pos, orig)
        else:
            told = _zh_asked(text, i, pos, orig)
        by = cued or told is not None
        parsed = told or units_at(i)
        if parsed is None:
            # "会同X", "协助X" inside a clause whose subject was named before.
            for m in re.finditer(rf"{_ZH_JOINT}|协助", piece):
                inner = units_at(start + m.end())
                if inner and (lead or whys):
                    add(coop, inner[0])
                    whys.append(m.group(0))
            continue
        units, after = parsed
        roles = {u: m.group("role") if m else None
                 for u, m in ((u, _ZH_ROLE_MARK.match(text, u.span[1])) for u in units)}
        if any(roles.values()):
            # "X（牵头）、Y": only the one marked 牵头 leads, the others take part.
            marked_lead = [u for u, r in roles.items() if r in _ZH_MARK_LEADS]
            add(lead, marked_lead)
            add(coop, [u for u, r in roles.items() if r not in _ZH_MARK_LEADS and (marked_lead or r)])
            add(lead, [u for u, r in roles.items() if r is None and not marked_lead])
            whys.append("（牵头）" if marked_lead else "（配合）")
            continue
        rest = text[after:pos]
        modal = re.match(_ZH_MODAL, rest)
        verb_at = modal.end() if modal else 0
        word = re.match(_ZH_COOP_WORD, rest[verb_at:])
        if word:
            # "Y配合", "Y要配合X做好…": Y cooperates, X (if named) leads.
            add(coop, units)
            whys.append("配合")
            inner = units_at(after + verb_at + word.end())
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
            inner = units_at(after + m.end())
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


_EN_FRONTED = re.compile(
    r"\s*(?:As|In|With|After|Following|For|Given|Under|Once|Upon|Subject\s+to|To|On|Further\s+to|Pending)\b[^,;:]{0,100},\s*"
)


def _en_responsibility(text: str) -> Responsibility:
    lead: list[UnitMention] = []
    coop: list[UnitMention] = []
    whys: list[str] = []
    opener = re.match(r"\s*(?:(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|meanwhile|moreover)[,\s]+)?", text, re.I)
    start = opener.end() if opener else 0
    delivered = _EN_FROM.match(text, start)
    parsed = _en_list(text, delivered.end() if delivered else start)
    fronted = _EN_FRONTED.match(text, start)
    if parsed is None and fronted:
        # "As part of this discussion, the Prime Minister was authorised to …"
        delivered = _EN_FROM.match(text, fronted.end())
        parsed = _en_list(text, delivered.end() if delivered else fronted.end())
    if parsed:
        tail = _EN_TAIL.match(text, parsed[1])
        parsed = (parsed[0], tail.end() if tail else parsed[1])
    if parsed and _EN_MODAL.match(text, parsed[1]):
        lead.extend(parsed[0])
        whys.append("subject of the modal" if not delivered else "report from")
    for m in _EN_TOLD.finditer(text):
        found = _en_list(text, m.end())
        if found:
            tail = _EN_TAIL.match(text, found[1])
            found = (found[0], tail.end() if tail else found[1])
        if found and _EN_TOLD_TO.match(text, found[1]):
            lead.extend(u for u in found[0] if u not in lead)
            whys.append(m.group(0).strip() + " … to")
    for m in _EN_STAFF.finditer(text):
        unit = UnitMention(m.group("name"), m.span("name"))
        if unit not in lead:
            lead.append(unit)
            whys.append("directed staff")
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
_ZH_TRIGGER = re.compile(r"[会會委局厅廳办辦室部署院心府团團司行队隊处處]|[县縣市区區镇鎮乡鄉省局处處]长|[县縣市区區镇鎮乡鄉省局处處]長|主任|书记|書記")
_EN_TRIGGER = re.compile(_EN_HEAD + r"|\bstaff\b")


# Context that names who acts on the directives after it.
# 1. "会议原则同意县财政局拟草的《…》，修改完善后，批复实施": the drafter carries the follow-up.
_ZH_DRAFTED = re.compile(
    r"(?:牵头)?(?:拟草|起草|草拟|拟定|编制|制定|修订|提交|报送|提请审议)(?:并经[^《“，,。；;]{0,12})?的[《“]"
)
_ZH_OBJECT_START = re.compile(r".*(?:同意|通过|审定|审议|研究|听取|原则同意|[，,；;：:])")
# 2. A list under a heading that ends in a colon and names the body ("Some duties of the Task
#    Force include:", "市住建局要重点做好以下工作：").
_LIST_ITEM = re.compile(
    r"\s*(?:[o•·▪●*\-–]\s+|\(?[a-zA-Z]\)\s*|\(?(?:\d{1,2}|[ivx]{1,4})[.)]\s*|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])"
)
_EN_DUTIES_OF = re.compile(
    r"\b(?:duties|responsibilities|tasks|functions|mandate|terms\s+of\s+reference|role|remit)\s+of\s+(?:the\s+)?",
    re.I,
)


def _drafter(text: str, start: int) -> tuple[UnitMention, ...]:
    sentence_start = max(text.rfind(c, 0, start) for c in "。！？!?\n") + 1
    folded = to_simplified(text[sentence_start:start])
    for m in _ZH_DRAFTED.finditer(folded):
        head = _ZH_OBJECT_START.match(folded, 0, m.start())
        begin = head.end() if head else 0
        parsed = _zh_list(folded, begin, whole_to=m.start(), orig=text[sentence_start:start])
        if parsed and parsed[0]:
            return tuple(UnitMention(u.name, (u.span[0] + sentence_start, u.span[1] + sentence_start))
                         for u in parsed[0])
    return ()


def _heading(text: str, start: int, lang: str | None) -> tuple[UnitMention, ...]:
    line_start = text.rfind("\n", 0, start) + 1
    if not _LIST_ITEM.match(text, line_start):
        return ()
    end = line_start - 1
    for _ in range(30):  # the list's earlier items, then its heading
        if end <= 0:
            return ()
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end]
        stripped = line.rstrip()
        # The heading ends in a colon (it may be an item of an outer list itself).
        if stripped.endswith((":", "：")):
            cut = max(stripped.rfind(c) for c in ".。;；!?") + 1
            clause = stripped[cut:]
            offset = begin + cut
            who = find_responsibility(clause, lang)
            found = list(who.lead)
            if not found and lang != "zh":
                for m in _EN_DUTIES_OF.finditer(clause):
                    listed = _en_list(clause, m.end())
                    if listed:
                        found = listed[0]
                        break
            return tuple(UnitMention(u.name, (u.span[0] + offset, u.span[1] + offset)) for u in found)
        if stripped and not _LIST_ITEM.match(line):
            return ()
        end = begin - 1
    return ()


def context_lead(text: str, start: int, lang: str | None) -> tuple[UnitMention, ...]:
    """The lead a directive at `start` of `text` takes from its context when it names none:
    the drafter of the document the same sentence approved (Chinese), or the body named by
    the heading of the list it is an item of. Spans are into `text`."""
    if lang == "zh" and "的" in text[max(0, start - 80):start]:
        found = _drafter(text, start)
        if found:
            return found
    return _heading(text, start, lang)


# A cue that asks someone to act, ending the text before a directive whose lead-in was cut
# off ("王县长责成｜副县长陈某于…", "要求｜环资局加强…").
_ZH_ASKED_BEFORE = re.compile(r"(?:责成|責成|要求|指示|请|請)$")


def asked_before(text_before: str, lang: str | None) -> bool:
    """Whether the words right before a directive ask the one it opens with to act."""
    return lang == "zh" and _ZH_ASKED_BEFORE.search(text_before) is not None


def find_responsibility(text: str, lang: str | None, asked: bool = False) -> Responsibility:
    """Lead and cooperating units named in one directive's text; `asked` when the text
    before it ends in 责成/要求/指示 (its first clause then opens with the one asked)."""
    if lang == "zh":
        return _zh_responsibility(text, asked) if _ZH_TRIGGER.search(text) else Responsibility()
    return _en_responsibility(text) if _EN_TRIGGER.search(text) else Responsibility()
