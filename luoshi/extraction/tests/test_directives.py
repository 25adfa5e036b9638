"""Directive rules: cues, observations, importance, clause splitting."""

from __future__ import annotations

from luoshi.extraction import extract


def _texts(text: str) -> list[str]:
    return [d.text for d in extract(text).directives]


def test_it_splits_semicolon_lists_into_clauses() -> None:
    """Each semicolon clause of a requirement sentence is its own directive, even without a cue."""
    got = _texts("会议强调，要加强监测预警；全面排查隐患；做好应急值守。")
    assert got == ["要加强监测预警", "全面排查隐患", "做好应急值守。"]


def test_it_drops_observations_and_importance_in_chinese() -> None:
    """会议指出 observations and 意义重大 statements are context, not directives."""
    got = _texts("会议指出，今年以来全省经济运行总体平稳。会议强调，做好安全生产工作意义重大。要压实责任。")
    assert got == ["要压实责任。"]


def test_it_starts_at_the_cue_after_a_context_clause() -> None:
    """A context clause before 要 is dropped; an adverbial 对… clause is kept."""
    assert _texts("会议强调，下半年任务艰巨，要锚定目标不放松。") == ["要锚定目标不放松。"]
    assert _texts("会议要求，对已完成的整改任务，要开展回头看。") == ["对已完成的整改任务，要开展回头看。"]


def test_it_ignores_a_must_inside_quotes() -> None:
    """A quoted slogan's 'must' is not the meeting's requirement."""
    got = _texts("The meeting pointed out that the slogan “the epidemic must be prevented” is well known.")
    assert got == []


def test_it_reads_english_cues() -> None:
    """'It is necessary to', subject + modal, imperatives and 'directed X to' are directives."""
    got = _texts(
        "The meeting pointed out that growth is stable. It is necessary to expand demand. "
        "All regions must prevent accidents. Strengthen supervision of markets. "
        "The Board directed staff to report back by June. It is very important to stay calm."
    )
    assert got == [
        "It is necessary to expand demand.",
        "All regions must prevent accidents.",
        "Strengthen supervision of markets.",
        "The Board directed staff to report back by June.",
    ]


def test_it_reads_a_requirement_after_a_mid_sentence_lead_in() -> None:
    """'会议审议了《…》，要求有关部门…' yields the requirement after 要求."""
    got = _texts("会议审议了《某某合作框架协议》，要求有关部门加强对接。")
    assert got == ["有关部门加强对接。"]


def test_a_copula_after_a_topic_is_a_statement() -> None:
    """'推动X，是…的重要抓手' and '…，是…重大决策部署' state importance; a later 要 clause still counts."""
    assert _texts("会议指出，推进港口升级，是扩大开放的重要抓手。") == []
    assert _texts("会议指出，发展冰雪经济，是党中央作出的重大决策部署，既利当前、更利长远。") == []
    assert _texts("会议指出，发展冰雪经济，是重大决策部署，要抓紧推进。") == ["要抓紧推进。"]


def test_to_see_introduces_an_observation() -> None:
    """'同时也要看到，…' and '要清醒认识到…' describe the situation; they are not tasks."""
    assert _texts("同时也要看到，外部需求疲弱，部分行业经营困难。") == []
    assert _texts("会议指出，要清醒认识到当前风险仍然较多。") == []


def test_a_unit_list_subject_takes_a_modal() -> None:
    """'省水利厅、省农业农村厅等部门要…' is a directive, however long the list of units."""
    got = _texts("省水利厅、省农业农村厅、省气象局等部门要按照职责分工，加强汛情会商研判。")
    assert got == ["省水利厅、省农业农村厅、省气象局等部门要按照职责分工，加强汛情会商研判。"]


def test_a_fronted_adverbial_clause_before_the_modal() -> None:
    """'With X approaching, the authorities must …' and 'After …, departments should …' are directives."""
    got = _texts(
        "With the holiday season approaching, the transport authorities must add extra trains. "
        "After the plan is approved, relevant departments should publish it. "
        "With winter approaching, the task remains arduous."
    )
    assert got == [
        "With the holiday season approaching, the transport authorities must add extra trains.",
        "After the plan is approved, relevant departments should publish it.",
    ]


def test_a_coordinated_modal_clause_keeps_its_reason() -> None:
    """'X is recovering, and the city should seize the chance …' is one directive, reason included."""
    got = _texts("The meeting stressed that tourism is recovering, and the city should seize the chance to grow.")
    assert got == ["tourism is recovering, and the city should seize the chance to grow."]


