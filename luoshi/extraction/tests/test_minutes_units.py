"""会议纪要 forms of lead units, cooperating units and time limits (issue 15, ext round).

The text is written by the team in the shape of published minutes; a unit fixture only."""

from __future__ import annotations

import datetime as dt

from luoshi.extraction import extract

MINUTES = (
    "区政府常务会议纪要\n"
    "2025年9月12日,区长李明主持召开区政府第35次常务会议。\n"
    "会议研究了安全生产专项整治工作。会议明确,区应急管理局要牵头组织开展安全生产大检查,"
    "区公安分局、区消防救援大队协助;完成时限:2025年11月30日。\n"
    "责成区教育局于国庆节前完成校园安全隐患排查。\n"
    "区卫生健康委、区医保局共同负责做好秋冬季疫情防控工作。\n"
    "区交通运输局牵头,会同区公安分局交警大队制定交通疏导方案,10个工作日内完成。\n"
    "请区发展改革委牵头,区自然资源局按职责分工负责,研究制定实施细则,年底前报区政府审定。\n"
)


def _rows() -> list[tuple[str, list[str], list[str], dt.date | None]]:
    r = extract(MINUTES)
    return [(d.text, list(d.lead), list(d.cooperating), d.deadline) for d in r.directives]


def test_a_time_limit_after_a_semicolon_belongs_to_the_requirement_before_it() -> None:
    text, lead, coop, deadline = _rows()[0]
    assert text.endswith("协助;完成时限:2025年11月30日。")
    assert lead == ["区应急管理局"]
    assert coop == ["区公安分局", "区消防救援大队"]
    assert deadline == dt.date(2025, 11, 30)


def test_a_unit_charged_or_sharing_the_lead_is_a_requirement() -> None:
    rows = _rows()
    assert rows[1][0] == "责成区教育局于国庆节前完成校园安全隐患排查。"
    assert rows[1][1] == ["区教育局"]
    assert rows[2][1] == ["区卫生健康委", "区医保局"]


def test_joint_cue_and_time_limit_are_no_part_of_a_unit_name() -> None:
    rows = _rows()
    assert rows[3][1:3] == (["区交通运输局"], ["区公安分局交警大队"])
    assert rows[4][1:3] == (["区发展改革委"], ["区自然资源局"])
    assert rows[4][3] == dt.date(2025, 12, 31)


def test_the_next_step_of_an_agreed_document_is_a_task_of_its_drafter() -> None:
    r = extract(
        "11月12日,县长张某主持召开县政府常务会议。\n"
        "会议原则同意县财政局拟草的《关于加快扶贫资金支出进度相关事项》,修改完善后,批复实施。\n"
        "会议同意县农业农村局拟草的《现代农业园区建设推进方案》,修改完善报县委审定后以“两办”名义印发实施。\n"
    )
    got = [(d.text, list(d.lead)) for d in r.directives]
    assert got == [
        ("修改完善后,批复实施。", ["县财政局"]),
        ("修改完善报县委审定后以“两办”名义印发实施。", ["县农业农村局"]),
    ]


def test_a_report_heard_before_the_chair_speaks_and_a_debt_plan_agreed_are_items() -> None:
    r = extract(
        "3月21日,区长王某主持召开区政府常务会议。\n"
        "会议讨论并原则同意了區本級2016年政府性債務收支計畫。\n"
        "在听取完县生态环境局近期工作情况汇报后,王某要求:要抓住政策机遇,补齐短板。\n"
    )
    assert [(a.kind, a.title) for a in r.agenda_items] == [
        ("plan", "區本級2016年政府性債務收支計畫"),
        ("report", "县生态环境局近期工作情况汇报"),
    ]


def test_a_list_marker_is_no_part_of_the_requirement() -> None:
    text = (
        "9月12日,区长李明主持召开区政府常务会议。会议要求:\n"
        "(一)由区住建局牵头,区财政局配合,于10月底前完成改造方案编制。\n"
        "（二）区财政局负责统筹改造资金,12月31日前拨付到位。\n"
    )
    r = extract(text)
    assert [d.text for d in r.directives] == [
        "由区住建局牵头,区财政局配合,于10月底前完成改造方案编制。",
        "区财政局负责统筹改造资金,12月31日前拨付到位。",
    ]
    assert all(text[d.span[0] : d.span[1]] == d.text for d in r.directives)
    assert [list(d.cooperating) for d in r.directives] == [["区财政局"], []]
