"""Lead and cooperating units per directive, as the text names them, and their codes."""

from __future__ import annotations

from luoshi.extraction import Directory, extract
from luoshi.extraction.responsibility import find_responsibility

CITY = Directory.from_data({
    "province": {"code": "C", "name_zh": "某市人民政府", "name_en": "City Government"},
    "priority_areas": [],
    "units": [
        {"code": code, "name_zh": zh, "name_en": en, "kind": "department", "parent": None,
         "keywords_zh": [], "keywords_en": []}
        for code, zh, en in [
            ("DRC", "市发展和改革委员会", "Municipal Development and Reform Commission"),
            ("COM", "市商务局", "Municipal Bureau of Commerce"),
            ("HOUSE", "市住房和城乡建设局", "Municipal Bureau of Housing and Urban-Rural Development"),
            ("FIN", "市财政局", "Municipal Finance Bureau"),
            ("NATRES", "市自然资源局", "Municipal Bureau of Natural Resources"),
            ("MARKET", "市市场监督管理局", "Municipal Administration for Market Regulation"),
            ("PSB", "市公安局", "Municipal Public Security Bureau"),
            ("PSB-D", "和平区公安分局", "Heping District Public Security Sub-bureau"),
        ]
    ],
})


def _who(text: str, lang: str = "zh") -> tuple[list[str], list[str]]:
    found = find_responsibility(text, lang)
    return [u.name for u in found.lead], [u.name for u in found.cooperating]


def test_it_takes_the_unit_that_leads() -> None:
    """牵头 after the subject names the lead unit, not another unit of the sentence."""
    assert _who("市发展改革委要牵头制定促消费实施方案，市财政局做好资金保障。")[0] == ["市发展改革委"]


def test_it_keeps_lead_and_cooperating_apart_with_huitong() -> None:
    """会同 puts the subject in the lead and its object among the cooperating units."""
    assert _who("市商务局要会同市发展改革委抓紧出台支持政策。") == (["市商务局"], ["市发展改革委"])
    assert _who("市商务局会同市发改委做好展会筹备。") == (["市商务局"], ["市发改委"])


def test_it_reads_you_qiantou_and_peihe() -> None:
    """由X牵头，Y、Z配合: X leads, Y and Z cooperate."""
    got = _who("加快推进保交楼工作，由市住建局牵头，市财政局、市自然资源局配合，12月31日前完成。")
    assert got == (["市住建局"], ["市财政局", "市自然资源局"])


def test_it_reads_labelled_units_of_minutes() -> None:
    """会议纪要 write 牵头单位：…；配合单位：…."""
    got = _who("牵头单位：市住房和城乡建设局；配合单位：市财政局、市自然资源局；完成时限：2026年12月31日。")
    assert got == (["市住房和城乡建设局"], ["市财政局", "市自然资源局"])


def test_it_reads_a_cooperating_subject() -> None:
    """Y要配合X: Y cooperates and X leads."""
    assert _who("市财政局要配合市住建局做好资金保障。") == (["市住建局"], ["市财政局"])


def test_it_does_not_take_generic_subjects_as_units() -> None:
    """各地各部门, 有关部门 and "relevant departments" are not units; named ones in the same list are."""
    assert _who("各地各部门要切实担起责任。") == ([], [])
    assert _who("有关部门要加强监管。") == ([], [])
    assert _who("市场监管局、市公安局等有关部门要严厉打击违法行为。")[0] == ["市场监管局", "市公安局"]
    assert _who("Relevant departments should strengthen supervision.", "en") == ([], [])


def test_it_finds_no_unit_in_a_plain_requirement() -> None:
    """A requirement that names no unit has none (no verb or slogan taken for a unit)."""
    assert _who("坚持以人民为中心，加快推进重点项目建设。") == ([], [])
    assert _who("It is necessary to boost consumption.", "en") == ([], [])


