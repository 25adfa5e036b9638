"""Who chaired the meeting, with their title, and what kind of meeting it was."""

from __future__ import annotations

import re

from .model import Chair, Span

# Words that belong to titles or honorifics, never to a person's name.
_TITLE_WORDS = {
    "premier", "governor", "vice", "deputy", "executive", "secretary", "mayor", "chairman",
    "chairwoman", "chair", "director", "minister", "president", "member", "party", "provincial",
    "province", "committee", "government", "general", "standing", "state", "council", "group",
    "leading", "chief", "head", "comrade", "mr", "ms", "mrs", "dr", "the", "of", "and",
    "people's", "cpc", "central", "municipal", "city", "county", "liaoning", "china",
    "communist", "office", "commission", "political", "bureau", "politburo", "on", "in", "at",
    "a", "an", "prime", "hon", "honourable", "honorable", "councillor", "councilor", "leader",
    "cabinet", "board", "supervisors", "national", "federal", "first", "lord", "sir", "dame",
    "speaker", "senator", "commissioner", "alderman", "reeve", "warden", "meeting", "session",
}
_HONORIFIC = re.compile(
    r"^(?:(?:the|a|an)\s+|(?:the\s+)?(?:hon|honourable|honorable|councillor|councilor|comrade|mr|ms|mrs|dr)\.?\s+)+|"
    r"(?:\s+(?:MP|MLA|MPP|QC|KC|JP))+$|^(?:the\s+)?(?:hon|honourable|honorable|MP)\.?$",
    re.I,
)
_WORD = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Za-z]+)?"
_NAME = re.compile(rf"(?=\b({_WORD})(\s+[A-Z]\.)?\s+({_WORD})\b)")
_EN_VERB_BEFORE = re.compile(
    r"\b(?:presided\s+over|chaired|hosted|convened|presides\s+over|chairs)\b", re.I
)
_EN_VERB_AFTER = re.compile(
    r"\b(?:presided\s+over\s+by|chaired\s+by|hosted\s+by|convened\s+by|"
    r"under\s+the\s+(?:chair|chairmanship|presidency)\s+of)\s+", re.I
)
_EN_IN_CHAIR = re.compile(r"\bwith\s+(.{3,160}?),?\s+in\s+the\s+chair\b", re.I)
_EN_DATE_LEAD = re.compile(
    r"^(?:(?:on|in)\s+[^,]{1,40},\s*|(?:on\s+)?\w+day\s*,\s*|\d{1,2}\s+\w+\s+\d{4},\s*)", re.I
)
_EN_TYPE_STOP = re.compile(
    r"[,.;:]|\s(?:on|in|at|to|which|that|where|for|with)\s|\s(?:earnestly|and\s+(?:stud|deploy|convey|hear|listen))",
    re.I,
)

_ZH_TITLE_END = re.compile(
    r"(?:副?总理|国务委员|副?省长|副?市长|副?县长|副?区长|副?书记|副?主任|副?部长|副?主席|"
    r"秘书长|副?厅长|副?局长|委员|组长|成员)"
)
_ZH_DATE = re.compile(
    r"\d{4}年|\d{1,2}月|\d{1,2}[日号]|[上下中晚早]午|上午|下午|晚上|今天|近日|日前|"
    r"(?:星期|周)[一二三四五六日天]"
)
_ZH_TRAIL = re.compile(r"(?:同志)?(?:在[^，、]{0,20})?(?:[，,])?$")
_ZH_TYPE = re.compile(r"主持召开(?:了)?([^，。；,;\n]{2,60}?会议(?:（[^）]*）)?[^，。；,;\n]{0,20}?)(?=[，。；,;\n]|$)")
_ZH_TYPE_ALT = re.compile(r"召开(?:了)?([^，。；,;\n由]{2,40}?会议)")
_ZH_TYPE_HELD = re.compile(r"(?:^|[，。,\n])([^，。；,;\n由]{2,40}?会议)(?:在[^，。]{0,15})?(?:召开|举行)")


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,，、")


def _title(s: str) -> str:
    """A title without articles and honorifics ("the Hon", "MP", "Councillor")."""
    parts = [_HONORIFIC.sub("", p.strip()).strip() for p in s.split(",")]
    return ", ".join(p for p in parts if p)


def _en_name_title(chunk: str, base: int) -> tuple[str, str, Span] | None:
    """Split "Name, Title" or "Title Name": the name is two capitalised non-title words."""
    for m in _NAME.finditer(chunk):
        first, initial, last = m.group(1), m.group(2) or "", m.group(3)
        if first.lower() in _TITLE_WORDS or last.lower() in _TITLE_WORDS:
            continue
        start = m.start(1)
        end = m.end(3)
        name = f"{first}{' ' + initial.strip() if initial else ''} {last}"
        before = _title(_clean(chunk[:start]))
        # "Name, Title, Title" puts the titles after, as long as they look like titles.
        after_parts: list[str] = []
        rest = chunk[end:]
        if rest.lstrip().startswith(","):
            for part in rest.split(",")[1:]:
                part = part.strip()
                if not part or not part[0].isupper():
                    break
                after_parts.append(part)
        after = _title(", ".join(after_parts))
        return name, (after or before), (base + start, base + end)
    return None