def test_while_splits_two_requirements_and_keeps_a_contrast() -> None:
    """', while efforts should be made to Y' starts a second requirement; a while-clause of fact does not."""
    got = _texts(
        "Businesses are encouraged to keep jobs stable, while efforts should be made to stabilize trade."
    )
    assert got == ["Businesses are encouraged to keep jobs stable", "efforts should be made to stabilize trade."]
    got = _texts("Local governments must cut red tape, while exports grew by 3 percent.")
    assert got == ["Local governments must cut red tape, while exports grew by 3 percent."]


def test_a_trailing_attribution_stays_with_the_requirement() -> None:
    """'…, the meeting said.' and '…, Li said at the meeting on Friday.' end the directive's span."""
    got = _texts("It is necessary to fully implement the decisions, the meeting said.")
    assert got == ["It is necessary to fully implement the decisions, the meeting said."]
    got = _texts("All policies must be delivered on time, Li said at the meeting on Friday.")
    assert got == ["All policies must be delivered on time, Li said at the meeting on Friday."]
    # A demanding verb at the end is no attribution: what it introduces is read as before.
    got = _texts("The economy is stable, the meeting noted, urging efforts to boost demand.")
    assert got == ["efforts to boost demand."]


def test_a_fronted_purpose_or_participle_clause_stays_with_its_modal() -> None:
    """'To do X, efforts should be made to Y' and 'Focusing on X, Y should be Z' are one directive each."""
    assert _texts("To complete the tasks, efforts should be made to promote research.") == [
        "To complete the tasks, efforts should be made to promote research."
    ]
    assert _texts("Focusing on the goals, adjustments should be intensified.") == [
        "Focusing on the goals, adjustments should be intensified."
    ]
    # Without a modal after it, a purpose clause is no requirement.
    assert _texts("To mark the day, a ceremony was held.") == []


def test_passive_assignments_and_needs() -> None:
    """'were told to', 'has been mandated to' and 'X are needed.' state requirements."""
    got = _texts(
        "Local authorities were told to ensure coal supply. "
        "The Task Force has been mandated to submit a report by July. "
        "Improvements in policy measures are needed."
    )
    assert got == [
        "Local authorities were told to ensure coal supply.",
        "The Task Force has been mandated to submit a report by July.",
        "Improvements in policy measures are needed.",
    ]
    # A forecast is not a requirement.
    assert _texts("The economy is expected to grow by 5 percent.") == []


def test_a_new_subject_with_its_own_yao_after_a_full_requirement() -> None:
    """'…落实好，我们每一位同志都要…' gives two directives; after a short heading it stays one."""
    got = _texts("会议强调，就是要把各项决策部署贯彻好、落实好，我们每一位同志都要当好执行者。")
    assert got == ["就是要把各项决策部署贯彻好、落实好，", "我们每一位同志都要当好执行者。"]
    got = _texts("会议要求，三要盘点半年工作，各部门要对照年初计划全面盘点。")
    assert got == ["三要盘点半年工作，各部门要对照年初计划全面盘点。"]


def test_and_called_for_is_a_second_demand() -> None:
    """'…stressed X, and called for Y' gives Y as a requirement of its own."""
    got = _texts(
        "The meeting stressed that it is necessary to implement the plan, and called for measures to keep jobs."
    )
    assert got == ["it is necessary to implement the plan", "measures to keep jobs."]


def test_requirements_listed_under_a_heading() -> None:
    """Under '会议要求：' the listed sentences are requirements; topic headings are not."""
    got = _texts(
        "会议要求：\n一、安全生产。各乡镇开展隐患排查，落实企业主体责任。\n二、项目建设。\n"
        "重点项目实行周调度，确保按期开工。\n会议听取了县财政局的汇报。\n县财政局通报了预算执行情况。"
    )
    assert got == ["各乡镇开展隐患排查，落实企业主体责任。", "重点项目实行周调度，确保按期开工。"]
    got = _texts(
        "The meeting set out the following requirements:\n- Greater support for small businesses.\n"
        "- Energy\nThe weather was fine."
    )
    assert got == ["Greater support for small businesses."]
    # A colon line that is no heading of requirements leaves the list alone.
    assert _texts("The following attended:\n- Mayor Smith and three councillors.") == []


def test_a_unit_given_the_lead_is_a_requirement() -> None:
    """'水利局牵头制定…' and '由X负责…' assign work; '负责同志汇报' does not."""
    got = _texts("水利局牵头制定防汛预案。由县财政局负责资金保障。县财政局负责同志介绍了情况。")
    assert got == ["水利局牵头制定防汛预案。", "由县财政局负责资金保障。"]


