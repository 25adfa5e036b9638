"""Meeting dates and chairs in the forms real readouts use."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.extraction import extract

PUB = dt.date(2023, 5, 11)  # a Thursday


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("On October 7, Li Lecheng, Governor, presided over the meeting.", dt.date(2022, 10, 8), dt.date(2022, 10, 7)),
        ("On Tuesday, Premier Li Qiang chaired a State Council executive meeting.", PUB, dt.date(2023, 5, 9)),
        ("On the 28th, Governor Wang Xinwei presided over the executive meeting.", PUB, dt.date(2023, 4, 28)),
        ("On 10 May 2023, Governor Wang Xinwei presided over the executive meeting.", None, dt.date(2023, 5, 10)),
        ("Premier Li Qiang chaired a State Council executive meeting on Friday, January 19, 2024.", None, dt.date(2024, 1, 19)),
        ("On December 29, Governor Wang Hao presided over the executive meeting.", dt.date(2024, 1, 2), dt.date(2023, 12, 29)),
        ("7月2日下午，省长王新伟主持召开省政府常务会议。", dt.date(2023, 7, 3), dt.date(2023, 7, 2)),
        ("2023年5月10日，省长王凯主持召开省政府常务会议。", None, dt.date(2023, 5, 10)),
        ("国务院总理李强5月10日主持召开国务院常务会议。", PUB, dt.date(2023, 5, 10)),
    ],
)
def test_it_resolves_meeting_dates(text: str, published: dt.date | None, expected: dt.date) -> None:
    """Month-day, weekday and day-of-month resolve against the publication date; full dates stand alone."""
    assert extract(text, published).date == expected


def test_it_reads_the_publication_marker() -> None:
    """A leading 'date YYYY-MM-DD' gives the publication date that resolves the year."""
    got = extract("date 2022-10-08 On October 7, Li Lecheng, Governor, presided over the meeting.")
    assert got.published == dt.date(2022, 10, 8)
    assert got.date == dt.date(2022, 10, 7)


@pytest.mark.parametrize(
    "text",
    [
        "近日，省长王新伟主持召开省政府常务会议。会议要求，要抓好安全生产。",
        "On October 7, Li Lecheng, Governor, presided over the meeting.",
    ],
)
def test_it_leaves_unresolvable_dates_empty(text: str) -> None:
    """'近日' or a month-day with no publication date gives no date rather than a guess."""
    assert extract(text).date is None


@pytest.mark.parametrize("vague", ["近日", "日前"])
def test_a_vague_date_with_a_publication_date_is_approximate(vague: str) -> None:
    """'近日' with a publication marker gives the publication date, marked approximate."""
    got = extract(f"date 2023-06-02\n{vague}，省长王新伟主持召开专题会议。")
    assert got.date == dt.date(2023, 6, 2)
    assert "approximate" in got.date_why
    assert "approximate" in got.to_dict()["extras"]["date_why"]
    assert any("approximate" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("On October 7, Li Lecheng, Deputy Secretary of the Provincial Party Committee, Governor, presided over the meeting.", "Li Lecheng", "Deputy Secretary of the Provincial Party Committee, Governor"),
        ("On May 10, the executive meeting was held, presided over by Wang Weizhong, Governor.", "Wang Weizhong", "Governor"),
        ("The Party Group held a meeting under the chair of Huang Qiang, Governor, to study the instructions.", "Huang Qiang", "Governor"),
        ("The meeting, chaired by Premier Li Qiang, studied measures.", "Li Qiang", "Premier"),
        ("Premier Li Qiang presided over a State Council executive meeting on Friday.", "Li Qiang", "Premier"),
        ("The Executive Board met on 21 June 2023, with Councillor James Lewis, Leader of the Council, in the Chair.", "James Lewis", "Leader of the Council"),
        ("国务院总理李强5月10日主持召开国务院常务会议，研究有关举措。", "李强", "国务院总理"),
        ("5月10日，省长王新伟主持召开省政府常务会议。", "王新伟", "省长"),
        ("10月7日，省委副书记、省长李乐成主持召开省政府党组会议。", "李乐成", "省委副书记、省长"),
        ("2023年8月8日，市政府第30次常务会议召开。会议由市委副书记、市长吴庆文主持。", "吴庆文", "市委副书记、市长"),
    ],
)
def test_it_finds_the_chair(text: str, name: str, title: str) -> None:
    """Chairs before the verb, after 'presided over by', 'under the chair of', 'chaired by' and 主持."""
    got = extract(text, PUB)
    assert got.chair is not None
    assert (got.chair.name, got.chair.title) == (name, title)


def test_it_reports_no_chair_when_there_is_none() -> None:
    """A readout without a chair cue has chair None and a warning, not a crash."""
    got = extract("The meeting pointed out that the situation is stable. It is necessary to work hard.")
    assert got.chair is None
    assert "no chair found" in got.warnings


# --- Real pages (issue 15): time lines, datelines, council headers, traditional pages. ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The time line is the publication; the dateline and "on Friday" give the meeting.
        ("Premier chairs meeting\n\nXinhua) 11:10, February 07, 2026\n\nBEIJING, Feb. 6 (Xinhua) -- "
         "Chinese Premier Li Qiang on Friday chaired a State Council executive meeting.", dt.date(2026, 2, 6)),
        # A dateline a day after the meeting: "on Friday" is the Friday before it.
        ("BEIJING, June 10 (Xinhua) -- Premier Li Qiang on Friday chaired a study session.\nUpdated: June 12, 2023 10:03",
         dt.date(2023, 6, 9)),
        ("Chinese premier chairs meeting\n\nXinhua, December 19, 2023\n\n"
         "Chinese Premier Li Qiang presided over a State Council executive meeting on Monday.", dt.date(2023, 12, 18)),
        ("Regular Meeting of Council\n\nHELD 2014 September 22 AT 9:30 AM\n\nPRESENT:\nMayor A. Smith", dt.date(2014, 9, 22)),
        ("Meeting: 16/07/2013 - Cabinet (Item 5)\n\nThe minutes of the meeting of Cabinet held on 2nd July 2013 were received.",
         dt.date(2013, 7, 16)),
        ("MINUTES OF THE BOARD OF SUPERVISORS HELD THE SEVENTH DAY OF SEPTEMBER IN THE YEAR TWO THOUSAND\n"
         "The Chairman called the meeting to order.", dt.date(2000, 9, 7)),
        ("City Council Minutes 07-09-2002 Regular Council Meeting July 9, 2002 Mayor Jones called the meeting to order.",
         dt.date(2002, 7, 9)),
        ("发布日期:2019-11-15\n\n11月12日下午，县长周某主持召开县政府第65次常务会议。", dt.date(2019, 11, 12)),
        ("新华社北京3月21日电 国务院总理李强21日主持召开国务院常务会议。\n2023年03月22日09:43", dt.date(2023, 3, 21)),
        ("連江縣政府114年4月25日召開縣務會議，縣長王忠銘主持。", dt.date(2025, 4, 25)),
        # A minutes page's "Date:" is the meeting's; a news page's is its publication.
        ("Council\nDate: Tuesday, 16th July, 2013\nVenue: Town Hall\nThe Council agreed the plan.", dt.date(2013, 7, 16)),
        ("Title: Governor holds executive meeting\n\nDate: August 1, 2023\n\nSource: Daily\n\nThe government "
         "held an executive meeting on July 31, presided over by Governor Li Lecheng.", dt.date(2023, 7, 31)),
        # The header's own multi-day line comes before a later "special meetings held on".
        ("Minutes of the Council 1 October 3, 4 and 5, 2000\n\nTUESDAY, OCTOBER 3, 2000 AND SPECIAL MEETINGS "
         "HELD ON FRIDAY, OCTOBER 6, 2000", dt.date(2000, 10, 3)),
        # The only date, at the top of the page.
        ("2018年7月4日\n\n李克強主持召開國務院常務會議\n會議指出,要深化改革。", dt.date(2018, 7, 4)),
        ("date 2024-04-27 國務院總理李強26日主持召開國務院常務會議。", dt.date(2024, 4, 26)),
    ],
)
def test_it_reads_the_meeting_date_of_a_real_page(text: str, expected: dt.date) -> None:
    """Publication lines never win; labelled dates, the meeting sentence and the dateline do."""
    got = extract(text)
    assert got.date == expected, got.date_why


@pytest.mark.parametrize(
    "text",
    [
        # No year and no publication anywhere: null rather than a guess.
        "LAHORE, Dec 15 (APP): Chief Minister Ali Khan presided over the cabinet meeting.",
        "3月2日下午，市长陈某主持召开市政府常务会议。",
        # The page's day contradicts its own meeting number (the first meeting of 2026).
        "发布日期:2026-01-09 14:48\n14日，旗长白某主持召开旗政府2026年第1次常务会议。",
        # A report covering several meetings has no single date.
        "POST CABINET REPORT For Wednesday, March 13, 2024\nThese updates represent decisions made by the "
        "Cabinet over January 15, 2024 to March 4, 2024.",
    ],
)
def test_it_gives_no_date_rather_than_a_wrong_one(text: str) -> None:
    got = extract(text)
    assert got.date is None, got.date_why


def test_a_coming_meeting_is_not_the_meeting() -> None:
    """'will be held on December 3' on a 26 November page is not the meeting reported."""
    got = extract("date 2018-11-26 Last Cabinet meeting on December 3\nThe Prime Minister spoke at the "
                  "meeting of the Cabinet on Monday, November 26, 2018.")
    assert got.date == dt.date(2018, 11, 26)


def test_the_time_line_gives_the_publication_date() -> None:
    got = extract("Premier chairs meeting\n(Xinhua) 10:12, October 31, 2020\nBEIJING, Oct. 30 (Xinhua) -- "
                  "The State Council held a meeting Friday. Premier Li Keqiang presided over the meeting.")
    assert got.published == dt.date(2020, 10, 31)
    assert got.date == dt.date(2020, 10, 30)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("BEIJING, Feb. 6 (Xinhua) -- Chinese Premier Li Qiang on Friday chaired a State Council executive meeting.", "Li Qiang"),
        ("PESHAWAR, Nov 14 (APP): A meeting of the provincial cabinet, chaired by Khyber Pakhtunkhwa Chief "
         "Minister (CM) Muhammad Sohail Afridi, was held here.", "Muhammad Sohail Afridi"),
        ("LAHORE, (UrduPoint / Pakistan Point News - 24th Dec, 2019 ):Punjab Chief Minister Sardar Usman "
         "Buzdar on Tuesday presided over the 22nd meeting of the provincial cabinet.", "Sardar Usman Buzdar"),
        ("PUTRAJAYA (Dec 5): Prime Minister Datuk Seri Anwar Ibrahim today chaired a special Cabinet meeting.", "Anwar Ibrahim"),
        ("A formal meeting of the Cabinet chaired by Prime Minister, Dr. the Honourable Timothy Harris, took place.", "Timothy Harris"),
        ("10.1 CALL TO ORDER - 9:37 A.M.\n\nDeputy Mayor Ootes took the Chair and called the Members to order.", "Ootes"),
        ("Informal Council Discussion: September 9, 1988. Mayor John McDonald presiding.", "John McDonald"),
        ("The Brooklyn Center City Council met in Informal Open Forum called to order by Mayor Tim\nWillson at 6:45 p.m.", "Tim Willson"),
        ("Premier Li chairs study session\nChinese Premier Li Qiang chairs a State Council study session on June 9, 2023.", "Li Qiang"),
        ("Premier Li Keqiang, also a member of the Standing Committee of the Political Bureau, presided over the meeting.", "Li Keqiang"),
        ("Prime Minister Sheikh Hasina made the announcement at a Cabinet meeting on Monday.", "Sheikh Hasina"),
        ("The meeting was called to order at 5:00 p.m. by Mayor Jane Doe in the Council Chambers.", "Jane Doe"),
        ("MINUTES\nChair: Councillor Jane Smith\nPresent: Councillors Brown and Green", "Jane Smith"),
        ("Cabinet\nThursday, 15th December, 2022 7.00 pm\nPresent: Councillor Ian Edwards (Chairman)", "Ian Edwards"),
    ],
)
def test_it_finds_the_chair_on_a_real_page(text: str, name: str) -> None:
    """Every cue of the head is tried; names are whole, without honorifics, never places."""
    got = extract(text, PUB)
    assert got.chair is not None and got.chair.name == name, got.chair


@pytest.mark.parametrize(
    ("text", "name", "meeting_type"),
    [
        ("索引号 | 2023-0000217 | 发布日期 | 2023-12-08 |\n12月5日9:00,区党工委副书记、管委会主任庄某主持召开管委会常务会议。",
         "庄某", "管委会常务会议"),
        ("[視頻]李克強主持召開國務院常務會議\n來源:央視網 更新時間:2018年03月21日 19:20", "李克強", "國務院常務會議"),
        ("李克強(qiáng)主持召開國(guó)務(wù)院常務(wù)會(huì)議", "李克強(qiáng)", "國(guó)務(wù)院常務(wù)會(huì)議"),
        ("3月25日下午,区政府常务副区长闫某召开稳增长工作第3次调度会,分析研判当前经济运行情况。", "闫某", "稳增长工作第3次调度会"),
        ("苗栗縣長鍾某昨（21）日主持縣務會議，要求各局處加強防汛。", "鍾某", "縣務會議"),
        ("澎湖縣政府今天召開縣務會議，由王縣長主持。縣長王乾發指出，各單位要加強。", "王乾發", "縣務會議"),
    ],
)
def test_it_finds_chinese_chairs_and_meeting_types_on_real_pages(text: str, name: str, meeting_type: str) -> None:
    got = extract(text, PUB)
    assert got.chair is not None and got.chair.name == name, got.chair
    assert got.meeting_type == meeting_type


@pytest.mark.parametrize(
    ("text", "meeting_type"),
    [
        ("Chinese premier chairs meeting\n\nXinhua) 10:12, March 13, 2024\n\nBEIJING, March 12 (Xinhua) -- Chinese "
         "Premier Li Qiang on Tuesday chaired a State Council executive meeting.", "State Council executive meeting"),
        ("Decision Maker: Cabinet\nDecision status: Recommendations Approved\n", "Cabinet"),
        ("MINUTES\n\nRegular Meeting of Council\n\nHELD 2014 September 22 AT 9:30 AM", "Regular Meeting of Council"),
        ("New Delhi, March 6: The Union Cabinet chaired by Prime Minister Narendra Modi approved the scheme.", "Union Cabinet"),
        ("KATHMANDU, Nov 9: The Cabinet meeting held on Thursday decided to send the bill. Prime Minister "
         "Pushpa Kamal Dahal chaired the meeting.", "Cabinet meeting"),
    ],
)
def test_it_names_the_meeting_as_written(text: str, meeting_type: str) -> None:
    assert extract(text).meeting_type == meeting_type
