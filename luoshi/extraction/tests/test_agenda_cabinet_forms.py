"""Agenda, chair and date forms of real readouts (issue 15): cabinet decisions in the passive,
purpose clauses of provincial pages, wire headlines, Chinese lead sentences and lists.

The texts are written by the team in the shape of the forms; they are unit fixtures only.
"""

from __future__ import annotations

import datetime as dt

from luoshi.extraction import extract


def _items(text: str) -> list[tuple[str, str]]:
    return [(a.kind, a.title) for a in extract(text).agenda_items]


def test_cabinet_decisions_in_the_passive_and_after_approval_to() -> None:
    """'accorded approval to X and approval was also granted to Y', 'It was decided to Z',
    'The approval of W was also given': each is one item; an action is 'other' unless the
    noun it acts on is a document."""
    got = _items(
        "The provincial cabinet met on Friday.\n"
        "The cabinet accorded principle approval to build a ring road for Multan and approval was "
        "also granted to revise the Punjab Police Rules. It was also decided to shut down the Seed "
        "Company. The approval of the proposed policy on flood works was also given. "
        "The cabinet accorded approval to make inductions in the health department and make "
        "contract inductions in the heart institute."
    )
    assert got == [
        ("other", "build a ring road for Multan"),
        ("regulation", "revise the Punjab Police Rules"),
        ("other", "shut down the Seed Company"),
        ("plan", "proposed policy on flood works"),
        ("other", "make inductions in the health department"),
        ("other", "make contract inductions in the heart institute"),
    ]


def test_a_titles_year_after_a_comma_stays_in_the_title() -> None:
    """'approved Parole Act, 2019 and decided to …': the year is part of the act's title."""
    got = _items("The meeting approved Parole Act, 2019 and decided to discontinue the old exams.")
    assert got == [("regulation", "Parole Act, 2019"), ("other", "discontinue the old exams")]


def test_passives_after_a_lead_in_and_briefings() -> None:
    """'During the meeting, a draft X law was discussed and approved in principle'; 'Attendees
    were briefed on Y'; a passive object with a relative clause is no item."""
    got = _items(
        "The State Council met on Friday.\n"
        "During the meeting, a draft ferry safety law was discussed and approved in principle. "
        "Attendees of the meeting were briefed on the province's economic operation in the first "
        "quarter. The meeting was held on Friday where a number of issues were discussed."
    )
    assert got == [
        ("regulation", "draft ferry safety law"),
        ("report", "province's economic operation in the first quarter"),
    ]


def test_purpose_clauses_and_a_second_verb_list() -> None:
    """'presided over the meeting in order to convey and learn X, and study and arrange the work
    regarding A, B, and C': X is studied, A, B and C are work arranged ('other')."""
    got = _items(
        "On May 3, Governor Zhang San chaired the 9th Executive Meeting of the People's Government "
        "of Example Province in order to convey and learn the guiding principles of the important "
        "speech by General Secretary Xi Jinping, and study and arrange the work regarding flood "
        "control, development of the digital economy, and supply of coal for power plants."
    )
    assert got == [
        ("study", "guiding principles of the important speech by General Secretary Xi Jinping"),
        ("other", "flood control"),
        ("other", "development of the digital economy"),
        ("other", "supply of coal for power plants"),
    ]


def test_a_wire_headline_is_read_only_when_the_body_names_no_business() -> None:
    """The headline's 'outlines key work priorities' is no item when the body names the business."""
    head = "State Council studies speeches, outlines key work priorities\n"
    body = "BEIJING, March 15 (Xinhua) -- The State Council on Friday studied the guideline on ports."
    assert _items(head + body) == [("plan", "guideline on ports")]
    assert _items(head + "BEIJING, March 15 (Xinhua) -- The weather was fine.") != []


def test_a_bare_verb_after_a_modal_is_a_task() -> None:
    """'efforts should be made to promote X, fine-tune Y, adopt plans for Z': no agenda item."""
    got = _items(
        "The meeting was held on Friday. Efforts should be made to promote growth, fine-tune "
        "policies and adopt plans for future industries."
    )
    assert got == []


def test_cabinet_release_lists() -> None:
    """'Among the topics discussed … was A, B, and C'; 'Another decision was the repeal of …'."""
    got = _items(
        "Cabinet met on May 8.\n"
        "Among the topics discussed at the meeting was the establishment of an e-Cabinet platform, "
        "and a review of bus fares.\n"
        "Another decision was the repeal of the Harbour Authority Act, (No. 7 of 2021)."
    )
    assert got == [
        ("other", "establishment of an e-Cabinet platform"),
        ("other", "review of bus fares"),
        ("regulation", "repeal of the Harbour Authority Act, (No. 7 of 2021)"),
    ]


