"""The three checks' rules on their own (no database): similarity, supervisability, report marks."""

from luoshi.checks import evaluate, report_rules, similarity, supervisable
from luoshi.checks.report_rules import ReportFacts

SAFETY = "要压实责任抓好安全生产，坚决防范重特大事故发生，确保人民群众生命财产安全。"


# --- similarity ------------------------------------------------------------------------------------


def test_a_repeated_chinese_demand_is_the_same():
    assert similarity.same_demand(SAFETY, "会议要求，各地要压实责任，抓好安全生产，坚决防范重特大事故发生。")


def test_a_different_chinese_demand_is_not():
    assert not similarity.same_demand(SAFETY, "要全力做好保交楼、保供稳价、冬季供暖等工作。")
    assert similarity.similarity(SAFETY, "要全力做好保交楼、保供稳价、冬季供暖等工作。") < similarity.RELATED


def test_stock_words_alone_make_no_match():
    """Two 学习贯彻 directives about different things share only stock words."""
    first = "要深入学习贯彻习近平总书记重要讲话精神，扎实做好统计工作。"
    second = "要深入学习贯彻习近平总书记重要讲话精神，扎实做好防汛工作。"
    assert not similarity.same_demand(first, second)


def test_traditional_characters_and_printed_pinyin_are_folded():
    assert similarity.similarity("國(guó)務(wù)院各部門要抓好安全生產", "国务院各部门要抓好安全生产") == 1.0


def test_english_demands_match_by_their_stems():
    earlier = "more should be done to map detailed measures and policies to implement the key tasks"
    later = "Detailed measures and policies should be mapped to implement the key tasks."
    assert similarity.same_demand(earlier, later)
    assert not similarity.same_demand(earlier, "staying vigilant against the risks posed by floods and typhoons.")


def test_empty_text_matches_nothing():
    assert similarity.similarity("", SAFETY) == 0.0
    assert similarity.similarity("。。。", "...") == 0.0


def test_the_threshold_keeps_precision_on_the_labelled_pairs():
    """The measured figure of docs/checks.md: precision ≥ 0.9 on the 235 labelled pairs."""
    scores = evaluate.pair_scores()
    assert scores.total >= 200
    assert scores.precision >= 0.9 and scores.true_positives >= 5


# --- supervisability -------------------------------------------------------------------------------


def test_a_principle_lacks_all_three():
    found = supervisable.check("要大力弘扬优良作风，推动各项工作再上新台阶。", "zh")
    assert found.gaps == ("lead", "deadline", "result")
    found = supervisable.check("the need to actively serve and integrate into the new development pattern.", "en")
    assert found.gaps == ("lead", "deadline", "result")


def test_a_supervisable_chinese_directive_has_none():
    text = "由省住建厅牵头，12月31日前制定冬季供暖保障方案。"
    assert supervisable.check(text, "zh").supervisable


def test_everyone_words_name_no_lead():
    assert "lead" in supervisable.check("各级各部门要在12月31日前报送整改清单。", "zh").gaps
    assert "lead" in supervisable.check("relevant departments should submit a report by 30 June.", "en").gaps


def test_a_named_office_leads():
    assert "lead" not in supervisable.check("区财政局要创新融资机制。", "zh").gaps
    assert "lead" not in supervisable.check("The Task Force has been mandated to submit a report by July 2016.", "en").gaps


def test_a_cadence_is_a_time_limit():
    assert "deadline" not in supervisable.check("由業管局處按月提報執行情形。", "zh").gaps
    assert "deadline" not in supervisable.check("The board will report monthly on the works.", "en").gaps


def test_a_number_or_a_deliverable_is_a_checkable_result():
    assert "result" not in supervisable.check("确保新建项目一季度开工达到35%。", "zh").gaps
    assert "result" not in supervisable.check("set a target to train 2,300 youth within a year.", "en").gaps
    assert "result" not in supervisable.check("要形成问题清单。", "zh").gaps


def test_a_document_to_carry_out_is_no_deliverable():
    assert "result" in supervisable.check("要落实好《政府工作报告》。", "zh").gaps


def test_the_reviewer_can_supply_the_lead_and_the_deadline():
    found = supervisable.check("要抓好安全生产。", "zh", lead=True, deadline=True)
    assert found.gaps == ("result",)


def test_the_flags_keep_their_measured_precision():
    """docs/checks.md's figures, so that a rule change that loses them fails here."""
    for gap, floor in (("lead", 0.9), ("deadline", 0.9), ("result", 0.8)):
        scores = evaluate.gap_scores(gap)
        assert scores.total >= 100 and scores.precision >= floor, (gap, scores)


# --- report marks ----------------------------------------------------------------------------------


def facts(text: str, **kwargs: object) -> ReportFacts:
    values = {"text": text, "task_text": "压实责任抓好安全生产，坚决防范重特大事故发生", "previous_text": None,
              "progress": 40, "previous_progress": None, "evidence_count": 1}
    values.update(kwargs)
    return ReportFacts(**values)  # type: ignore[arg-type]


def test_a_report_on_its_task_earns_no_mark():
    assert report_rules.marks(facts("已开展安全生产大检查，排查整改隐患1,200余项。")) == []


def test_a_report_about_something_else_is_off_topic():
    assert report_rules.OFF_TOPIC in report_rules.marks(facts("本月组织了两次读书会，干部学习热情高涨。"))
    english = facts("We held two reading groups this month.", task_text="Repair the flood levees of the Liao river")
    assert report_rules.OFF_TOPIC in report_rules.marks(english)
    assert report_rules.OFF_TOPIC not in report_rules.marks(facts("Levees repaired along 12 km.", task_text=english.task_text))


def test_a_copy_of_the_previous_report_is_repeated():
    text = ("本月已开展安全生产大检查，组织专家对全省危化品企业、矿山、燃气管网逐一排查，"
            "排查整改隐患1,200余项，约谈企业负责人36人，各项工作有序推进。")
    assert report_rules.REPEATED in report_rules.marks(facts(text, previous_text=text, previous_progress=30))
    # A copy with a changed figure and a word more is still a copy …
    assert report_rules.REPEATED in report_rules.marks(facts(text.replace("1,200", "1,300") + "下一步继续。",
                                                            previous_text=text))
    # … below the setting it is not.
    assert report_rules.REPEATED not in report_rules.marks(facts(text, previous_text=text), repeat_percent=101)
    assert report_rules.REPEATED not in report_rules.marks(facts("安全生产隐患已整改完毕，验收合格。", previous_text=text))


def test_progress_claimed_without_evidence_or_change_is_marked():
    claim = "安全生产工作稳步推进，取得积极成效。"
    assert report_rules.NO_EVIDENCE in report_rules.marks(facts(claim, evidence_count=0, previous_progress=40))
    assert report_rules.NO_EVIDENCE not in report_rules.marks(facts(claim, evidence_count=1, previous_progress=40))
    assert report_rules.NO_EVIDENCE not in report_rules.marks(facts(claim, evidence_count=0, previous_progress=30))
    english = facts("Safety work progressed steadily.", task_text="safety inspections", evidence_count=0,
                    progress=0, previous_progress=None)
    assert report_rules.NO_EVIDENCE in report_rules.marks(english)