def test_connectives_second_complements_and_coordinated_modals() -> None:
    """'Additionally, X must', '…, and that Y are needed', 'During …, it was emphasized that',
    and a modal clause coordinated after a statement of duty are requirements."""
    assert _texts("Additionally, every county must see the work as a top program.") == [
        "Additionally, every county must see the work as a top program."
    ]
    assert _texts(
        "It said that investment plays an important role in growth, and that improvements in policy are needed."
    ) == ["improvements in policy are needed."]
    assert _texts("During the meeting, it was emphasized that it is necessary to align actions with plans.") == [
        "it is necessary to align actions with plans."
    ]
    assert _texts(
        "Li said it is an arduous task to build a well-off society, and the spirit of the conference "
        "should be implemented to promote growth."
    ) == ["the spirit of the conference should be implemented to promote growth."]
    # A statement of duty alone stays out.
    assert _texts("Li said it is an arduous task to build a well-off society.") == []


def test_council_resolutions_in_the_mandative_form() -> None:
    """'City Council direct X to …', '(a) That … be approved', '1. That … are approved' are requirements."""
    got = _texts("City Council direct the General Manager to report back in 2023.")
    assert got == ["City Council direct the General Manager to report back in 2023."]
    got = _texts("It was agreed:\n(a) That the funding statement be approved for publication.")
    assert got == ["(a) That the funding statement be approved for publication."]
    # The same words as a statement of fact are not a resolution.
    assert _texts("City Council directs much of its budget to roads.") == []
    assert _texts("That project is important for the town.") == []


def test_items_under_a_council_mandate_heading() -> None:
    """'1. City Council adopt the following objectives:' then 'a. …;' items, without their letters."""
    got = _texts(
        "1. City Council adopt the following objectives:\n"
        "a. affordable housing: a minimum of 33 percent affordable housing;\n"
        "b. public realm: all redevelopments to include streetscape enhancements;\n"
        "The meeting ended at 5 p.m."
    )
    assert got == [
        "City Council adopt the following objectives:",
        "affordable housing: a minimum of 33 percent affordable housing",
        "public realm: all redevelopments to include streetscape enhancements",
    ]


def test_purposes_are_not_requirements_and_a_second_saying_verb_ends_one() -> None:
    """'The aim of X is to …' states a purpose; '… and emphasized Y' ends the directed task."""
    assert _texts("The aim of this amendment is to create a coordinated approach to crime.") == []
    assert _texts("The objectives are to centralise the management of state assets.") == []
    got = _texts(
        "The chief minister directed that every department complete inquiries within three months "
        "and emphasized zero tolerance for corruption."
    )
    assert got == ["every department complete inquiries within three months"]
    # A requirement whose subject only mentions a goal is still one.
    assert _texts("Departments must meet the goals set for this year.") == [
        "Departments must meet the goals set for this year."
    ]


def test_the_presiding_official_demanding_mid_sentence() -> None:
    """'…，王县长也要求X', '…，并期勉Y', '…，希望Z': each lead-in starts a requirement without it."""
    got = _texts(
        "为了解工程进度，王县长指示行政处安排会勘各工程，并期勉各单位主管投入更多心力。"
        "旅游季节来临，王县长重申安全的重要性，希望各单位更加倍努力。"
    )
    assert got == ["行政处安排会勘各工程", "各单位主管投入更多心力。", "各单位更加倍努力。"]
    # Someone who is not an official hoping is no lead-in.
    assert _texts("游客们纷纷表示，大家希望景区更加干净。") == []


def test_orders_given_to_named_people() -> None:
    """'X directed the ministers that …' and 'X gave/issued instructions to …' introduce requirements."""
    got = _texts(
        "On the festivals, the CM directed all the ministers that plantation drives should be organized. "
        "The Governor issued strict directions to the district administrations to clear the backlog."
    )
    assert got == [
        "plantation drives should be organized.",
        "the district administrations to clear the backlog.",
    ]
    # Telling reporters a fact is no order.
    assert _texts("The Prime Minister told reporters that the economy was growing.") == []


def test_qualified_efforts_and_measures() -> None:
    """'Sustained efforts will also be made to', 'More measures will be taken to' are requirements."""
    got = _texts(
        "Sustained efforts will also be made to fine-tune government functions. "
        "More measures will be taken to stabilize jobs. The steps will be discussed by the board."
    )
    assert got == [
        "Sustained efforts will also be made to fine-tune government functions.",
        "More measures will be taken to stabilize jobs.",
    ]


def test_minutes_decisions_listed_after_a_heading() -> None:
    """'会议就有关具体事项明确如下：' lists decisions; '关于…问题。' headings are topics; 纪要 is no modal."""
    got = _texts(
        "现将会议形成的一致意见纪要如下：\n会议就有关具体事项明确如下：\n"
        "1.关于工作经费问题。县财政安排县卫计局工作经费50万元。\n"
        "会议强调，二是教育方面，要加快推进验收准备工作。"
    )
    assert got == ["县财政安排县卫计局工作经费50万元。", "二是教育方面，要加快推进验收准备工作。"]
