"""Agenda forms added by the ext round of issue 15, each written by the team in the shape of
a form seen on train/dev readouts (unit fixtures only, never scored)."""

from __future__ import annotations

from luoshi.extraction import extract


def _items(text: str) -> list[tuple[str, str]]:
    return [(a.kind, a.title) for a in extract(text).agenda_items]


def test_pinyin_glosses_do_not_hide_the_meeting_prefix() -> None:
    got = _items(
        "3月2日,縣長王某主持召開縣政府常務會議。\n"
        "會(huì)議研究審定了《政府工作報(bào)告》(征求意見稿)和《2025年財政預算(草案)的報告》,"
        "研究停止招商引資優惠政策事宜。"
    )
    assert got == [
        ("report", "政府工作報(bào)告"),
        ("report", "2025年財政預算(草案)的報告"),
        ("other", "停止招商引資優惠政策事宜"),
    ]


def test_a_heard_document_takes_its_own_kind_and_a_list_read_out_is_an_item() -> None:
    got = _items(
        "2月28日,县委书记李某主持召开县委常委会议。\n"
        "会议听取了全县防汛工作汇报。会议宣读了2025年县级领导包联项目名单。\n"
        "会议听取了2025年特色产业行动方案、“三农”重点工作实施意见、2025年乡村振兴工作方案的汇 报。"
    )
    assert got == [
        ("report", "全县防汛工作汇报"),
        ("other", "2025年县级领导包联项目名单"),
        ("plan", "2025年特色产业行动方案"),
        ("plan", "“三农”重点工作实施意见"),
        ("plan", "2025年乡村振兴工作方案"),
    ]


def test_hearing_opinions_before_revising_is_no_item() -> None:
    got = _items(
        "12月3日,市长张某主持召开市政府常务会议。\n"
        "会议听取了《市区财政管理体制的决定(送审稿)》的汇报。该决定在听取了各区和相关部门的意见和建议后,"
        "作了修改。"
    )
    assert [t for _, t in got] == ["市区财政管理体制的决定(送审稿)"]


def test_an_official_or_unit_reporting_is_a_report_item() -> None:
    got = _items(
        "2月9日,区长王某主持召开区政府常务会议。\n"
        "会上,常务副区长陈某通报区人大五次会议情况。随后各街道办事处依次汇报辖区老旧小区治理情况。"
    )
    assert got == [
        ("report", "区人大五次会议情况"),
        ("report", "辖区老旧小区治理情况"),
    ]


def test_coordinated_decided_actions_are_two_items_and_a_pronoun_continues_a_title() -> None:
    got = _items(
        "The Council of Ministers met on Tuesday.\n"
        "The government decided to fix the support price of maize at Rs 3,000 per quintal and "
        "completely ban the import of ten goods falling under less necessary and luxury products, "
        "and those harmful to health."
    )
    assert got == [
        ("other", "fix the support price of maize at Rs 3,000 per quintal"),
        ("other", "ban the import of ten goods falling under less necessary and luxury products, "
                  "and those harmful to health"),
    ]


def test_an_organisation_named_by_a_document_noun_gives_no_kind() -> None:
    got = _items(
        "The Cabinet met on Monday.\n"
        "The Cabinet agreed to endorse the participation of National Planning Commission member "
        "Ram Shah in the Asia Dialogue 2022."
    )
    assert got == [("other", "participation of National Planning Commission member Ram Shah in the Asia Dialogue 2022")]


def test_likewise_passive_shared_head_list_and_agree_in_principle() -> None:
    got = _items(
        "The Cabinet met on Monday.\n"
        "The cabinet also endorsed the organizational structure for employees of the district "
        "administration, area administration, border administration. Likewise, the Fast Track "
        "Project Operation Guidelines 2075 was endorsed. The government has also decided to agree "
        "in principle to the formulation of a bill relating to the protection and utilization of "
        "bio-diversity."
    )
    assert got == [
        ("other", "organizational structure for employees of the district administration, area "
                  "administration, border administration"),
        ("plan", "Fast Track Project Operation Guidelines 2075"),
        ("regulation", "formulation of a bill relating to the protection and utilization of bio-diversity"),
    ]


def test_a_noun_of_action_after_a_title_opens_an_item() -> None:
    got = _items(
        "The provincial cabinet met on Friday.\n"
        "The Punjab Education Council Bill, 2018 and provision of Urdu medium books to the "
        "students of government schools were also approved."
    )
    assert [k for k, _ in got] == ["regulation", "other"]
    assert got[1][1] == "provision of Urdu medium books to the students of government schools"


def test_a_bulleted_decision_list_gives_one_item_a_bullet() -> None:
    got = _items(
        "Post Cabinet - 10 March 2016\n\n"
        "On Thursday March 10, Cabinet agreed to the following:\n\n"
        "  • To support the recommendation of the Law Reform Commission to amend the Strategic "
        "Services Agency Act. The amendment will broaden the mandate of the Agency.\n\n"
        "  • To debate the Families Division Bill 2015 and to the establishment of the Families "
        "Division under the Judiciary.\n\n"
        "  • Task Force to review the Tuition Expenses Programme (GATE). Some duties include:\n\n"
        "o To review the policy guidelines that govern GATE\n\n"
        "Cabinet will meet again next week.\n"
    )
    assert got == [
        ("regulation", "amend the Strategic Services Agency Act"),
        ("regulation", "Families Division Bill 2015"),
        ("other", "establishment of the Families Division under the Judiciary"),
        ("other", "Task Force to review the Tuition Expenses Programme (GATE)"),
    ]
