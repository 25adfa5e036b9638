"""Directives: requirement clauses, told apart from observations and statements of importance.

A sentence is read after its lead-in ("The meeting pointed out that", "会议强调，") with
quotations masked (a quoted slogan's "must" is not the meeting's requirement). A clause is
a directive when it opens with an imperative verb, "It is necessary to", or a short subject
followed by a modal ("must", "should", "要", "必须"); a lead-in that demands ("required",
"要求") makes the clause a directive even without a cue, unless it states importance.
A context clause before a later "要…" is dropped ("下半年工作任务艰巨繁重，要…" starts at
要) but an adverbial one is kept ("对已完成的整改任务，要…"). A requirement sentence that
lists several requirements separated by semicolons gives one directive per clause; clauses
after the first inherit its status, because such lists drop the cue after the first item.
A fronted adverbial clause ("With X approaching, the authorities must …") stays with its
requirement; a topic before a copula ("推动X，是…重要抓手") and 要看到/要认识到 ("we must
see that …") mark statements and observations, not requirements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .text import Piece, clauses, trim

_EN_LEAD = re.compile(
    r"^(?:(?:the|this)\s+(?:meeting|conference|session)|participants|it\s+was)\s+"
    r"(?:also\s+|further\s+|then\s+|clearly\s+)?"
    r"(?P<verb>pointed\s+out|emphasi[sz]ed|stressed|required|demanded|called\s+for|urged|noted|"
    r"held|believed|agreed|maintained|stated|said|underlined|underscored|proposed|decided|"
    r"asked|requested|made\s+(?:it\s+)?clear|concluded|considered|set\s+requirements|"
    r"observed|affirmed|recognized|recognised)"
    r"(?:\s+that\b|\s*[,:])\s*",
    re.I,
)
# Only these lead-ins make what follows a requirement by themselves; "stressed" often
# introduces a statement of importance instead.
_EN_DEMANDING = re.compile(r"required|demanded|called|urged|asked|requested|set", re.I)
_EN_MID_LEAD = re.compile(
    r",\s*(?:and\s+)?(?:the\s+meeting\s+)?(?:required|urged|called\s+on|asked)\s+", re.I
)
_EN_IMPORTANCE = re.compile(
    r"^(?:it\s+is\s+(?:very\s+|extremely\s+|vitally\s+|highly\s+|of\s+)?(?:important|crucial|significant|great)|"
    r"[^,]{0,80}\b(?:is|are)\s+(?:of\s+(?:great|vital|major|far-reaching)\s+(?:significance|importance)|"
    r"(?:very\s+|extremely\s+)?(?:important|significant|crucial)\s+(?:for|to|in)\b|"
    r"an?\s+(?:important|key|major)\s+(?:platform|measure|step|task|part|guarantee|foundation|means)))",
    re.I,
)
_EN_NECESSARY = re.compile(
    r"^(?:(?:and|also|meanwhile|moreover|in\s+addition|at\s+the\s+same\s+time|first(?:ly)?|"
    r"second(?:ly)?|third(?:ly)?|finally)[,\s]+)?"
    r"(?:it\s+is\s+(?:also\s+)?(?:necessary|required|imperative|essential|needed|a\s+must)\s+to|"
    r"(?:(?:more|greater|further|sustained|continued|continuous|concerted|stronger|solid|redoubled|"
    r"all-out|every|coordinated|targeted|intensified)\s+)?(?:efforts?|steps|measures)\s+(?:should|must|will|shall|need\s+to)\s+"
    r"(?:also\s+|further\s+|continue\s+to\s+)?(?:be\s+(?:made|taken|stepped\s+up|intensified|redoubled)|focus)|we\s+(?:must|should|need\s+to|have\s+to|shall|will)|"
    r"the\s+need\s+to|there\s+is\s+a\s+need\s+to)\b",
    re.I,
)
# A subject followed by a modal in the first clause: "Governments at all levels must ...".
_EN_MODAL = re.compile(
    r"^(?:(?:additionally|also|meanwhile|moreover|furthermore|in\s+addition|besides|at\s+the\s+same\s+time|"
    r"first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|in\s+particular|specifically|therefore|hence)\s*,\s*)?"
    r"[^,;]{0,120}?\b(?P<modal>must|should|shall|needs?\s+to|ha(?:ve|s)\s+to|"
    r"(?:is|are)\s+to(?=\s+[a-z]+\s)|(?:(?:is|are|was|were)(?:\s+also)?|(?:has|have)\s+(?:also\s+)?been)\s+"
    r"(?:required|asked|requested|directed|instructed|invited|urged|tasked|encouraged|authori[sz]ed|"
    r"mandated|told|called\s+upon)\s+to|(?:is|are)\s+(?:urgently\s+|also\s+)?(?:needed|required)"
    r"(?=\s*(?:[.,;]|$)))\b(?!\s+be\s+(?:noted|seen|said))",
    re.I,
)
# A body that tells someone to act: "the Board directed the County Executive to develop …",
# after at most a short adverbial ("Following the report, ").
_EN_DIRECTING = re.compile(
    r"^(?:[^,;]{0,80},\s*)?[^,;]{0,80}?\b(?:also\s+)?(?P<verb>directed|instructed|asked|requested|"
    r"invited|urged|tasked|charged|called\s+on|commissioned|mandated|authori[sz]ed|entrusted|"
    r"granted\s+(?:approval|permission|authority|the\s+go-ahead)\s+(?=to\s))\s*"
    r"(?!that\b)[^,;]{1,120}?\bto\s+[a-z]",
    re.I,
)
# "The meeting called for greater efforts …": the meeting itself demands.
_EN_CALLED = re.compile(
    r"^(?:(?:the|this)\s+(?:meeting|conference|session)|it)\s+(?:also\s+|further\s+)?"
    r"(?P<verb>called\s+for|called\s+on|urged|demanded|required|asked|requested)\b",
    re.I,
)
# "Cabinet agreed that the Crown will share …": a decision that someone will act.
_EN_AGREED = re.compile(
    r"^(?:[^,;]{0,80},\s*)?[^,;]{0,80}?\b(?:agreed|decided|resolved|determined)\s+that\s+"
    r"[^,;]{0,120}?\b(?P<modal>will|shall|should|must|is\s+to|are\s+to)\s+(?!be\s+(?:noted|seen))",
    re.I,
)
# A fronted adverbial clause before the subject and its modal: "With the season
# approaching, the authorities must …", "After the regulations are submitted, relevant
# departments should …". The clause stays in the directive: it says when or why to act.
_EN_FRONTED = re.compile(
    r"^(?:with|after|before|when|once|as|during|following|upon|given|if|until|while|"
    r"now\s+that|ahead\s+of|amid|in\s+view\s+of|in\s+the\s+(?:run-up|face)\s+(?:to|of)|"
    r"in\s+order\s+to|to(?=\s+[a-z]+\s)|[a-z]{3,}ing(?=\s+(?:on|to|at|in|the|a|an|its|their|our)\s))\b"
    r"[^,;]{3,150},\s*",
    re.I,
)
# A coordinated clause with its own subject and modal after an observation: "the industry
# is recovering rapidly, and the province should seize the opportunity …". The observation
# is the reason for the requirement, so the sentence is kept whole.
_EN_AND_MODAL = re.compile(
    r"^and\s+[^,;]{1,80}?\b(?P<modal>must|should|shall|needs?\s+to|ha(?:ve|s)\s+to)\s+"
    r"(?!be\s+(?:noted|seen|said)|not\b)[a-z]",
    re.I,
)
_EN_IMPERATIVE = frozenset(
    """accelerate actively adhere advance always attach boost build carry comprehensively
    conscientiously consolidate constantly continue continuously coordinate create cultivate
    deepen develop do earnestly effectively encourage enhance ensure establish expand firmly
    focus follow foster fully further give go grasp guarantee guard implement improve increase
    insist intensify keep launch maintain make optimize optimise organize organise pay persist
    prevent promote protect push put raise reduce reinforce resolutely resolve safeguard seize
    solidly speed stabilize stabilise steadily step strengthen strictly strive sum support
    tackle take uphold vigorously win accurately scientifically properly closely better
    highlight respond prepare ramp tighten carefully thoroughly vigilantly fight mobilize
    mobilise explore refine perfect cement unswervingly guide stimulate expedite standardize
    standardise upgrade bolster crack curb enforce harness nurture prioritize prioritise
    reinforce shore attract""".split()
)
_EN_FIRST_WORD = re.compile(
    r"^(?:(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|finally|also|"
    r"meanwhile|moreover|in\s+addition|at\s+the\s+same\s+time|and)[,\s]+)?[\"“‘']?([A-Za-z]+)",
    re.I,
)

_ZH_LEAD = re.compile(
    r"^(?:会议|会上|与会同志)(?:还|并|同时|也|进一步|明确)?"
    r"(?P<verb>指出|强调|要求|认为|提出|明确|决定|部署|号召|表示|分析|同意|认定|肯定)(?:了)?[，：:,]?"
)
_ZH_DEMANDING = re.compile(r"要求|部署|号召")
_ZH_MID_LEAD = re.compile(r"[，,](?:并|会议)?(?:要求|责成)[，,:：]?")
# The presiding official demanding mid-sentence: "…，王县长也要求各单位…", "…，并期勉各单位主管…",
# "…，希望各单位更加努力". Each such lead-in starts another requirement.
_ZH_MID_PERSON_LEAD = re.compile(
    r"[，,](?:并|会议|(?P<who>[^，,。；;：:“”《》]{1,8}?))?(?:也|还|并|再|特别|同时|进一步)?"
    r"(?P<verb>要求|责成|指示|希望|期勉|叮咛|叮嘱)(?![的是])[，,:：]?"
)
_ZH_IMPORTANCE = re.compile(
    r"意义重大|至关重要|十分重要|非常重要|尤为重要|极为重要|重要意义|十分关键|"
    r"是[^，。；]{0,40}(?:重要|关键|具体)(?:平台|举措|抓手|内容|任务|保障|基础|一环|环节|载体|途径|行动|安排|所在)|"
    r"重于泰山|永远在路上|有利于"
)
# A modal after a short subject; 要 must not be part of 重要/主要/要求 and the like, and
# 要看到/要认识到 introduce an observation ("同时也要看到，外部环境复杂严峻"), not a task.
_ZH_SEE = r"(?:清醒|充分|深刻|清楚|冷静)?(?:看到|认识到|意识到|看清)"
_ZH_MODAL_WORD = (
    rf"(?<![重主首紧纲摘只必需想将需不概纪])要(?![求素点件闻是务])(?!{_ZH_SEE})"
    rf"|必须(?!{_ZH_SEE})|务必|(?<![的之])需要(?!{_ZH_SEE})|应当(?!{_ZH_SEE})|务求"
)
_ZH_MODAL_ANY = re.compile(_ZH_MODAL_WORD)
_ZH_MODAL = re.compile(rf"^[^，。；]{{0,16}}?(?P<modal>{_ZH_MODAL_WORD})")
# A longer subject is fine when it names units: "省自然资源厅、省住房城乡建设厅…等部门要…".
_ZH_UNIT_MODAL = re.compile(
    r"^[^，。；]{0,80}?(?:部门|单位|机构|厅|局|委|办|政府|各地|各级|地方|企业|系统)"
    rf"(?P<modal>{_ZH_MODAL_WORD})"
)
# What a demanding lead-in is followed by before a later 要 is context only when it states.
_ZH_STATEMENT = re.compile(r"了|已|是|正在|目前|当前|今年以来|总体|形势")
# A unit given the lead: "水利局牵头制定防汛预案", "由县发改局负责，…".
_ZH_UNIT_LEADS = re.compile(
    r"^(?:由[^，。；]{1,40}?|[^，。；]{0,40}?(?:部门|单位|局|委|办|厅|政府|中心|公司|街道|乡镇|镇|队|院|所))"
    r"(?:共同|具体|统一|统筹|全面|分别|继续|要|须|应)?(?P<lead>牵头|负责|主办|主责)(?!人|同志|单位|部门|领导)"
    # "责成区教育局于国庆节前完成…", "请区发展改革委牵头…": a unit charged with the task.
    r"|^(?P<charge>责成|请)(?=[^，。；]{1,40}?(?:部门|单位|局|委|办|厅|政府|中心|公司|街道|乡镇|镇|队|院|所))"
)
_ZH_BENEFIT = re.compile(
    r"(?:这|此|也|更|将|既)?(?:有利于|有助于|对[^，。；]{1,40}(?:具有|有着|发挥着?)[^，。；]{0,10}(?:作用|意义))"
)
# A copula after a topic makes the sentence a statement: "推动X，是…的重要抓手".
_ZH_COPULA = re.compile(r"^(?:这|此|这既|既|也|更|正|就|都|已|仍|还)?是")
_ZH_VERBS = tuple(
    """坚持 加快 推动 推进 着力 强化 加强 切实 全力 扎实 严格 坚决 持续 深入 进一步 统筹 抓好
    做好 确保 落实 完善 健全 提升 积极 大力 全面 不断 努力 聚焦 围绕 狠抓 紧盯 压实 守牢 筑牢
    扩大 优化 深化 高效 精准 有序 认真 用好 抓紧 尽快 千方百计 始终 主动 及早 细化 建立 打造
    发挥 保障 保持 防范 化解 稳妥 集中 突出 牢牢 毫不 全方位 多措并举 抓实 抓细 做实 压紧
    织密 提高 增强 促进 巩固 实施 开展 组织 优先 依法 广泛 及时 迅速 奋力 力争 勇于 敢于
    精心 坚定 树牢 扛起 扛牢 鼓励 引导 支持 加大 严防 严厉 全力以赴 统筹推进
    常态化 对标 锚定 振兴 攻坚 成立 谋划 落细 兜牢 守住 坚守 推行 规范 用足 用活 抢抓 紧抓
    严守 保证 力求 做深 做细 持之以恒 久久为功 抓住 瞄准 立足 加紧 加速 加力 全速""".split()
)
# The next step of a document the meeting agreed to ("会议原则同意《X》，修改完善后，批复实施",
# "…，报县委审定", "按程序报市委组织部备案后以“县政府”名义印发"): a task of its drafter.
ZH_FOLLOW_UP = re.compile(
    r"^(?:(?:进一步|再)?修改完善|(?:按|按照|依)(?:程序|规定|有关规定)|报[^，,。；]{1,12}(?:审定|审议|审批|审核|备案|批准|同意|研究)|"
    r"提请[^，,。；]{1,20}(?:审议|审定|研究)|以[^，,。；]{1,12}名义(?:印发|下发|发布)|(?:印发|批复|组织)实施|"
    r"经[^，,。；]{1,20}(?:审定|审议|审查|审核)后)"
)
_ZH_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]|首先|其次|再次|最后|同时|此外|另外|"
    r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))[，,、]?"
)
# Adverbial openers that belong to the requirement that follows ("对…任务，要…").
_ZH_ADVERBIAL = re.compile(
    r"^(?:对于?|针对|围绕|按照|根据|结合|通过|在|为了?|以|就(?!是)|面对|聚焦)"
    # "二是教育方面，要…": the ordinal and its field belong to the requirement.
    r"|^(?:[一二三四五六七八九十]是)?[^，,]{0,12}方面$"
)
_QUOTES = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|「[^」]*」|《[^》]*》")
_SUB_SPLIT = re.compile(r"[，,]")


@dataclass(frozen=True)
class Found:
    piece: Piece
    why: str


def _mask_quotes(s: str) -> str:
    return _QUOTES.sub(lambda m: "Q" * len(m.group(0)), s)


def _subclauses(s: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _SUB_SPLIT.finditer(s):
        out.append((pos, s[pos : m.start()]))
        pos = m.end()
    out.append((pos, s[pos:]))
    return [(off + len(sub) - len(sub.lstrip()), sub.strip()) for off, sub in out if sub.strip()]


# A body given a task in the future: "A committee headed by … would submit …", "A
# Sub-committee will be formed", "All laws would be reviewed …".
_EN_FUTURE_TASK = re.compile(
    r"^(?:(?:accordingly|additionally|also|meanwhile|moreover|further)[,\s]+)?(?:an?|the|this|all)\s+"
    r"[^,;]{0,80}?\b(?:committee|commission|sub-committee|task\s+force|team|board|department|"
    r"ministry|authority|laws?|legislation|report|survey|inquiry|probe)s?\b[^;]{0,80}?"
    r"\b(?P<modal>will|would)\s+(?:be\s+)?(?!be\s+(?:noted|seen))[a-z]",
    re.I,
)
# A council resolution: "That the recommendations … be approved".
_EN_RESOLUTION = re.compile(
    r"^(?:[(\[]?(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)\]]\s*)?(?:RESOLVED:?\s*)?That\s*,?\s+[^;]{3,300}?"
    r"\b(?:be|(?:is|are)\s+(?:hereby\s+)?[a-z]+ed)\b"
)
# A council's decision in the mandative form: "City Council direct the General Manager to …",
# "Council adopt the following objectives", "That Council request …".
_EN_COUNCIL_MANDATE = re.compile(
    r"^(?:[(\[]?(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)\]]\s*)?(?:That\s+)?(?:the\s+)?(?:City\s+|Town\s+|County\s+|Regional\s+)?"
    r"(?:Council|Cabinet|Board|Committee)\s+(?:also\s+)?(?P<verb>adopt|direct|request|authori[sz]e|approve|amend|"
    r"endorse|delegate|forward|refer|grant|appoint|enact|instruct|allocate|allot|approve|support|receive|"
    r"confirm|establish|reaffirm|rescind|waive|accept|declare|designate)\b"
)


def _en_first_cue(sub: str) -> str | None:
    m = _EN_RESOLUTION.search(sub)
    if m:
        return "resolution 'That … be'"
    m = _EN_COUNCIL_MANDATE.search(sub)
    if m:
        return f"council resolution '{m.group('verb')}'"
    m = _EN_FUTURE_TASK.search(sub)
    if m:
        return f"task of a named body '{m.group('modal')}'"
    m = _EN_NECESSARY.search(sub)
    if m:
        return f"cue '{m.group(0).strip()}'"
    if _EN_SET_TARGET.match(sub):
        return "sets a target or steps to take"
    first = _EN_FIRST_WORD.search(sub)
    if first and first.group(1).lower() in _EN_IMPERATIVE and _imperative_reads(sub, first):
        return f"imperative '{first.group(1)}'"
    m = _EN_MODAL.search(sub)
    if m:
        return f"modal '{m.group('modal')}'"
    m = _EN_CALLED.search(sub)
    if m:
        return f"demands '{m.group('verb')}'"
    m = _EN_DIRECTING.search(sub)
    if m:
        return f"directs '{m.group('verb')}'"
    m = _EN_AGREED.search(sub)
    if m:
        return f"agreed that … '{m.group('modal')}'"
    fronted = _EN_FRONTED.match(sub)
    if fronted:
        rest = sub[fronted.end() :]
        m = _EN_NECESSARY.search(rest) or _EN_MODAL.search(rest)
        if m:
            return f"fronted clause, then '{m.group(0).strip() if m.re is _EN_NECESSARY else m.group('modal')}'"
    return None


# "…and set a target to train 2,300 youth within a year" (read after the agenda item it follows).
_EN_SET_TARGET = re.compile(
    r"\s*(?:set\s+(?:a\s+|the\s+)?(?:targets?|deadlines?)\s+(?:to|of|for)|take\s+(?:\w+\s+)?(?:steps|measures|action)\s+"
    r"(?:about|on|to|for|against|regarding))\b"
)
# Adverbs that open an imperative only when a verb follows ("Further strengthen …", not
# "further problems will develop").
_EN_ADVERB_OPENERS = frozenset(
    """further fully actively effectively earnestly firmly resolutely steadily strictly vigorously
    continuously constantly comprehensively conscientiously solidly accurately scientifically
    properly closely better carefully thoroughly vigilantly unswervingly always""".split()
)
# Standing agenda text and statements of duty are not requirements of this meeting.
_EN_NOT_REQUIREMENT = re.compile(
    r"^(?:to\s+(?:consider|receive|note|approve|agree|appoint|elect|confirm|answer)\b|"
    # "The aim of this amendment is to create …", "The objectives are to …": a purpose.
    r"[^,;]{0,60}?\b(?:aims?|objectives?|purposes?|goals?|intentions?|idea|role|functions?|mandate)\b"
    r"[^,;]{0,80}?\b(?:is|are|was|were)\s+to\s+[a-z]|"
    r"it\s+is\s+an?\s+(?:[\w-]+\s+){0,4}(?:duty|task|responsibility|mission|obligation)\b|"
    r"what(?:'|’)?s\s+(?:most\s+)?important\b|"
    r"(?:it|this|that|the\s+\w+)\s+(?:comprises|contains|includes|covers|outlines|sets\s+out)\b)",
    re.I,
)


def _imperative_reads(sub: str, first: re.Match[str]) -> bool:
    """An imperative opens with a verb: not a title-case heading, not an adverb before a noun."""
    words = re.findall(r"[A-Za-z][\w’'-]*", sub[first.start(1) :])[:4]
    if len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 3:
        return False
    if first.group(1).lower() in _EN_ADVERB_OPENERS:
        return len(words) > 1 and words[1].lower() in _EN_IMPERATIVE
    return True


def _en_cue(body: str) -> tuple[int, str] | None:
    """Offset in `body` where the requirement starts, and why; None for no requirement."""
    masked = _mask_quotes(body)
    if _EN_IMPORTANCE.search(masked) or _EN_NOT_REQUIREMENT.search(masked):
        # "it is an arduous task …, and the spirit of X should be implemented": the
        # coordinated modal clause is a requirement of its own, without the statement.
        for off, sub in _subclauses(masked)[1:]:
            m = _EN_AND_MODAL.search(sub)
            if m and not _EN_IMPORTANCE.search(sub[4:]):
                return off + 4, f"coordinated clause with modal '{m.group('modal')}'"
        return None
    why = _en_first_cue(masked)
    if why:
        return 0, why
    # A later "…, and it is necessary to …" starts a requirement mid-sentence.
    for off, sub in _subclauses(masked)[1:]:
        m = _EN_NECESSARY.search(sub)
        if m and not _EN_IMPORTANCE.search(sub):
            skip = re.match(r"(?:and|also)\s+", sub, re.I)
            return off + (skip.end() if skip else 0), f"cue '{m.group(0).strip()}'"
        m = _EN_AND_MODAL.search(sub)
        if m:
            return 0, f"coordinated clause with modal '{m.group('modal')}'"
    return None


def _zh_cue(body: str) -> tuple[int, str] | None:
    masked = _mask_quotes(body)
    subs = _subclauses(masked)
    # "推动X，是…重大决策部署，既利当前、更利长远": the clauses up to the copula are its
    # subject, not a task; a later modal clause may still be one.
    first = 0
    for i, (_, sub) in enumerate(subs[1:], 1):
        # "…，是…的需要" (a need, not a modal), "…，有利于…", "…，对…具有重要作用": the
        # clauses before are the topic of a statement.
        if (_ZH_COPULA.match(sub) or _ZH_BENEFIT.match(sub)) and not _ZH_MODAL_ANY.search(sub.replace("的需要", "")):
            first = i + 1
            break
    for i, (off, sub) in enumerate(subs):
        if i < first or _ZH_IMPORTANCE.search(sub):
            continue
        why: str | None = None
        m = _ZH_MODAL.search(sub) or _ZH_UNIT_MODAL.search(sub)
        if m:
            why = f"modal '{m.group('modal')}'"
        elif (m := _ZH_UNIT_LEADS.search(sub)) is not None:
            why = f"unit leads '{m.group('lead') or m.group('charge')}'"
        elif ZH_FOLLOW_UP.match(sub) and (i == 0 or re.search(r"同意|通过|审定|审议|》", body[:off])):
            why = "next step of an agreed document"
        elif i == 0:
            # "一是加强…", "同时，…": ordinals and connectives come before the verb.
            bare = _ZH_ORDINAL.sub("", sub)
            verb = next((v for v in _ZH_VERBS if bare.startswith(v)), None)
            if verb:
                why = f"verb '{verb}'"
        if why is None:
            continue
        # Keep adverbial openers right before the cue; drop context clauses.
        start = off
        j = i - 1
        while j >= first and _ZH_ADVERBIAL.search(subs[j][1]):
            start = subs[j][0]
            j -= 1
        return start, why
    return None


# The presiding official as the lead-in: "县长王忠铭要求…", "王县长指示行政处…", "冯主任强调：".
_ZH_PERSON_LEAD = re.compile(
    r"^(?!习近平|总书记|党中央|中央)(?P<who>[^，,。；;：:“”《》]{1,14}?)(?:也|并|还|再|特别|同时|进一步)?"
    r"(?P<verb>要求|责成|指示|希望|期勉|叮咛|叮嘱|强调|指出)[，,：:]?"
)
_ZH_PERSON = re.compile(r"(?:县长|市长|区长|省长|主任|书记|局长|处长|主席|总理|部长|同志|[县市区省]委)$|^[县市区省]长")


def _strip_lead(text: str, piece: Piece, lang: str | None) -> tuple[Piece | None, bool]:
    """Drop the reporting lead-in; say whether it demands (so what follows is a requirement)."""
    lead = (_ZH_LEAD if lang == "zh" else _EN_LEAD).match(piece.text)
    if not lead and lang == "zh":
        person = _ZH_PERSON_LEAD.match(piece.text)
        if person and _ZH_PERSON.search(person.group("who")) and "会议" not in person.group("who"):
            demanding = person.group("verb") not in ("强调", "指出")
            return trim(text, piece.start + person.end(), piece.end, ",，:："), demanding
    if not lead:
        return piece, False
    demanding = bool((_ZH_DEMANDING if lang == "zh" else _EN_DEMANDING).search(lead.group("verb")))
    return trim(text, piece.start + lead.end(), piece.end, ",，:："), demanding


def _from_sentence(
    text: str,
    body: Piece,
    demanding: bool,
    cue: Callable[[str], tuple[int, str] | None],
    important: re.Pattern[str],
) -> list[Found]:
    found: list[Found] = []
    in_list = False
    for i, part in enumerate(clauses(text, body)):
        hit = cue(part.text)
        start, why = (part.start + hit[0], hit[1]) if hit else (part.start, None)
        if (
            hit and hit[0] > 0 and i == 0 and demanding and cue is _zh_cue
            and not _ZH_STATEMENT.search(part.text[: hit[0]])
        ):
            # "要求各部门依法履职，…，对重点措施要抓紧出台": what the demand names comes first.
            start = part.start
        if why is None and i == 0 and demanding and not important.search(_mask_quotes(part.text)):
            why = "demanding lead-in"
        if why is None and in_list:
            why = "continues a requirement list"
        if why is None:
            in_list = False
            continue
        in_list = True
        piece = trim(text, start, part.end, ",，、")
        if piece:
            found.extend(Found(p, why) for p in _split_bare_modal(text, piece))
    return found


# "要突出重点，统筹协调，…结合起来，要加强协调配合，…": a later clause opening with a bare 要
# starts another requirement; the first keeps its comma, as the published list does.
_ZH_BARE_MODAL = re.compile(
    r"[，,](?=(?:(?P<subj>[^，,。；、“”《》]{2,12}?(?:部门|单位|局|委|办|厅|同志|干部|街道|乡镇|镇|我们|各地|各级))"
    r"(?:都|也|还|更|均)?)?要(?![求素点件闻是务])(?!(?:清醒|充分|深刻|清楚|冷静)?(?:看到|认识到|意识到|看清)))"
)


def _split_bare_modal(text: str, piece: Piece) -> list[Piece]:
    cuts: list[int] = []
    prev = 0
    for m in _ZH_BARE_MODAL.finditer(piece.text):
        if piece.text.count("“", 0, m.start()) > piece.text.count("”", 0, m.start()):
            continue
        # Only where what comes before is a requirement of its own, not "对已完成的任务，要…".
        before = piece.text[prev : m.start()]
        if _ZH_ADVERBIAL.match(before) and not re.search(r"[，,]", before):
            continue
        # A new subject with its own 要 ("…落实好，我们每一位同志都要…") starts another
        # requirement only after a full one, not after a short heading ("三要盘点工作，各部门要…").
        if m.group("subj") and len(before) < 16:
            continue
        if _ZH_MODAL_ANY.search(before) or any(before.startswith(v) for v in _ZH_VERBS):
            cuts.append(m.start())
            prev = m.start() + 1
    if not cuts:
        return [piece]
    out: list[Piece] = []
    pos = piece.start
    for c in cuts:
        part = trim(text, pos, piece.start + c + 1)
        if part:
            out.append(part)
        pos = piece.start + c + 1
    last = trim(text, pos, piece.end, ",，、")
    if last:
        out.append(last)
    return out


_ZH_LIST_COLON = re.compile(r"[：:](?=(?:[一二三四五六七八九十]是|第[一二三四五六七八九十]|首先))")


def _split_at_list_colon(text: str, sents: list[Piece], skip: set[int]) -> list[Piece]:
    """"明确方向，抓住重点：一是加快…" — the list after a heading colon is read on its own."""
    out: list[Piece] = []
    for s in sents:
        m = _ZH_LIST_COLON.search(s.text)
        if not m or s.start in skip:
            out.append(s)
            continue
        head = trim(text, s.start, s.start + m.start())
        tail = trim(text, s.start + m.end(), s.end)
        out += [p for p in (head, tail) if p is not None]
    return out


# A heading line that introduces a list of requirements: "会议要求：", "会议强调：",
# "The meeting set out the following requirements:". What is listed under it is required.
_ZH_LIST_HEAD = re.compile(
    r"^(?:(?:会议|会上)[^，。；：:]{0,12}?|[^，。；：:]{0,12}?(?:县长|市长|区长|省长|主任|书记|总理|部长))?(?:还|并|同时|进一步|明确)?"
    r"(?:要求|强调|部署|提出|明确|指示|责成)(?:了)?[^，。；：:]{0,16}?[：:]$"
)
_EN_LIST_HEAD = re.compile(
    r"\b(?:requirements?|tasks?|demands?|instructions?|directives?|priorities|steps|actions?|"
    r"(?:called|calls|urged|asked|directed|instructed|required)|should|must|need\s+to)\b[^.;]{0,80}[:：]$",
    re.I,
)
# A list item opens with a marker: "一、", "（二）", "3.", "(4)", "一是", "- ", "• ", "First,".
_LIST_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、是]|第[一二三四五六七八九十]{1,3}[，,、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
    r"\d{1,2}[.、．)](?!\d)|[-•·▪●*]\s|(?:first|second|third|fourth|fifth|sixth|finally)(?:ly)?\b|"
    r"[a-z][.)]\s|\([a-z]{1,2}\)\s*|\((?:[ivx]{1,4})\)\s*)",
    re.I,
)
_BARE_MARKER = re.compile(r"^[(\[]?(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)\]]$", re.I)
# A topic heading names a field, not an action: "三、项目建设。", "Energy security".
_ZH_TOPIC = re.compile(
    r"^[^，,；;：:]{1,10}[。.]?$|^关于[^，,；;：:。]{1,40}(?:问题|事项|工作|事宜)[。.]?$"
)


def _listed_under_heading(text: str, sents: list[Piece], lang: str | None, skip: set[int]) -> list[Piece]:
    """Sentences of the paragraphs listed under a heading of requirements ("会议要求：").

    The list runs over the paragraphs that open with a list marker, and the unmarked
    paragraphs right after a bare topic heading ("三、项目建设。" then its text); it ends at
    the first other paragraph. Topic headings themselves are not requirements.
    """
    head_re = _ZH_LIST_HEAD if lang == "zh" else _EN_LIST_HEAD
    out: list[Piece] = []
    active = False
    after_topic = False
    for i, sent in enumerate(sents):
        stripped = sent.text.strip()
        if _BARE_MARKER.match(stripped):
            continue  # "1." or "a." split off as a sentence of its own: its item follows
        after_marker = i > 0 and bool(_BARE_MARKER.match(sents[i - 1].text.strip()))
        new_para = i == 0 or after_marker or "\n" in text[sents[i - 1].end : sent.start]
        if new_para:
            is_head = head_re.search(stripped) and sent.start not in skip
            if lang != "zh" and not is_head and stripped.endswith(":"):
                # "City Council adopt the following objectives:" (also a numbered decision).
                is_head = bool(_EN_COUNCIL_MANDATE.search(stripped))
            if is_head:
                active, after_topic = True, False
                continue
            if not active:
                continue
            marked = after_marker or bool(_LIST_ITEM.match(stripped))
            if not marked and not after_topic:
                active = False
                continue
            after_topic = False
        elif not active:
            continue
        if sent.start in skip:
            continue
        bare = _ZH_ORDINAL.sub("", stripped) if lang == "zh" else _LIST_ITEM.sub("", stripped).strip()
        if lang == "zh":
            if _ZH_TOPIC.match(bare) and not any(bare.startswith(v) for v in _ZH_VERBS) and not _ZH_MODAL_ANY.search(bare):
                after_topic = new_para
                continue
            if _ZH_IMPORTANCE.search(bare):
                continue
        else:
            if len(re.findall(r"[A-Za-z]+", bare)) < 3:
                continue  # an English topic heading; what follows it unmarked is prose
            if _EN_IMPORTANCE.search(bare):
                continue
        after_topic = False  # the topic's text has begun; an unmarked paragraph after it ends the list
        out.append(sent)
    return out


def _list_item(text: str, sent: Piece, lang: str | None) -> Piece | None:
    """A listed requirement without its bullet (English also without its letter or number)."""
    start = sent.start
    if lang != "zh":
        m = _LIST_ITEM.match(sent.text)
        if m and not re.match(r"[A-Za-z]{3}", m.group(0)):
            start += m.end()
    return trim(text, start, sent.end, ",，、;-•·▪●*")


def find_directives(
    text: str, sents: list[Piece], lang: str | None, skip: set[int]
) -> list[Found]:
    """Directive clauses from the sentences; `skip` holds starts of agenda and lead sentences."""
    if lang != "zh":
        # A numbered council decision in the mandative form is an agenda item and a
        # requirement: "1. City Council direct the General Manager to report …".
        skip = skip - {s.start for s in sents if s.start in skip and _EN_COUNCIL_MANDATE.search(s.text)}
    found = _find_directives(text, sents, lang, skip)
    listed = _listed_under_heading(text, sents, lang, skip)
    if listed:
        taken = [(f.piece.start, f.piece.end) for f in found]
        extra = [
            Found(p, "listed under a heading of requirements")
            for p in (_list_item(text, s, lang) for s in listed)
            if p is not None and not any(a < p.end and p.start < b for a, b in taken)
        ]
        found = sorted(found + extra, key=lambda f: f.piece.start)
    if lang == "zh" and "时" in text:
        found = _merge_time_limits(text, found)
    if lang == "zh":
        # "（一）由区住建局牵头，…": the list marker is no part of the requirement (guideline).
        found = [_drop_marker(text, f) for f in found]
    return found


_ZH_LIST_MARKER = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[、．.](?!\d))\s*")


def _drop_marker(text: str, f: Found) -> Found:
    m = _ZH_LIST_MARKER.match(f.piece.text)
    if not m or m.end() >= len(f.piece.text) - 1:
        return f
    start = f.piece.start + m.end()
    return Found(Piece(start, f.piece.end, text[start : f.piece.end]), f.why)


# "…，区公安分局协助；完成时限：2025年11月30日。": a time limit after a semicolon belongs to the
# requirement before it.
_ZH_TIME_LIMIT_CLAUSE = re.compile(r"(?:完成时限|完成时间|办结时限|时限要求|时限|完成期限|办理时限)\s*[:：为]")


def _merge_time_limits(text: str, found: list[Found]) -> list[Found]:
    out: list[Found] = []
    for f in found:
        if out and _ZH_TIME_LIMIT_CLAUSE.match(f.piece.text):
            prev = out[-1]
            gap = text[prev.piece.end : f.piece.start]
            if len(gap) <= 2 and not re.search(r"[。！？\n]", gap) and not re.search(r"[。！？]$", prev.piece.text):
                out[-1] = Found(Piece(prev.piece.start, f.piece.end, text[prev.piece.start : f.piece.end]), prev.why)
                continue
        out.append(f)
    return out


def _find_directives(
    text: str, sents: list[Piece], lang: str | None, skip: set[int]
) -> list[Found]:
    zh = lang == "zh"
    cue = _zh_cue if zh else _en_cue
    important = _ZH_IMPORTANCE if zh else _EN_IMPORTANCE
    mid_lead = _ZH_MID_LEAD if zh else _EN_MID_LEAD
    found: list[Found] = []
    for sent in _split_at_list_colon(text, sents, skip) if zh else sents:
        if not zh and sent.start not in skip:
            segments = en_segments(text, sent)
            if segments is not None:
                for seg, demanding in segments:
                    found.extend(_from_sentence(text, seg, demanding, cue, important))
                continue
        head: Piece | None = sent
        cuts: list[re.Match[str]] = []
        if zh:
            cuts = [
                m for m in _ZH_MID_PERSON_LEAD.finditer(sent.text)
                if not m.group("who") or _ZH_PERSON.search(m.group("who")) or m.group("who") in ("他", "她")
            ]
        else:
            mid = mid_lead.search(sent.text)
            cuts = [mid] if mid else []
        tails: list[Piece] = []
        if cuts:
            # "会议审议了《…》，要求有关部门…": what follows 要求 is a requirement.
            head = trim(text, sent.start, sent.start + cuts[0].start())
            for k, m in enumerate(cuts):
                end = cuts[k + 1].start() if k + 1 < len(cuts) else len(sent.text)
                tail = trim(text, sent.start + m.end(), sent.start + end)
                if tail is not None:
                    tails.append(tail)
        if head is not None and sent.start not in skip:
            body, demanding = _strip_lead(text, head, lang)
            if body is not None:
                found.extend(_from_sentence(text, body, demanding, cue, important))
        for tail in tails:
            found.extend(_from_sentence(text, tail, True, cue, important))
    return found


# --- English reporting lead-ins anywhere in a sentence ----------------------------------------
# "Li called for X", "Noting that …, the meeting underscored efforts to X", "While highlighting
# the need to X, the meeting also called for Y", "…, it said, calling for Y". The lead-in is
# dropped (the gold starts after it); what a demanding verb introduces is a requirement; what
# "stressed that" introduces is read with the usual cues; "the importance of X" gives X.
_EN_SUBJ = (
    r"(?:[Tt]he\s+(?:meeting|conference|session|premier|cabinet|[Cc]abinet|[Ss]tate\s+[Cc]ouncil|"
    r"government|executive\s+meeting|council|[Cc]ouncil|governor|mayor|minister)|[Ii]t|[Hh]e|[Ss]he|"
    r"[Tt]hey|[Pp]articipants|[Tt]hose\s+at\s+the\s+meeting|which|who|"
    r"[Tt]he\s+(?:release|statement|spokesperson|chief\s+minister|prime\s+minister)|"
    r"(?:(?:Chinese|Vice|Executive)\s+)?(?:Premier|Governor|Mayor|Minister|President|Secretary|"
    r"Chairman|Chief\s+Minister)\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?|"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,5}(?:,\s+who\s+[^,;]{3,120},)?)"
)
_EN_DEMAND_VERBS = (
    r"called\s+for|called\s+on|urged|demanded|asked\s+for|appealed\s+for|required|requested|"
    r"directed\s+that|advocated|decided\s+to"
)
_EN_STRESS_VERBS = (
    r"stressed|emphasi[sz]ed|highlighted|underscored|underlined|noted|said|pointed\s+out|added|"
    r"stated|reiterated|made\s+it\s+clear"
)
_EN_REPORTING_CORE = re.compile(
    rf"(?:^|(?<=,\s)|(?<=,))\s*(?:{_EN_SUBJ})\s+(?:also\s+|further\s+|then\s+|again\s+|has\s+|"
    rf"had\s+)*(?P<verb>{_EN_DEMAND_VERBS}|{_EN_STRESS_VERBS})\b\s*(?:that\b\s*|:\s*)?"
    r"|(?:^|,\s*(?:and\s+|while\s+)?|^[Ww]hile\s+)(?P<part>calling\s+for|calling\s+on|urging|"
    r"demanding|stressing|emphasi[sz]ing|highlighting|underscoring|underlining|[Dd]irecting|"
    r"adding|noting)\s+(?:that\s+)?"
    r"|^(?:[A-Z][a-z]+,?\s+|[A-Z][^,;]{0,60},\s*)?it\s+was\s+(?P<pass>emphasi[sz]ed|stressed|decided|agreed|noted|"
    r"pointed\s+out)\s+(?:that\s+|to\s+)?"
    r"|,\s*(?:and|as\s+well\s+as)\s+(?=the\s+need\s+(?:to|for)\b)"
)
# Further lead-ins, tried only on sentences holding one of their words (the scan is the
# costliest regex of the English path): "…stressed X, and called for Y" (the second verb of
# the same subject demands), "the CM directed all the Ministers and officers that …",
# "X gave instructions to …".
_EN_REPORTING_GATE = re.compile(
    r"and\s+(?:also\s+|further\s+)?(?:that|emphasi|stressed|underscored|underlined|highlighted|noted|said|"
    r"reiterated|pointed|called|urged|demanded|asked|directed|appealed|at)|while|whereas|directed|instructed|"
    r"asked|urged|gave|issued"
)
_EN_REPORTING = re.compile(
    _EN_REPORTING_CORE.pattern
    + r"|(?<=\s)(?:also\s+)?(?P<order>(?:directed|instructed|asked|urged)"
    r"\s+[^,;]{1,80}?\s+that|(?:gave|issued)\s+(?:(?:strict|clear|necessary|specific|the\s+following)\s+)?"
    r"(?:instructions|directions|directives|orders)(?:\s+(?:like|to|for|that|on|regarding))?)\b\s*:?\s*"
    r"|,\s*and\s+(?P<andthat>that)\s+"
    r"|(?:,\s*|\s+)and\s+(?:also\s+|further\s+)?(?P<andsay>emphasi[sz]ed|stressed|underscored|underlined|"
    r"highlighted|noted|said|reiterated|pointed\s+out)\s+(?:that\s+)?"
    r"|(?:,\s*|\s+)and\s+(?:also\s+|further\s+)?(?P<andverb>called\s+for|called\s+on|urged|demanded|"
    r"asked\s+for|directed\s+that|appealed\s+for)\s+"
    # "Businesses are encouraged to X, while efforts should be made to Y": two requirements.
    r"|,\s*(?P<sep>while|whereas|and\s+at\s+the\s+same\s+time)\s+(?=(?:efforts|it\s+is\s+necessary|"
    r"[^,;]{0,80}?\b(?:must|should|shall|needs?\s+to|(?:is|are)\s+(?:encouraged|required)\s+to)\b))",
)
# What is left after a trailing "…, he said." or "…, Li said at the meeting on Friday.": an
# attribution that stays with the requirement before it (the corpus keeps it in the span).
_EN_ATTRIBUTION_REST = re.compile(
    r"^(?:(?:at|during|in|on|when|while|after)\b[^,;]{0,120})?[.!\"”’]*$"
)
_EN_STRESS_NP = re.compile(
    r"(?:the\s+need|the\s+importance\s+of|the\s+imperative|the\s+significance\s+of|efforts|"
    r"more\s|greater\s|continued\s|continuous\s|further\s|stronger\s|sustained\s|"
    r"a\s+(?:focus|push)\s+on)",
    re.I,
)
_EN_IMPORTANCE_OF = re.compile(r"the\s+(?:importance|significance)\s+of\s+", re.I)


def en_segments(text: str, sent: Piece) -> list[tuple[Piece, bool]] | None:
    """Pieces of a sentence after each reporting lead-in, and whether the lead demands.

    None when the sentence has no lead-in past its start (the ordinary reading applies).
    """
    s = sent.text
    rx = _EN_REPORTING if _EN_REPORTING_GATE.search(s) else _EN_REPORTING_CORE
    leads = [m for m in rx.finditer(s) if m.end() > m.start()]
    leads = [m for m in leads if any(m.groupdict().values())
             or m.group(0).lstrip(", ").startswith("and") or m.group(0).lstrip(", ").startswith("as")]
    # A saying verb at the very end ("…, the meeting said.") only attributes what came before.
    attributed = False
    if leads and leads[-1].start() > 0 and leads[-1].group("verb") and not re.match(
        _EN_DEMAND_VERBS, leads[-1].group("verb")
    ) and _EN_ATTRIBUTION_REST.match(s[leads[-1].end() :].strip()):
        leads.pop()
        attributed = True
    if not leads:
        return [(sent, False)] if attributed else None
    out: list[tuple[Piece, bool]] = []
    first = leads[0]
    if first.start() > 0:
        before = trim(text, sent.start, sent.start + first.start(), ",;: ")
        if before is not None:
            out.append((before, False))
    for i, m in enumerate(leads):
        end = leads[i + 1].start() if i + 1 < len(leads) else len(s)
        g = m.groupdict()
        if g.get("sep") or g.get("andthat"):
            piece = trim(text, sent.start + m.end(), sent.start + end, ",;: ")
            if piece is not None:
                out.append((piece, False))
            continue
        start = m.end()
        verb = (
            g.get("verb") or g.get("part") or g.get("pass") or g.get("andverb") or g.get("andsay")
            or ("directed that" if g.get("order") else "")
        ).lower()
        if verb == "adding" and i > 0 and out and out[-1][1]:
            # "X directed that A should …, adding that B would be provided …": the demand goes on.
            verb = "directed that"
        elif verb in ("adding", "noting"):
            verb = "said"
        if verb == "decided" and m.group(0).rstrip().endswith("to"):
            verb = "decided to"
        while start < end and s[start] in ", ":
            start += 1
        rest = s[start:end]
        demanding = bool(re.match(r"call|urg|demand|ask|appeal|requir|request|direct|advocat|decided to", verb))
        if not verb or _EN_STRESS_NP.match(rest) or (
            re.match(r"stress|emphasi|highlight|underscor|underlin", verb)
            and re.match(r"[a-z]+ing\b", rest)
            and not m.group(0).rstrip().endswith("that")
        ):
            demanding = True
        imp = _EN_IMPORTANCE_OF.match(rest)
        if imp:
            start += imp.end()
        # "…, the meeting said." after a requirement: an attribution, not a new requirement.
        piece = trim(text, sent.start + start, sent.start + end, ",;: ")
        if piece is not None and re.search(r"[A-Za-z]{2}", piece.text):
            out.append((piece, demanding))
    return out
