"""Can a directive be supervised as written? Three questions over its text (pure Python, no
Django): does it name a lead unit, a time limit, a checkable result? The review screen asks
for what is missing before the directive becomes a task (docs/checks.md has the rules and
their measured precision and recall).

- **Lead unit**: the extraction finds one (牵头/负责/会同 …, "led by"), or the text names a
  particular unit or office (住建局, 区委办, the Ministry of …, the Monitoring Officer).
  Everyone-words name nobody: 各级各部门, 有关部门, 全区上下, relevant departments,
  government departments, all localities.
- **Time limit**: the extraction finds a deadline (12月31日前, 两周内, by 30 June, within
  three months …), or the text sets a cadence (每天, 按月, 每两个月一次, monthly).
- **Checkable result**: a number with its measure (35%, 2,300 youth, 51 key tasks), a
  deliverable (方案, 制度, 清单, 台账, 报告, 预案, 细则, 标准 written, issued or submitted;
  a plan, report, list, rules, criteria; a committee, task force or team set up; a meeting
  convened; an agreement signed; a document approved or issued), or a work finished
  (开工, 竣工, 完工, 投产, 通车, 验收, 建成; completed). "Strengthen", "promote", "ensure"
  alone are not checkable. A document named in 《》 is one to carry out, not to deliver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extraction.deadlines import find_deadline
from luoshi.extraction.hant import to_simplified
from luoshi.extraction.responsibility import find_responsibility

LEAD, DEADLINE, RESULT = "lead", "deadline", "result"
GAPS = (LEAD, DEADLINE, RESULT)

# --- lead unit -----------------------------------------------------------------------------------
_ZH_UNIT = re.compile(
    r"([\u4e00-\u9fff]{1,12}?)(局|厅|委员会|委|办公室|办|处|室|部门|中心|政府|集团|公司|小组|专班|指挥部|管委会|街道|镇|乡)"
    r"(?![\u4e00-\u9fff”\"」』]{0,3}名义)")
# Words that end like a unit and are none (大局, 办实事, 四个中心 …).
_ZH_NOT_UNIT = ("大局", "格局", "布局", "全局", "结局", "好处", "各处", "到处", "难处", "办实事", "四个中心", "中心任务",
                "政府工作", "乡村", "乡镇", "城乡", "家乡", "镇街")
_ZH_EVERYONE = re.compile(r"(各|有关|相关|全体|各级|各地|其他|所属|全区|全县|全市|全省|全旗|上下)$")
_EN_UNIT = re.compile(
    r"\b(?:[A-Z][\w&'.-]*\s+){0,6}(?:Ministry|Ministries|Department|Board|Committee|Commission|Office|Officer|"
    r"Authority|Agency|Bureau|Task Force|Task Group|Minister|Secretary|Director|Division|Portfolio Holder|"
    r"Mayor|Manager|Corporation)\b(?!-)|\b(?:river|village|county|city|district) chiefs?\b")
_EN_EVERYONE = re.compile(r"\b(all|every|each|relevant|various|government|local|other|related)\s+(\w+\s+)?$", re.I)

# --- time limit ----------------------------------------------------------------------------------
_ZH_CADENCE = re.compile(r"每(天|日|周|旬|月|季度?|年|半月|两周|两个月|[一二两三四五六]个?(周|月|星期))|按(日|周|旬|月|季)|逐月|"
                         r"(一|二|三|四|第[一二三四])季度|上半年|下半年|年底|年内|年前|节前|明年|本月|下月")
_EN_CADENCE = re.compile(r"\b(daily|weekly|fortnightly|monthly|quarterly|annually|every (day|week|month|quarter|year)|"
                         r"(by|before|until|on) (the end of )?(january|february|march|april|may|june|july|august|"
                         r"september|october|november|december|mid-|next|this|[0-9]))", re.I)

# --- checkable result ----------------------------------------------------------------------------
_ZH_NUMBER = re.compile(r"\d+(\.\d+)?\s*(%|％|个|项|家|所|座|条|公里|千米|万|亿|吨|户|人|次|元|亩|台|辆|公顷|平方米|套|间|批)")
_ZH_DELIVERABLE = re.compile(
    r"(制定|出台|编制|形成|拿出|提交|提报|报送|印发|起草|修订|汇总|建立|订出|细化|研究|整理|彙整|汇整|准备)[^，,。；;]{0,14}"
    r"(方案|制度|清单|台账|报告|专报|办法|规划|细则|预案|标准|名单|目录|意见|机制|计划|路线图|时间表|责任书|总结)"
    r"|实施方案|工作方案|改进方案|任务清单|责任清单|问题清单|台账|专报|细则|预案|路线图|时间表|责任书|说明会|前瞻规划"
    r"|报告起草|起草工作|(召开|举办|召集|办理|组织)[^，,。；;]{0,12}(会议|会|座谈会|说明会|活动)"
    r"|印发|批复|备案|出台|开工|竣工|完工|投产|通车|验收|建成|签订|签约|落成|列管|提报|开发[^，,。；;]{0,20}系统"
    r"|会勘|访视|訪視|清理|(会|大会)[^，,。；;]{0,6}召开|开航标准|奖补标准|标准")
_EN_NUMBER = re.compile(r"(?<![\w/])(?!(?:19|20)\d\d\b)\$?\d[\d,]*(\.\d+)?\s*(%|per ?cent|[a-z]{3,})", re.I)
_EN_DELIVERABLE = re.compile(
    r"\b(report|plan|list|rules|regulations?|scheme|proposal|criteria|guidelines|strategy|timetable|roadmap|"
    r"agreements?|mou|memorandum|task force|task group|committee|talks team|school|statement|minute|budget|"
    r"expenditure|approv\w+|submit\w*|publication|publish\w*|convene\w*|set up|establish\w*|review)\b", re.I)
_QUOTED = re.compile(r"《[^》]*》|政府工作报告|工作报告|讲话")


@dataclass(frozen=True)
class Supervisability:
    """What a directive lacks to be supervised: some of "lead", "deadline", "result"."""

    gaps: tuple[str, ...]

    @property
    def supervisable(self) -> bool:
        return not self.gaps


def names_lead(text: str, lang: str | None) -> bool:
    found = find_responsibility(text, lang)
    if found.lead or found.cooperating:
        return True
    if lang == "zh":
        folded = to_simplified(text)
        for match in _ZH_UNIT.finditer(folded):
            before = folded[:match.start()] + match.group(1)
            if _ZH_EVERYONE.search(folded[:match.start()]) or _ZH_EVERYONE.search(match.group(1)[:2]):
                continue
            if match.group(1).startswith(("各", "有关", "相关")) or before.endswith(("各", "有关", "相关")):
                continue
            around = folded[max(0, match.end() - 4):match.end() + 3]
            if any(word in around for word in _ZH_NOT_UNIT):
                continue
            return True
        return False
    for match in _EN_UNIT.finditer(text):
        if not _EN_EVERYONE.search(text[:match.start()]):
            return True
    return False


def sets_time_limit(text: str, lang: str | None) -> bool:
    if find_deadline(text, lang, None) is not None:
        return True
    return bool((_ZH_CADENCE if lang == "zh" else _EN_CADENCE).search(to_simplified(text) if lang == "zh" else text))


def has_checkable_result(text: str, lang: str | None) -> bool:
    if lang == "zh":
        folded = _QUOTED.sub("", to_simplified(text))
        return bool(_ZH_NUMBER.search(folded) or _ZH_DELIVERABLE.search(folded))
    return bool(_EN_NUMBER.search(text) or _EN_DELIVERABLE.search(text))


def check(text: str, lang: str | None, *, lead: bool = False, deadline: bool = False) -> Supervisability:
    """The gaps of one directive. `lead` and `deadline` say that the reviewer has already given
    them (a lead unit chosen, a deadline entered): the text need not."""
    gaps = []
    if not lead and not names_lead(text, lang):
        gaps.append(LEAD)
    if not deadline and not sets_time_limit(text, lang):
        gaps.append(DEADLINE)
    if not has_checkable_result(text, lang):
        gaps.append(RESULT)
    return Supervisability(tuple(gaps))
