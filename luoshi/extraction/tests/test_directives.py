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