def test_it_reads_english_units() -> None:
    """"X shall, together with Y" and "in cooperation with Y and Z"; "led by X"."""
    got = _who("The Municipal Commerce Bureau shall, together with the Development and Reform "
               "Commission, draft the plan by 30 June.", "en")
    assert got == (["Municipal Commerce Bureau"], ["Development and Reform Commission"])
    got = _who("The Department of Housing and Urban-Rural Development must speed up delivery in "
               "cooperation with the Department of Finance and the Department of Natural Resources.", "en")
    assert got == (["Department of Housing and Urban-Rural Development"],
                   ["Department of Finance", "Department of Natural Resources"])
    assert _who("A task force led by the Ministry of Finance will review the rules.", "en")[0] == ["Ministry of Finance"]


def test_it_matches_abbreviations_to_the_directory() -> None:
    """市发展改革委 ↔ 市发展和改革委员会, 市住建局 ↔ 市住房和城乡建设局, 市场监管局 ↔ 市场监督管理局."""
    assert CITY.match_name("市发展改革委", "zh") == "DRC"
    assert CITY.match_name("市发改委", "zh") == "DRC"
    assert CITY.match_name("市住建局", "zh") == "HOUSE"
    assert CITY.match_name("市场监管局", "zh") == "MARKET"
    assert CITY.match_name("市监局", "zh") == "MARKET"
    assert CITY.match_name("Development and Reform Commission", "en") == "DRC"


def test_it_matches_provincial_abbreviations_in_the_default_directory() -> None:
    """省住建厅 ↔ 省住房和城乡建设厅, 省国资委 ↔ 省人民政府国有资产监督管理委员会; a city unit is not a province's."""
    directory = Directory.from_data({"province": {}, "priority_areas": [], "units": [
        {"code": "HOUSING", "name_zh": "省住房和城乡建设厅", "name_en": "Provincial Department of Housing",
         "kind": "department", "parent": None, "keywords_zh": [], "keywords_en": []},
        {"code": "SASAC", "name_zh": "省人民政府国有资产监督管理委员会", "name_en": "SASAC",
         "kind": "department", "parent": None, "keywords_zh": [], "keywords_en": []},
    ]})
    assert directory.match_name("省住建厅", "zh") == "HOUSING"
    assert directory.match_name("省国资委", "zh") == "SASAC"
    assert directory.match_name("市住建局", "zh") is None


def test_it_never_guesses_between_equal_candidates() -> None:
    """Two units equally close to a name give no code; a closer one or the full name wins."""
    assert CITY.match_name("公安局", "zh") == "PSB"  # 市公安局 is closer than 和平区公安分局
    twins = Directory.from_data({"province": {}, "priority_areas": [], "units": [
        {"code": code, "name_zh": zh, "name_en": code, "kind": "department", "parent": None,
         "keywords_zh": [], "keywords_en": []}
        for code, zh in [("A", "市公安局"), ("B", "沈阳市公安局")]
    ]})
    assert twins.match_name("公安局", "zh") is None
    assert twins.match_name("市公安局", "zh") == "A"
    assert twins.match_name("沈阳市公安局", "zh") == "B"


def test_it_carries_units_codes_and_spans_in_the_extraction() -> None:
    """extract() gives each directive lead/cooperating names, codes and spans into the readout."""
    text = ("2026年12月7日，市长王明主持召开市政府常务会议。\n"
            "会议强调，市商务局要会同市发展改革委抓紧出台支持政策，2027年1月15日前完成。")
    directive = extract(text, directory=CITY).directives[0]
    assert directive.lead == ("市商务局",) and directive.lead_codes == ("COM",)
    assert directive.cooperating == ("市发展改革委",) and directive.cooperating_codes == ("DRC",)
    assert [text[a:b] for a, b in directive.lead_spans] == ["市商务局"]
    assert [text[a:b] for a, b in directive.cooperating_spans] == ["市发展改革委"]
    as_json = directive.to_dict()
    assert as_json["lead"] == ["市商务局"] and as_json["cooperating_codes"] == ["DRC"]


def test_it_does_not_take_documents_or_lone_plurals_for_english_units() -> None:
    """"the Measures for the Administration of …" is a document; "Directorates" alone is generic."""
    assert _who("the Measures for the Administration of Public Data should be revised.", "en") == ([], [])
    assert _who("Directorates must bring forward action plans.", "en") == ([], [])