def test_general_words_give_way_to_the_documents_they_introduce() -> None:
    """'reviewed and adopted several regulations, including a draft regulation on X'."""
    got = _items(
        "The meeting was held on Friday. It reviewed and adopted several regulations, including "
        "a draft regulation on the safety of coal mines."
    )
    assert got == [("regulation", "draft regulation on the safety of coal mines")]


def test_chinese_lead_sentence_yields_to_the_body() -> None:
    """The lead sentence's '传达学习习近平总书记重要讲话精神' is the body's items in short."""
    got = _items(
        "10月10日，市长王某主持召开市政府常务会议，传达学习习近平总书记重要讲话精神。\n"
        "会议传达学习了习近平总书记在某论坛上的重要讲话精神、为《某文库》所作序言。"
    )
    assert got == [
        ("study", "习近平总书记在某论坛上的重要讲话精神"),
        ("study", "为《某文库》所作序言"),
    ]


def test_chinese_list_titles_stay_apart_and_paired_reports_stay_whole() -> None:
    """《A报告》《B报告》 are two items however alike; 'X执行情况和Y安排' is one report."""
    got = _items(
        "会议还研究了《2024年政府工作报告》《关于2024年度民生实事候选项目情况的报告》等其他事宜。"
        "会议听取了2023年财政预算执行情况和2024年财政预算安排。"
    )
    assert got == [
        ("report", "2024年政府工作报告"),
        ("report", "关于2024年度民生实事候选项目情况的报告"),
        ("report", "2023年财政预算执行情况和2024年财政预算安排"),
    ]


def test_chinese_work_studied_in_a_sentence_of_its_own() -> None:
    """'会议研究了X工作。' is an item; '研究部署X工作' inside a lead clause is not."""
    got = _items(
        "4月29日，市长王某主持召开市政府常务会议，研究部署经济社会发展工作。\n"
        "会议研究了第三轮环保督察反馈问题整改工作。强调，要抓好整改。\n"
        "会议研究了营商环境创新行动计划(2024-2025年)。"
    )
    assert got == [
        ("other", "第三轮环保督察反馈问题整改工作"),
        ("plan", "营商环境创新行动计划(2024-2025年)"),
    ]


def test_a_heard_documents_head_noun_gives_its_kind() -> None:
    """'专门听取了关于《A预案(送审稿)》的汇报' is a plan."""
    got = _items("12月23日，市政府召开常务会议，专门听取了关于《某市冰雪灾害应急预案(送审稿)》的汇报。")
    assert got == [("plan", "某市冰雪灾害应急预案(送审稿)")]


def test_chairs_of_councils_and_chinese_plenaries() -> None:
    """Bare 'presided', 'X, in the Chair', the mayor heading 'PRESENT:', the one leader who
    '出席会议并讲话' at a meeting just named; two leaders attending and speaking name no chair."""
    cases = [
        ("Minutes\nThe Regular Meeting was held on Monday, May 6, 2024. Mayor Ann Lee presided.", "Ann Lee"),
        ("MINUTES\nPRESENT: His Worship, Mayor Ann Lee, in the Chair\nCouncillor Bo Chu", "Ann Lee"),
        ("Council Minutes\nHELD 2014 September 22\nPRESENT:\n\nMayor N. Nenshi\n\nCouncillor G. Carra", "N. Nenshi"),
        ("2月9日下午,区政府召开全体会,区委副书记、区长张某林出席会议并讲话强调,要抓好落实。", "张某林"),
        ("2024年9月13日，区长张某在区政府召开会议，研究某项工作。", "张某"),
    ]
    for text, name in cases:
        got = extract(text, dt.date(2024, 9, 14))
        assert got.chair is not None and got.chair.name == name, text
    two = extract("12月7日,会议召开,市委常委、部长赵某灵,副市长辉某辉出席会议并讲话。", dt.date(2023, 12, 8))
    assert two.chair is None


def test_a_chair_title_does_not_run_over_the_time_line() -> None:
    got = extract(
        "Executive meeting held\nUpdated: 09:36, February 25, 2026\n"
        "On February 24, Governor Liu Ming presided over the executive meeting."
    )
    assert got.chair is not None and (got.chair.name, got.chair.title) == ("Liu Ming", "Governor")
    assert got.date == dt.date(2026, 2, 24)
