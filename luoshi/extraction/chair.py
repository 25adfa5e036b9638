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
    r"[^，。、\s]{0,12}?\d{1,2}月\d{1,2}日[电電]|[昨今前][(（]\d{1,2}[)）]日|昨[天日]|\d{2,4}年|\d{1,2}月|\d{1,2}[日号號]|[上下中晚早]午|上午|下午|晚上|今天|近日|日前|"
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


# ---------------------------------------------------------------------------------------------
# Chairs on real pages (issue 15): every chair cue of the page's head is tried in order, and a
# name must have a person's shape. A name is the longest run of name-like tokens next to the
# cue ("Sardar Usman Buzdar", "Kamla Persad-Bissessar", "N. Nenshi"), after the title when a
# title comes first ("Khyber Pakhtunkhwa Chief Minister Muhammad Sohail Afridi"), without
# honorifics ("Datuk Seri", "Dr. the Honourable"); a lone surname only right after a title
# ("Mayor Lastman took the Chair"). Place names, datelines and agencies are never names.

_EN_TITLE = re.compile(
    r"\b(?:(?:Vice|Deputy|Acting|Executive|First|Chief|Prime|State)\s+)*"
    r"(?:Premier|Prime\s+Minister|Chief\s+Minister|Governor|Mayor|President|Chairman|Chairwoman|"
    r"Chairperson|Chair|Secretary|Minister|Leader|Reeve|Warden|Speaker|Commissioner|Director|Head|"
    r"Chief\s+Executive|CM|PM)\b"
)
_HONORIFIC_TOKENS = {
    "datuk", "seri", "dato", "dato'", "tan", "sri", "tun", "dr", "dr.", "hon", "hon.", "honourable",
    "honorable", "the", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "sir", "dame", "his", "her",
    "worship", "excellency", "councillor", "councilor", "comrade", "madam", "rt", "rt.", "right",
}
# Words that look like names but are places, agencies, months and other page furniture.
_NOT_NAME = {
    "beijing", "china", "chinese", "xinhua", "pakistan", "point", "news", "urdupoint", "app",
    "punjab", "sindh", "khyber", "pakhtunkhwa", "balochistan", "lahore", "karachi", "peshawar",
    "quetta", "islamabad", "from", "date", "source", "photo", "province", "provincial", "city",
    "county", "council", "cabinet", "government", "state", "people's", "people’s", "party", "cpc",
    "committee", "meeting", "session", "minutes", "regular", "special", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "on",
    "in", "at", "of", "and", "with", "by", "for", "to", "a", "an", "it", "this", "that", "he",
    "she", "they", "we", "bureau", "office", "department", "ministry", "national", "federal",
    "general", "central", "municipal", "political", "standing", "executive", "vice", "deputy",
    "premier", "governor", "mayor", "president", "chairman", "chairwoman", "chairperson", "chair",
    "secretary", "minister", "prime", "chief", "leader", "member", "members", "also", "present",
    "sichuan", "jiangsu", "zhejiang", "liaoning", "guangdong", "hengyang", "zunyi", "shenzhen",
    "nassau", "bahamas", "putrajaya", "malaysia", "nepal", "kathmandu", "dhaka", "bangladesh",
    "india", "delhi", "new", "sri", "lanka", "colombo", "jamaica", "kingston", "trinidad",
    "tobago", "port", "spain", "toronto", "calgary", "ames", "iowa", "item", "items", "report",
    "reports", "agenda", "decision", "decisions", "west", "east", "north", "south", "hall",
    "chamber", "chambers", "room", "house", "building", "group", "leading", "commission",
    "communist", "university", "mr", "ms", "mrs", "dr", "cm", "pm", "ceo", "cao", "acting", "first",
    "today", "yesterday", "here", "there", "following", "said", "says", "during", "after",
    "before", "under", "over", "called", "order", "presiding", "presided", "chaired", "chairs",
    "mp", "mla", "mpp", "mna", "qc", "kc", "jp", "obe", "cbe", "mbe", "the", "honourable", "hon",
}
_TOKEN = re.compile(
    r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.|[A-Z][a-z]?\.(?=\s)|[“\"][A-Z][a-z]+[”\"]|[A-Z]{2,}(?:-[A-Z]+)?"
)
# Each pattern opens with a lookahead for the first characters its alternatives can start
# with: the same matches, but most positions are rejected at once (a hot spot of the bench).
_EN_CUE_BEFORE = re.compile(
    r"(?=[pchtow,(])\b(?:presided\s+over|presides\s+over|presiding\s+over|chaired|chairs|chairing|hosted|convened|"
    r"presided(?!\s+over\s+by)|,\s*in\s+the\s+chair|"
    r"took\s+the\s+chair|presiding|called\s+(?:(?:the|a|an)\s+[^.]{0,80}?\s+)?to\s+order|was\s+in\s+the\s+chair|"
    r"opened\s+the\s+(?:meeting|session))\b|\((?:Chairman|Chairwoman|Chairperson|Chair|in\s+the\s+Chair|Presiding)\)",
    re.I,
)
_EN_CUE_AFTER = re.compile(
    r"(?=[pchouw\s])\b(?:presided\s+over\s+by|chaired\s+by|hosted\s+by|convened\s+by|opened\s+by|"
    r"called\s+to\s+order\s+(?:at\s+[0-9:.]+\s*(?:[ap]\.?m\.?)?\s+)?by|"
    r"(?<![^\n])\s*(?:Chair(?:man|woman|person)?|Presiding(?:\s+Officer)?|In\s+the\s+Chair)\s*:|"
    r"under\s+the\s+(?:chair|chairmanship|presidency)\s+of|with\s+(?=[^.]{0,120}\bin\s+the\s+chair))\s*",
    re.I,
)
_TRAILING_ADVERBIAL = re.compile(
    r"(?:,?\s+(?:who|which)\b.*|\s+(?:on|in|at|this|last)\s+(?:the\s+)?(?:morning\s+of\s+)?[A-Za-z0-9.]+(?:\s+(?:morning|afternoon|evening|\d{1,2}|\d{4}))?(?:,\s*\d{4})?|"
    r"\s+(?:today|yesterday|also|has|had|have|was|jointly|here|formally|again)|[\s,]+)$",
    re.I,
)
_CAPS_LINE = re.compile(r"^[^a-z]*$")


def _tokens(s: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(s)]


def _furniture(tok: str) -> bool:
    low = tok.lower().strip(".")
    return low in _NOT_NAME or tok.lower() in _HONORIFIC_TOKENS or low in _HONORIFIC_TOKENS


def _name_run(s: str, from_end: bool) -> tuple[int, int] | None:
    """The run of name tokens at the end (or start) of `s`, joined by single spaces, stopping
    at titles, places and other furniture."""
    toks = _tokens(s)
    if not toks:
        return None
    order = list(reversed(toks)) if from_end else toks
    edge = len(s.rstrip(" ,\n")) if from_end else len(s) - len(s.lstrip(" ,\n"))
    first = order[0]
    if (from_end and first[2] != edge) or (not from_end and first[1] != edge):
        return None
    run: list[tuple[str, int, int]] = []
    for tok in order:
        if run:
            prev = run[-1]
            gap = s[tok[2] : prev[1]] if from_end else s[prev[2] : tok[1]]
            if gap not in (" ", "\n", ". ") or (gap == ". " and not (from_end and re.fullmatch(r"[A-Z][a-z]+", tok[0]))):
                break
        if _furniture(tok[0]):
            break
        run.append(tok)
    if from_end:
        run.reverse()
    if not run:
        return None
    if len(run) > 1 and all(t[0].isupper() and len(t[0]) > 2 for t in run):
        return None  # "REGULAR SESSION", "CALL TO ORDER"
    return run[0][1], run[-1][2]


def _valid(name: str, after_title: bool) -> bool:
    words = [w for w in name.split() if not re.fullmatch(r"[A-Z]\.", w)]
    if not words:
        return False
    if len(name.split()) == 1 and not after_title:
        return False
    if len(name.split()) > 5:
        return False
    if name.isupper() and len(name.split()) > 1 and len(name) > 4:
        return False  # "REGULAR SESSION"
    return not any(w.lower().strip(".,") in _NOT_NAME for w in words)


_BLANK = re.compile(
    r"\((?:[A-Z]{1,6}|[A-Z][a-z]+)\)|\b(?:Dr\.?\s+)?(?:the\s+)?(?:Rt\.?\s+)?Hon(?:ourable|orable|\.)?\s+|\bDr\.\s+|"
    r"\bDatuk\s+Seri\s+|\bDato['’]?\s+Sri\s+|\bTan\s+Sri\s+|\b(?:His|Her)\s+Worship\s+|\b(?:Mr|Mrs|Ms)\.\s+|\b(?:Councill?or|Alder(?:man|woman))\s+"
)


def _blank(s: str) -> str:
    """Honorifics and "(CM)" become spaces: offsets stay, names come next to their titles."""
    return _BLANK.sub(lambda m: " " * len(m.group(0)), s)


def _name_in(chunk: str, base: int, before_cue: bool) -> tuple[str, str, Span] | None:
    """Find the chair's name in a chunk next to a cue: before it ("Premier Li Qiang chaired",
    "Li Lecheng, Governor, presided") or after it ("chaired by Punjab Chief Minister X")."""
    chunk = re.sub(r"\s+", " ", chunk) if "\n" in chunk and False else chunk
    if before_cue:
        chunk = _blank(chunk)
        body = _TRAILING_ADVERBIAL.sub("", chunk)
        while True:
            shorter = re.sub(r"\s+of\s+(?:the\s+)?(?:[A-Z][\w’']*\s*)+$", "", _TRAILING_ADVERBIAL.sub("", body))
            if shorter == body:
                break
            body = shorter
        parts = body.split(",")
        # "Name, Title, Title presided" / "Premier Li Keqiang, also a member of …, presided":
        # the name ends the first comma part that ends with one.
        if len(parts) > 1 and not _name_run(parts[-1], True):
            offset = 0
            for i, part in enumerate(parts[:-1]):
                run = _name_run(part, True)
                if run:
                    s, e = offset + run[0], offset + run[1]
                    prefix = body[:s]
                    tm = list(_EN_TITLE.finditer(prefix))
                    name = body[s:e]
                    if _valid(name, bool(tm) and not prefix[tm[-1].end():].strip()):
                        title = ", ".join(p.strip() for p in parts[i + 1 :] if p.strip())
                        if tm and not prefix[tm[-1].end():].strip():
                            title = prefix.strip(" ,")
                        return name, _title(title), (base + s, base + e)
                offset += len(part) + 1
        run = _name_run(body, True)
        if run:
            s, e = run
            prefix = body[:s]
            tm = list(_EN_TITLE.finditer(prefix))
            after_title = bool(tm) and not prefix[tm[-1].end() :].strip(" ,")
            name = body[s:e]
            if _valid(name, after_title):
                title = ""
                if tm:
                    title_start = prefix.rfind(",", 0, tm[-1].start()) + 1
                    title = prefix[title_start:].strip(" ,")
                    title = re.sub(r"^.*?\b(?:--|—)\s*", "", title)
                    title = re.sub(r"^(?:(?:The|the|Chinese|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+)?(?=(?:Vice|Deputy|Acting|Executive|First)?\s*(?:Premier|Prime|Chief|Governor|Mayor|President))", "", title)
                return name, _title(title), (base + s, base + e)
        return None
    # After the cue: up to the first comma, stop word or sentence end.
    chunk = _blank(chunk)
    tail = re.split(r"(?<![A-Z])[.;:]\s|\s(?:on|at|to|in|which|where|and|was|is|were)\s|\(", chunk)[0]
    first_part = tail.split(",")[0]
    tm = list(_EN_TITLE.finditer(first_part))
    if tm:
        after = first_part[tm[-1].end() :]
        lead_ws = tm[-1].end() + (len(after) - len(after.lstrip(" ,")))
        rest = tail[lead_ws:]
        rest_part = rest.split(",")[0] if rest.split(",")[0].strip() else ",".join(rest.split(",")[:2])
        # "Prime Minister, Dr. the Honourable Timothy Harris": the name after honorifics.
        cleaned = rest_part
        run = _name_run(cleaned, False)
        if run:
            s, e = lead_ws + run[0], lead_ws + run[1]
            # extend to the full run (the run from the start stops at the first gap)
            name = tail[s:e]
            full = _name_run(tail[s:e + 60].split(",")[0], False)
            if full:
                name = tail[s : s + full[1]]
                e = s + full[1]
            if _valid(name, True):
                return name, _title(first_part[: tm[-1].end()].strip()), (base + s, base + e)
    run = _name_run(first_part, False)
    if run:
        name = first_part[run[0] : run[1]]
        title = ", ".join(p.strip() for p in tail.split(",")[1:] if p.strip()[:1].isupper())
        if _valid(name, False):
            return name, _title(title), (base + run[0], base + run[1])
    return None


def chair_en(text: str, region: tuple[int, int]) -> Chair | None:
    """The first chair cue of the region whose neighbourhood holds a valid name."""
    start, end = region
    seg = text[start:end]
    cues: list[tuple[int, re.Match[str], bool]] = []
    cues += [(m.start(), m, False) for m in _EN_CUE_AFTER.finditer(seg)]
    cues += [(m.start(), m, True) for m in _EN_CUE_BEFORE.finditer(seg)]
    cues.sort(key=lambda c: (c[0], c[2]))
    taken_after = {m.start() for _, m, before in cues if not before}
    for pos, m, before in cues:
        if before and any(a <= pos < a + 40 for a in taken_after):
            continue
        if before:
            ss = _sentence_at(text, start + pos, (start, end)) - start
            ls = seg.rfind("\n", 0, pos) + 1
            cs = max(ss, ls)
            chunk = seg[cs:pos]
            lead_m = _EN_DATE_LEAD.match(chunk)
            if lead_m:
                cs += lead_m.end()
                chunk = seg[cs:pos]
            # "BEIJING, Feb. 6 (Xinhua) -- Chinese Premier …": the dateline is not the subject.
            dl = re.search(r"(?:--|—|\):|\)\s*-)\s*", chunk)
            if dl:
                cs += dl.end()
                chunk = seg[cs:pos]
            found = _name_in(chunk, start + cs, True)
            why = f"name + '{m.group(0).strip()}'"
        else:
            chunk = seg[m.end() : m.end() + 200]
            found = _name_in(chunk, start + m.end(), False)
            why = f"'{m.group(0).strip()}' + name"
        if found:
            title = re.sub(r"\s+", " ", found[1]).strip(" ,.;:")
            # "… 09:36, February 25, 2026 On February 24, Governor", "-- Chinese Premier": the
            # title is what follows the last date, clock time or dash.
            title = re.split(r"--|—|–|\b\d{4}\b|\d:\d\d|\b\d{1,2},", title)[-1]
            title = re.sub(r"^\W*(?:(?:On|on)\s+[A-Z][a-z]+\.?\s*\d*,?\s*)?", "", title).strip(" ,.;:-")
            return _expand(Chair(re.sub(r"\s+", " ", found[0]), title, found[2], why), seg, start)
    # Presiding implied: the head of government named in the head ("Prime Minister Sheikh
    # Hasina made the announcement at a Cabinet meeting").
    implied: list[Chair] = []
    for m in _IMPLIED.finditer(seg):
        rest = _blank(seg[m.end() : m.end() + 80])
        run = _name_run(rest.split(",")[0], False)
        if run:
            name = re.sub(r"\s+", " ", rest[run[0] : run[1]])
            if _valid(name, True):
                pos = start + m.end() + run[0]
                implied.append(Chair(name, m.group(0).strip(), (pos, pos + run[1] - run[0]), f"implied: '{m.group(0).strip()}' + name"))
    for m in _IMPLIED_AFTER.finditer(_blank(seg)):
        name = m.group(1)
        if _valid(name, False):
            implied.append(Chair(name, m.group(2), (start + m.start(1), start + m.end(1)), f"implied: name + ', {m.group(2)}'"))
    implied.sort(key=lambda c: (" " not in c.name, c.span[0] if c.span else 0))
    if implied:
        return _expand(implied[0], seg, start)
    # Council minutes: the mayor heading the "PRESENT:" list presides ("PRESENT: Mayor N. Nenshi").
    pm = _PRESENT_MAYOR.search(seg)
    if pm:
        name = re.sub(r"\s+", " ", pm.group("name"))
        return Chair(name, pm.group("title"), (start + pm.start("name"), start + pm.end("name")), "implied: mayor heading 'Present:'")
    return None


_PRESENT_MAYOR = re.compile(
    r"(?im)^\s*(?:members\s+)?present\s*:?\s*\n?(?:\s*\n)*\s*(?:(?:his|her)\s+worship,?\s+)?"
    r"(?P<title>(?:Deputy\s+)?Mayor|Reeve|Warden)\s+"
    r"(?P<name>(?:[A-Z]\.[ \t]*){0,2}[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*(?:[ \t]+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*)?)\b"
)


_IMPLIED = re.compile(
    r"\b(?:Chinese\s+)?(?:Premier|Prime\s+Minister|Chief\s+Minister(?:\s+(?:of\s+)?(?:Punjab|Sindh|Khyber\s+Pakhtunkhwa|Balochistan))?|Governor)\s+"
)


_IMPLIED_AFTER = re.compile(
    r"(?<![\w.])((?!The\b)(?:(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)? ){1,3}(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?),\s+"
    r"(Premier|Prime\s+Minister|Chief\s+Minister|Governor)\b"
)


def _expand(chair: Chair, seg: str, start: int) -> Chair:
    """A lone surname ("Premier Li chairs", "Chairman Bradshaw called …") takes the full name
    the head gives with a title ("Chinese Premier Li Qiang", "Phillip. A. Bradshaw, Chairman")."""
    if " " in chair.name:
        return chair
    x = re.escape(chair.name)
    full = re.search(r"\b(?:Premier|Minister|Governor|Mayor|President|Chairman|Secretary)\s+(" + x + r"\s+[A-Z][a-z]+)\b(?!\s+[A-Z])", seg)
    if full is None:
        full = re.search(r"(?:^|\n|:\s)\s*((?:[A-Z][a-z]+\.?\s+)(?:[A-Z]\.\s+)?" + x + r"),\s*(?:Chairman|Chair|Mayor|Reeve|Warden)\b", seg)
    if full is None:
        return chair
    return Chair(full.group(1), chair.title, (start + full.start(1), start + full.end(1)), chair.why + " (full name from the head)")


def plausible_chair(name: str, lang: str | None) -> bool:
    if lang == "zh":
        return bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", name)) and name[-1] not in "长長记記理任"
    return _valid(name, True)


_GLOSS = r"(?:\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\))?"
_HAN = r"[\u4e00-\u9fff]"
# A title ends in one of these (simplified or traditional, a pinyin gloss may follow).
_ZH_TITLE_TAIL = re.compile(
    r"(?:总理|總理|书记|書記|长|長|主任|主席|委员|委員|组长|組長|局长|部長|部长|专员|專員|理事长|首长|首長)" + _GLOSS
)
_ZH_NAME = re.compile(r"(" + _HAN + _GLOSS + r"){2,4}")
_ZH_NOT_NAME = re.compile(r"[会會议議政府省市县縣区區旗部委局办辦厅廳党黨组組院镇鎮乡鄉村街道届屆次年月日时時]|同志|主持|召开|召開")
_ZH_CUT = "，。；,;\n：:]】」》)）|｜ 　／/"
_ZH_IMPLIED = re.compile(
    r"((?:" + _HAN + r"{0,12}?(?:书记|書記|县长|縣長|区长|區長|市长|市長|旗长|旗長|州长|州長|部长|部長|省长|省長|主任)" + _GLOSS + r"[、，,]?)+)"
    r"(" + _HAN + r"{2,3})(?=" + _GLOSS + r"(?:同志)?(?:指示|裁示|要求|强调|強調|指出|表示|傳達|传达|责成|責成|召开|召開|也|並|并|在會|在会|在[^，。；,\n]{1,20}?召[开開][^，。；,\n]{0,20}?[会會]))"
)


def _zh_name_title(chunk: str) -> tuple[str, str, int] | None:
    """Split "市委副书记、市长陈平" into (name, title, name offset); "李克强" alone is a name."""
    chunk = _ZH_DATE.sub(lambda m: "\x00" * len(m.group(0)), chunk)
    chunk = re.sub(r"(?:同志)?(?:在[^，、\x00]{0,20})?\x00*$", lambda m: "\x00" * len(m.group(0)), chunk)
    body = chunk.rstrip("\x00 ")
    tails = list(_ZH_TITLE_TAIL.finditer(body))
    start = tails[-1].end() if tails else max(body.rfind("\x00") + 1, 0)
    name = body[start:]
    title = body[:start].replace("\x00", "").strip("、，, ") if tails else ""
    if not _ZH_NAME.fullmatch(name) or _ZH_NOT_NAME.search(re.sub(r"\([a-z\u00e0-\u01dc]+\)", "", name)):
        return None
    han = re.sub(r"\([^)]*\)", "", name)
    if not 2 <= len(han) <= 4 or han[-1] in "长長记記理任席":
        return None
    return name, title, start


def chair_zh(text: str, region: tuple[int, int]) -> Chair | None:
    """The first '主持' of the page head with a person's name before it (or after 由), else a
    leader whose 指示/要求/裁示 run the meeting (presiding implied)."""
    start, end = region
    seg = text[start:end]
    weak: Chair | None = None
    for m in re.finditer(r"主持", seg):
        head = seg[: m.start()]
        by = head.rfind("由")
        # A pinyin gloss's ")" ("李克強(qiáng)主持") does not end the chunk.
        unglossed = re.sub(r"\([a-z\u00e0-\u01dc]+\)|[(（]\d{1,2}[)）]", lambda g: "x" * len(g.group(0)), head)
        cut = max(unglossed.rfind(c) for c in _ZH_CUT)
        if by > cut:
            cut = by
        found = _zh_name_title(head[cut + 1 :])
        if found:
            name, title, off = found
            pos = start + cut + 1 + off
            return _zh_expand(Chair(name, title, (pos, pos + len(name)), "title + name + '主持' (page head)"), seg)
        # "王縣長主持": surname + title; the full name comes from the head.
        short = re.search(r"(" + _HAN + r")(縣長|县长|區長|区长|市長|市长|州長|州长|旗长|旗長|省長|省长|部長|部长|總理|总理|書記|书记)$", head[cut + 1 :].rstrip())
        if short and weak is None:
            full = re.search(re.escape(short.group(2)) + r"(" + re.escape(short.group(1)) + _HAN + r"{1,2})(?=" + _HAN + r"{0,4}[，,、。主在])", seg)
            if full:
                weak = Chair(full.group(1), short.group(2), (start + full.start(1), start + full.end(1)), "surname + title + '主持', full name from the head")
    if weak:
        return weak
    for im in _ZH_IMPLIED.finditer(seg):
        if re.search(r"总书记|總書記|国家主席|國家主席", im.group(1)):
            continue  # the national leaders whose instructions a meeting studies
        title = im.group(1).strip("、，, ")
        title = title[max(title.rfind(c) for c in "。；;：:") + 1 :]
        return Chair(im.group(2), title, (start + im.start(2), start + im.end(2)), "implied: title + name + 指示/要求")
    # "区长张贵林出席会议并讲话": the one leader who attends and speaks at his government's
    # meeting presides; several leaders attending and speaking name no chair.
    attends = list(_ZH_ATTENDS.finditer(seg))
    if len(attends) == 1 and re.search(r"(?:会|會|召开|召開|举行|舉行)[,，]\s*$", seg[: attends[0].start()]):
        am = attends[0]
        return Chair(am.group(2), am.group(1).strip("、，, "), (start + am.start(2), start + am.end(2)), "implied: the one leader attending and speaking")
    return None


_ZH_ATTENDS = re.compile(
    r"((?:" + _HAN + r"{0,12}?(?:书记|書記|县长|縣長|区长|區長|市长|市長|旗长|旗長|州长|州長|部长|部長|省长|省長)、?)+)"
    r"(" + _HAN + r"{2,3})(?=(?:同志)?出席(?:会议|會議)?并讲话|(?:同志)?出席(?:会议|會議)?並講話)"
)


def _zh_expand(chair: Chair, seg: str) -> Chair:
    return chair


# ---------------------------------------------------------------------------------------------
# The meeting's name as written (issue 15): read next to the chair first (the body's
# "主持召开县第十八届人民政府第65次常务会议", "chaired a State Council executive meeting"), then
# where the page names what was held ("…会议召开", "A meeting of the provincial cabinet, chaired
# by"), then a minutes or decision-record header ("Decision Maker: Cabinet", "REGULAR SESSION").

_ZH_MEETING_NOUN = r"(?:会议|會議|常委会|常委會|办公会|辦公會|调度会|調度會|推进会|推進會|座谈会|座談會|研讨会|研討會|全体会|全體會|大会|大會|会报|會報|月報|月报|週報|周报|例会|例會|行政会|行政會|[会會]" + _GLOSS + r"(?:[议議]" + _GLOSS + r")?)"
_ZH_TYPE_BODY = r"[^，。；,;\n：:、！？“”]{1,50}?" + _ZH_MEETING_NOUN + r"(?:[(（][^)）]{1,10}[)）])?(?:[暨和及][^，。；,;\n：:]{1,40}?" + _ZH_MEETING_NOUN + r")?"
_ZH_TYPE_END = r"(?=[，。；,;\n、:：]|$|[并並及]|上|时|時|，)"
_ZH_TYPE_AFTER = re.compile(r"(?:主持(?:召[开開])?|召[开開])(?:了)?(" + _ZH_TYPE_BODY + r")" + _ZH_TYPE_END)
_ZH_TYPE_BEFORE = re.compile(
    r"(?:^|[，。；,;\n】\]」])\s*(" + _ZH_TYPE_BODY + r")(?:在[^，。,]{1,25})?(?:召开|召開|举行|舉行)(?![^，。,\n]{0,4}[会會])"
)
_EN_MEETING_NOUN = r"(?:meeting|session|Meeting|Session|MEETING|SESSION|plenary|Cabinet|cabinet|Council|council|conference|Conference|discussion|Discussion)"
_EN_TYPE_AFTER_VERB = re.compile(
    r"\b(?:chaired|chairs|chairing|presided\s+over|presides\s+over|presiding\s+over|convened|held|hosted|attended|at|for)\s+"
    r"(?:(?:the|a|an|its|his|her)\s+)([A-Za-z0-9’'\- ]{0,80}?\b" + _EN_MEETING_NOUN + r"\b(?:\s+and\s+[a-z]+(?:\s+[a-z]+)?\s+meeting)?(?:\s+of\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,8}?)?)"
    r"(?=\s+(?:on|in|at|to|which|that|where|for|with|here|today|yesterday|this|via|and|was|were|under|chaired|presided|since|after|before)\b|[,.;:\n(]|$)",
)
_EN_TYPE_SUBJECT = re.compile(
    r"(?:^|\n|\.\s+|--\s+|\):\s*|\)\s+-\s+|\d:\s+)(?:(?:A|An|The)\s+)?([A-Za-z0-9’'\- ]{0,60}?\b" + _EN_MEETING_NOUN + r"\b(?:\s+of\s+the\s+[A-Za-z’' ]{2,40}?)?),?\s+"
    r"(?:chaired\s+by|presided\s+over\s+by|was\s+held|met\b|held\b)"
)
_EN_TYPE_HEADER = re.compile(
    r"(?:^|\n)\s*(?:Decision\s+Maker:\s*|Meeting:\s*[\d/]+\s*-\s*)?((?:Cabinet|Council|Executive|City\s+Council)(?=\s*(?:\n|-\s|\(|$)))",
)
_EN_MINUTES_HEAD = re.compile(
    r"((?:REGULAR|SPECIAL|INFORMAL|FORMAL|Regular|Special|Informal|Formal)\s+(?:[A-Za-z]+\s+){0,3}?(?:MEETING|SESSION|DISCUSSION|Meeting|Session|Discussion)"
    r"(?:[ \t]+(?:OF|of)[ \t]+(?:THE[ \t]+|the[ \t]+)?(?:[A-Z][A-Za-z]*[ \t]*){1,8})?)"
)


def _tidy_type(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" ,.;:…")
    s = re.sub(r"^(?:THAT|That)\s+(?:the\s+)?", "", s)
    s = re.sub(r"^(?:【[^】]*】|\[[^\]]*\])\s*", "", s)
    return s


def meeting_type_zh(text: str, region: tuple[int, int], chair: Chair | None) -> tuple[str, Span] | None:
    start, end = region
    seg = text[start:end]
    anchor = (chair.span[0] - start) if chair and chair.span else 0
    # The chair's own sentence first, then the whole head in order.
    sent_start = max(seg.rfind(c, 0, anchor) for c in "。\n") + 1 if anchor else 0
    order = [(sent_start, len(seg)), (0, len(seg))]
    for lo, hi in order:
        for pattern in (_ZH_TYPE_AFTER, _ZH_TYPE_BEFORE):
            m = pattern.search(seg, lo, hi)
            if m:
                name = m.group(1)
                lead = len(name) - len(name.lstrip(" 　"))
                name = _tidy_type(name)
                if 2 <= len(name) <= 60 and not re.search(r"主持|出席|参加|參加|重要|^的|一次", name):
                    pos = start + m.start(1) + lead
                    return name, (pos, pos + len(name))
    return None


def meeting_type_en(text: str, region: tuple[int, int], chair: Chair | None) -> tuple[str, Span] | None:
    start, end = region
    seg = text[start:end]
    anchor = (chair.span[0] - start) if chair and chair.span else 0
    sent_start = max(seg.rfind("\n", 0, anchor), seg.rfind(". ", 0, anchor)) + 1 if anchor else 0
    bare: tuple[str, Span] | None = None
    for lo in (sent_start, 0):
        found = []
        for pattern in (_EN_TYPE_AFTER_VERB, _EN_TYPE_SUBJECT):
            m = pattern.search(seg, lo)
            if m:
                found.append(m)
        found.sort(key=lambda m: m.start(1))
        for m in found:
            name = _tidy_type(m.group(1))
            name = re.sub(r"^(?:hours?\s+long|\d+[- ]hour(?:-long)?|long|lengthy|brief)\s+", "", name)
            if re.search(r"\b(?:minutes|decisions|summary|record|next|previous|last|upcoming|coming)\b|^to\s", name, re.I):
                continue
            if 2 <= len(name) <= 90 and not name.lower().startswith(("announcement", "press", "news")):
                span = (start + m.start(1), start + m.start(1) + len(m.group(1).rstrip(" ,.;:")))
                # A bare "meeting" gives way to a fuller name elsewhere ("The Cabinet meeting held").
                if name.lower() in ("meeting", "session"):
                    bare = bare or (name, span)
                    continue
                return name, span
    for pattern in (_EN_TYPE_HEADER, _EN_MINUTES_HEAD):
        m = pattern.search(seg, 0, min(len(seg), 800))
        if m:
            name = _tidy_type(m.group(1))
            return name, (start + m.start(1), start + m.start(1) + len(m.group(1).rstrip(" ,.;:")))
    return bare



def plausible_meeting_type(name: str, lang: str | None) -> bool:
    """A lead-paragraph meeting type is kept only when it names a meeting ("New Delhi" does not)."""
    if lang == "zh":
        return re.search(_ZH_MEETING_NOUN, name) is not None
    return re.search(r"\b(?:meeting|session|cabinet|council|board|plenary|committee|conference)\b", name, re.I) is not None