def test_it_reads_asked_units_and_generic_tails() -> None:
    """请X/责成X make X the lead; "X and other relevant departments should" leads with X."""
    assert _who("请市商务局牵头研究提出方案。")[0] == ["市商务局"]
    assert _who("责成市住建局会同市财政局抓紧整改。") == (["市住建局"], ["市财政局"])
    got = _who("The Ministry of Finance and other relevant departments should improve the rules.", "en")
    assert got == (["Ministry of Finance"], [])


def test_it_keeps_time_words_and_because_out_of_unit_names() -> None:
    """下一步/今年 before the subject and 由于 ("because") are not part of a unit's name."""
    assert _who("下一步市商务局要加强调度。")[0] == ["市商务局"]
    assert _who("由于市场需求不足，要加大促消费力度。") == ([], [])


def test_it_reads_traditional_characters_and_bare_subjects() -> None:
    """Traditional names and separators; a unit opening a clause without 要 acts; 要求X makes X lead."""
    assert _who("清水街道科技執法要以安全為優先考量，警察局與交旅局研究改進方案。")[0] == ["警察局", "交旅局"]
    assert _who("要求環資局加強縣內公廁的清潔衛生維護管理。")[0] == ["環資局"]
    assert _who("工務處邀集馬管處及交旅局召開統合視導會議。") == (["工務處"], ["馬管處", "交旅局"])
    assert _who("區財政部門要創新融資機制。")[0] == ["區財政部門"]
    assert _who("规划部门要提前介入。")[0] == ["规划部门"]
    assert _who("职能部门要加强监管。") == ([], [])


def test_it_keeps_generic_lists_and_long_names_apart() -> None:
    """国务院各部门/省级有关部门 are generic; 省防汛抗旱指挥部办公室 is one name; 要坚持政府引导 names none."""
    assert _who("国务院各部门要深入学习领会。") == ([], [])
    assert _who("省级有关部门要主动对接。") == ([], [])
    assert _who("省防汛抗旱指挥部办公室要加强统筹协调。")[0] == ["省防汛抗旱指挥部办公室"]
    assert _who("要坚持政府引导、市场运作、公众参与。") == ([], [])


def test_it_reads_a_cue_after_a_few_words_and_lists_joined_by_yu() -> None:
    """明确由X牵头, 县长也责成X、Y与Z…, 县长要求X…: the units asked lead, not the speaker."""
    assert _who("明确由区委办牵头，整合各单位意见。")[0] == ["区委办"]
    assert _who("王县长也责成行政处、交旅局与文化处仿效世博会导览系统。")[0] == ["行政处", "交旅局", "文化处"]
    assert _who("縣長要求工務處、交旅局用心妥善準備專案報告。")[0] == ["工務處", "交旅局"]
    assert _who("并责成副县长陈某于开议期间每日召集会议。")[0] == ["副县长陈某"]


def test_it_takes_the_one_asked_when_the_cue_was_cut_off_before_the_directive() -> None:
    """A directive whose lead-in "王县长责成" was removed opens with the one asked."""
    assert [u.name for u in find_responsibility("副县长陈某于开议期间每日召集会议。", "zh", asked=True).lead] == ["副县长陈某"]
    assert [u.name for u in find_responsibility("副县长陈某于开议期间每日召集会议。", "zh").lead] == []


def test_it_does_not_take_verb_phrases_or_cadres_for_units() -> None:
    """部署, 干部, 开局, 落到实处 end no unit name; 各… and 其… are generic."""
    for text in ("要精心组织，周密安排部署。", "领导干部要在遵守八项规定中起表率作用。",
                 "要狠抓落實，確保各項部署落地見效。", "要推动明年工作开好局。",
                 "切实把各项工作部署和要求落到实处。", "部机关各司局、各单位要组织干部职工学习。",
                 "安全生产工作需行业主管部门要履行监管职责。"):
        assert _who(text) == ([], []), text
    assert _who("县政府及其组成部门要全面贯彻落实。")[0] == ["县政府"]


def test_it_reads_partners_named_by_lianxi_and_units_before_banli() -> None:
    assert _who("環資局橫向聯繫警察局加強路邊村落環境維護。") == (["環資局"], ["警察局"])
    assert _who("人事處辦理說明會給予協助。")[0] == ["人事處"]


