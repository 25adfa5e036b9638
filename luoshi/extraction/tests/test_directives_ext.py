"""Directive forms of cabinet releases added by the ext round of issue 15 (unit fixtures
written by the team in the shape of train/dev readouts; never scored)."""

from __future__ import annotations

from luoshi.extraction import extract


def _dirs(text: str) -> list[str]:
    return [d.text for d in extract(text).directives]


def test_directing_after_an_agenda_item_is_a_requirement() -> None:
    got = _dirs(
        "The provincial cabinet met on Monday.\n"
        "The cabinet also decided to refer the proposal for a relief package to the cabinet "
        "committee, while directing the formulation of a uniform policy for all forces."
    )
    assert got == ["the formulation of a uniform policy for all forces."]


def test_a_target_set_after_an_approval_is_a_requirement() -> None:
    got = _dirs(
        "The provincial cabinet met on Friday.\n"
        "The cabinet approved the construction of an IT city in Rawalpindi and set a target to "
        "train 2,300 youth as skilled professionals within a year."
    )
    assert got == ["set a target to train 2,300 youth as skilled professionals within a year."]


def test_approval_for_a_named_body_to_act_is_its_task_and_an_item() -> None:
    r = extract(
        "The provincial cabinet met on Friday.\n"
        "The cabinet also granted approval to the P&D Board and Transport Department to hold "
        "negotiations with the Asian Development Bank."
    )
    assert [a.title for a in r.agenda_items] == [
        "P&D Board and Transport Department to hold negotiations with the Asian Development Bank"
    ]
    assert len(r.directives) == 1
    assert list(r.directives[0].lead) == ["P&D Board", "Transport Department"]


def test_steps_to_take_are_a_task_not_an_item() -> None:
    r = extract(
        "The provincial cabinet met on Friday.\n"
        "Amendments in the TEVTA Act, 2010 were given approval and it was decided to take steps "
        "about Takht Parri and other Shamilat in Rawalpindi."
    )
    assert [a.title for a in r.agenda_items] == ["Amendments in the TEVTA Act, 2010"]
    assert [d.text for d in r.directives] == [
        "take steps about Takht Parri and other Shamilat in Rawalpindi."
    ]


def test_adding_that_after_a_directive_continues_the_demand() -> None:
    got = _dirs(
        "The chief minister chaired the cabinet meeting on Monday.\n"
        "The chief minister directed that line departments should complete their flood "
        "arrangements, adding that districts would be provided resources on a priority basis."
    )
    assert got == [
        "line departments should complete their flood arrangements",
        "districts would be provided resources on a priority basis.",
    ]


def test_a_verb_topic_of_a_need_or_a_benefit_is_a_statement() -> None:
    """'X，是…的需要' (a need, not the modal 需要), 'X，有利于…', 'X，对…具有重要作用'."""
    assert _dirs(
        "3月21日,区长王某主持召开区政府常务会议。\n"
        "会议指出,加强和规范临时建筑管理,是深入推进“三改一拆”工作的需要,也是强化城市管理的需要。"
        "会议认为,积极加强政银合作,加快建立规范的融资机制,有利于解决项目资金缺口问题。"
    ) == []
    assert _dirs(
        "3月21日,区长王某主持召开区政府常务会议。\n"
        "会议强调,做好行政诉讼工作,对建设法治政府具有重要作用,各部门要高度重视。"
    ) == ["各部门要高度重视。"]