def _sentence_at(text: str, pos: int, lead: tuple[int, int]) -> int:
    """Start of the sentence holding `pos` (an abbreviation's stop is not a sentence end)."""
    seg_start = lead[0]
    for m in re.finditer(r"[.!?]\s+(?=[A-Z“\"])", text[lead[0] : pos]):
        if not re.search(r"\b(?:[A-Z]|Co|Ltd|Mr|Ms|Mrs|Dr|St|No)\.$", text[lead[0] : lead[0] + m.start() + 1]):
            seg_start = lead[0] + m.end()
    return seg_start


def find_chair_en(text: str, lead: tuple[int, int]) -> tuple[Chair | None, str | None, Span | None]:
    start, end = lead
    seg = text[start:end]
    in_chair = _EN_IN_CHAIR.search(seg)
    after = _EN_VERB_AFTER.search(seg)
    before = _EN_VERB_BEFORE.search(seg)
    if in_chair and not (before and before.start() < in_chair.start()):
        nt = _en_name_title(in_chair.group(1), start + in_chair.start(1))
        sent = _sentence_at(text, start + in_chair.start(), lead) - start
        mtype = _clean(re.split(r"\s(?:met|was\s+held|convened)\b", seg[sent : in_chair.start()])[0])
        mtype = re.sub(r"^(?:the|a|an)\s+", "", mtype, flags=re.I)
        chair = Chair(nt[0], nt[1], nt[2], "'with … in the Chair'") if nt else None
        return chair, (mtype or None), None
    if after and (not before or after.start() <= before.start()):
        tail_start = after.end()
        tail = re.split(r"[.;](?:\s|$)|\s(?:on|at|to)\s", seg[tail_start:])[0]
        nt = _en_name_title(tail, start + tail_start)
        sent = _sentence_at(text, start + after.start(), lead) - start
        mtype = _clean(_EN_DATE_LEAD.sub("", seg[sent : after.start()]))
        mtype = re.split(r"\s(?:was|were)\s+(?:held|convened)\b|\s(?:met|held)\b|,", mtype)[0]
        mtype = re.sub(r"^(?:the|a|an)\s+", "", mtype.strip(), flags=re.I)
        chair = Chair(nt[0], nt[1], nt[2], "'" + after.group(0).strip() + "' + name") if nt else None
        return chair, (mtype or None), None
    if before:
        sent = _sentence_at(text, start + before.start(), lead) - start
        head = seg[sent : before.start()]
        lead_m = _EN_DATE_LEAD.match(head)
        chunk_start = sent + (lead_m.end() if lead_m else 0)
        nt = _en_name_title(seg[chunk_start : before.start()], start + chunk_start)
        chair = Chair(nt[0], nt[1], nt[2], "name + '" + before.group(0) + "'") if nt else None
        rest = seg[before.end() :]
        rest_m = re.match(r"\s+(?:(?:the|a|an)\s+)?", rest)
        type_start = before.end() + (rest_m.end() if rest_m else 0)
        stop = _EN_TYPE_STOP.search(seg, type_start)
        type_end = stop.start() if stop else len(seg)
        mtype = seg[type_start:type_end].strip()
        span = (start + type_start, start + type_start + len(mtype)) if mtype else None
        return chair, (mtype or None), span
    return None, None, None


def find_chair_zh(text: str, lead: tuple[int, int]) -> tuple[Chair | None, str | None, Span | None]:
    start, end = lead
    seg = text[start:end]
    mtype: str | None = None
    span: Span | None = None
    tm = _ZH_TYPE.search(seg) or _ZH_TYPE_ALT.search(seg) or _ZH_TYPE_HELD.search(seg)
    if tm:
        mtype = tm.group(1)
        span = (start + tm.start(1), start + tm.end(1))
        # "省政府召开第8次常务会议": the convening body belongs to the meeting's name.
        body = re.search(r"(?:省政府|市政府|国务院|县政府|区政府)(?:党组)?$", seg[: tm.start()])
        if body and tm.group(0).startswith("召开"):
            mtype = body.group(0) + mtype
            span = None
    for m in re.finditer(r"主持", seg):
        head = seg[: m.start()]
        by = head.rfind("由")
        cut = max(head.rfind(c) for c in "，。；,;\n")
        if by > cut:
            cut = by
        chunk_start = cut + 1
        chunk = head[chunk_start:]
        # Dates and times sit between the name and 主持 ("李强5月10日主持"); drop them.
        chunk = _ZH_DATE.sub("", chunk)
        chunk = _ZH_TRAIL.sub("", chunk).strip()
        title_end = None
        for t in _ZH_TITLE_END.finditer(chunk):
            title_end = t
        title = chunk[: title_end.end()] if title_end else ""
        name = chunk[title_end.end() :] if title_end else chunk
        name = name.strip()
        if 2 <= len(name) <= 4 and re.fullmatch(r"[\u4e00-\u9fff·]+", name):
            pos = seg.find(name, chunk_start)
            cspan = (start + pos, start + pos + len(name)) if pos >= 0 else None
            return Chair(name, title.strip("、，, "), cspan, "title + name + '主持'"), mtype, span
    return None, mtype, span