def test_it_reads_english_units_told_to_act() -> None:
    """Passives (was authorised/mandated to), directed X to, approval granted to X to, a
    report from X, led by an office-holder, a fronted clause, and council staff."""
    cases = {
        "the Prime Minister was authorised to address all financial obligations.": ["Prime Minister"],
        "The Task Force has been mandated to submit a report by July 2016.": ["Task Force"],
        "The council directed the City Manager to report back.": ["City Manager"],
        "Cabinet directed the Ministry of Health to prepare a plan.": ["Ministry of Health"],
        "The cabinet granted approval to the P&D Board and Transport Department to launch it.":
            ["P&D Board", "Transport Department"],
        "A report from the Marijuana Core Committee will be ready by mid-December.": ["Marijuana Core Committee"],
        "That a Task Group be set up and led by the Portfolio Holder for Communities.":
            ["Portfolio Holder for Communities"],
        "As part of this discussion, the Finance Minister was asked to review the fees.": ["Finance Minister"],
        "The council directed staff to bring back a report.": ["staff"],
        "The Housing Department will lead the review.": ["Housing Department"],
    }
    for text, lead in cases.items():
        assert _who(text, "en")[0] == lead, text


def test_it_does_not_take_political_leadership_or_a_lone_title_for_a_lead() -> None:
    assert _who("The government should act under the leadership of the Provincial Party Committee.", "en") == ([], [])
    assert _who("The Minister was asked to clarify the position.", "en") == ([], [])


def test_a_directive_without_a_named_unit_takes_the_drafter_of_the_approved_document() -> None:
    """会议原则同意X拟草的《…》，修改完善后印发: X carries the follow-up; another sentence's
    drafter does not."""
    from luoshi.extraction.responsibility import context_lead

    text = ("会议原则同意县财政局拟草的《关于加快资金支出进度的意见》，修改完善后，批复实施。"
            "会议同意县农业农村局拟草并经合法性审查的《推进方案》，修改完善后印发。"
            "要抓紧修改完善后印发。")
    found = context_lead(text, text.index("修改完善后，批复"), "zh")
    assert [u.name for u in found] == ["县财政局"] and text[slice(*found[0].span)] == "县财政局"
    assert [u.name for u in context_lead(text, text.index("修改完善后印发"), "zh")] == ["县农业农村局"]
    assert context_lead(text, text.index("要抓紧"), "zh") == ()


def test_list_items_take_the_body_their_heading_names() -> None:
    from luoshi.extraction.responsibility import context_lead

    text = ("The Task Force was established to review the programme. Some duties of the Task Force include:\n\n"
            "o To review the policy guidelines\n\n"
            "o To review mechanisms for reducing costs\n\n"
            "Cabinet noted the report:\n\no To publish the findings\n")
    first = text.index("To review the policy")
    second = text.index("To review mechanisms")
    assert [u.name for u in context_lead(text, first, "en")] == ["Task Force"]
    assert [u.name for u in context_lead(text, second, "en")] == ["Task Force"]
    assert context_lead(text, text.index("To publish"), "en") == ()
    zh = "市住建局要重点做好以下工作：\n（一）加快推进保交楼。\n（二）完善租赁市场。\n"
    assert [u.name for u in context_lead(zh, zh.index("完善租赁"), "zh")] == ["市住建局"]
    assert context_lead("要加快推进。", 0, "zh") == ()


def test_it_reads_a_role_written_after_a_name_in_a_list() -> None:
    """X（牵头）、Y按职责分工负责: X leads, Y takes part; X（配合） cooperates."""
    assert _who("市住建局（牵头）、市财政局按职责分工负责，12月底前完成。") == (["市住建局"], ["市财政局"])
    assert _who("市財政局（牽頭）、市稅務局負責。") == (["市財政局"], ["市稅務局"])
    assert _who("市住建局（配合）做好保障。") == ([], ["市住建局"])


def test_it_reads_english_partners_and_generic_tails_after_the_one_told() -> None:
    assert _who("The meeting urged the Ministry of Commerce and other relevant departments to step up support.",
                "en") == (["Ministry of Commerce"], [])
    assert _who("Li asked the National Development and Reform Commission to work with the Ministry of Finance.",
                "en") == (["National Development and Reform Commission"], ["Ministry of Finance"])
    assert _who("The meeting called on relevant departments to act.", "en") == ([], [])
