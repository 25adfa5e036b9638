"""Rules added for real readouts (issue 15): agenda lists, reporting lead-ins, traditional text.

Every example is written for the test (corpus files are never fixtures); each one names the
failure class of real readouts it stands for.
"""

from __future__ import annotations

from luoshi.extraction import extract


def _items(text: str) -> list[tuple[str, str]]:
    return [(a.kind, a.title) for a in extract(text).agenda_items]


def _texts(text: str) -> list[str]:
    return [d.text for d in extract(text).directives]


def test_it_reads_a_chinese_study_list_item_by_item() -> None:
    """传达学习了A精神、B精神和《C》: each part with its own head noun is an item."""
    got = _items("会议传达学习了习近平总书记重要讲话精神、省委全会精神和《某市物业管理条例》。")
    assert got == [
        ("study", "习近平总书记重要讲话精神"),
        ("study", "省委全会精神"),
        ("study", "某市物业管理条例"),
    ]


def test_a_shared_head_noun_keeps_a_list_whole() -> None:
    """'省、市有关会议精神' is one item: '省' has no head noun of its own."""
    assert _items("会议传达学习了省、市有关会议精神。") == [("study", "省、市有关会议精神")]


def test_it_reads_several_cues_in_one_chinese_sentence() -> None:
    """研究了…，听取了…汇报，审定了《A》《B》: one item per cue and per title, with kinds."""
    got = _items(
        "会议研究了县政府领导班子分工，听取了县林业局关于森林防火工作情况汇报，"
        "审定了《某县农业园区建设方案》《某县集镇住房建设管理办法》。"
    )
    assert got == [
        ("other", "县政府领导班子分工"),
        ("report", "县林业局关于森林防火工作情况汇报"),
        ("plan", "某县农业园区建设方案"),
        ("regulation", "某县集镇住房建设管理办法"),
    ]


def test_numbered_lines_of_a_standing_committee_are_items() -> None:
    """'1.会议传达学习了…' — a numbered line still opens with the meeting as subject."""
    got = _items("1.会议传达学习了省委全会精神。\n2.会议审议了《某校招标办法》。\n3.会议研究了保密工作有关事项。")
    assert got == [
        ("study", "省委全会精神"),
        ("regulation", "某校招标办法"),
        ("other", "保密工作有关事项"),
    ]


def test_traditional_characters_read_like_simplified_ones() -> None:
    """A traditional-character page gives the same items and directives, in its own script."""
    got = extract("會議聽取了區財政局關於預算執行情況的匯報。會議強調，要進一步加強預算管理。")
    assert [(a.kind, a.title) for a in got.agenda_items] == [("report", "區財政局關於預算執行情況的匯報")]
    assert [d.text for d in got.directives] == ["要進一步加強預算管理。"]


def test_state_council_lead_clauses_name_the_business() -> None:
    """'…主持召开国务院常务会议，部署X，确保…；决定Y' — what follows the chair's clause."""
    got = _items("国务院总理主持召开国务院常务会议，部署加强秋冬季安全生产工作，确保人民安全；决定延续实施部分税费优惠政策。")
    assert got == [("plan", "加强秋冬季安全生产工作"), ("other", "延续实施部分税费优惠政策")]


def test_it_splits_an_english_list_of_business() -> None:
    """'studied X, made arrangements to revise Y, and discussed a Z' gives three items."""
    got = _items(
        "The meeting also studied policy measures to promote effective investment, made "
        "arrangements to revise ambient air quality standards, and discussed a draft revision "
        "to the bidding law."
    )
    assert [k for k, _ in got] == ["study", "regulation", "regulation"]
    assert [t for _, t in got] == [
        "policy measures to promote effective investment",
        "ambient air quality standards",
        "draft revision to the bidding law",
    ]


def test_a_passive_approval_is_an_item() -> None:
    """'A revised draft of X was also deliberated and approved at the meeting'."""
    got = _items(
        "A revised draft of the regulations on the protection of new plant varieties was also "
        "deliberated and approved at the meeting."
    )
    assert got == [("regulation", "revised draft of the regulations on the protection of new plant varieties")]


def test_numbered_cabinet_decisions_are_one_item_each() -> None:
    """A cabinet office's numbered decision list: one item per line, kind by head noun."""
    got = _items(
        "Cabinet decisions taken on 3 May\n"
        "1 Memorandum of Understanding between the Ports Authority and the Harbour Board\n"
        "2 Amendment of the Explosives Ordinance\n"
        "3 Construction of a regional sports complex\n"
    )
    assert got == [
        ("agreement", "Memorandum of Understanding between the Ports Authority and the Harbour Board"),
        ("regulation", "Amendment of the Explosives Ordinance"),
        ("other", "Construction of a regional sports complex"),
    ]


def test_english_lead_ins_are_dropped_and_what_they_demand_kept() -> None:
    """'called for', ', urging', 'emphasized the importance of', 'while highlighting the need to'."""
    got = _texts(
        "The council met on Monday.\n"
        "Li called for more concrete efforts to implement the plans.\n"
        "Air quality has improved, the meeting said, urging continuous efforts to protect blue skies.\n"
        "The meeting emphasized the importance of accelerating the cultivation of new growth points.\n"
        "While highlighting the need to address public concerns, the meeting also called for "
        "efforts to crack down on illegal activities."
    )
    assert got == [
        "more concrete efforts to implement the plans.",
        "continuous efforts to protect blue skies.",
        "accelerating the cultivation of new growth points.",
        "the need to address public concerns",
        "efforts to crack down on illegal activities.",
    ]


def test_encouraged_and_will_focus_are_requirements() -> None:
    """'Businesses are encouraged to …' and 'Efforts will focus on …' set tasks."""
    got = _texts(
        "The council met on Monday.\nBusinesses are encouraged to maintain stable employment.\n"
        "Efforts will focus on broadening investment opportunities."
    )
    assert got == [
        "Businesses are encouraged to maintain stable employment.",
        "Efforts will focus on broadening investment opportunities.",
    ]


def test_a_requirement_after_an_agenda_clause_is_kept() -> None:
    """'会议听取了X汇报，强调要…' — the agenda clause is an item, the rest a directive."""
    got = extract("会议听取了市交通局关于春运工作的汇报，强调要加强运力调度。")
    assert [a.title for a in got.agenda_items] == ["市交通局关于春运工作的汇报"]
    assert [d.text for d in got.directives] == ["要加强运力调度。"]


def test_a_later_bare_modal_starts_another_requirement() -> None:
    """'要A，统筹协调，…，要B' gives two directives (the first keeps its comma, as published);
    '对已完成的任务，要…' stays one: the adverbial is not a requirement of its own."""
    got = _texts("会议强调，要突出重点，统筹协调，把各项工作结合起来，要加强协调配合，形成工作合力。")
    assert got == ["要突出重点，统筹协调，把各项工作结合起来，", "要加强协调配合，形成工作合力。"]
    assert _texts("会议要求，对需要长期坚持的整改任务，要明确阶段目标，持续推进。") == [
        "对需要长期坚持的整改任务，要明确阶段目标，持续推进。"
    ]
