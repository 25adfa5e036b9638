"""Agenda rules: conjoined and untitled documents, kinds from head nouns, follow-ups."""

from __future__ import annotations

from luoshi.extraction import extract
from luoshi.extraction.agenda import kind_of


def _items(text: str) -> list[tuple[str, str]]:
    return [(a.kind, a.title) for a in extract(text).agenda_items]


def test_it_splits_conjoined_documents_in_one_lead_sentence() -> None:
    """'approved the A Plan, the B Measures (Draft), and the C Agreement' gives three items."""
    got = _items(
        "The council met on Monday. It studied the Harbour Plan for Building the North Pier "
        "and the Cooperation Framework Agreement between the City and Acme Ports, and approved "
        "the Lake Plan for Renewing the Shore, the Measures of the City for the Administration "
        "of Parks (Draft), and the Memorandum of Understanding on Jointly Building the Rail Hub."
    )
    assert got == [
        ("plan", "Harbour Plan for Building the North Pier"),
        ("agreement", "Cooperation Framework Agreement between the City and Acme Ports"),
        ("plan", "Lake Plan for Renewing the Shore"),
        ("regulation", "Measures of the City for the Administration of Parks (Draft)"),
        ("agreement", "Memorandum of Understanding on Jointly Building the Rail Hub"),
    ]


def test_it_keeps_a_title_whose_second_conjunct_is_not_a_document() -> None:
    """'the Regulations on Minors and the Elderly' is one title: 'the Elderly' has no document head."""
    got = _items("The meeting adopted the Regulations on the Care of Minors and the Elderly.")
    assert got == [("regulation", "Regulations on the Care of Minors and the Elderly")]


def test_it_reads_untitled_lower_case_documents() -> None:
    """'a guideline on …' and 'the draft regulations on …' are documents; 'measures to …' are studied."""
    got = _items(
        "The cabinet met on Friday, which reviewed and approved a guideline on growing the care "
        "sector, and approved in principle the draft regulations on ferry safety."
    )
    assert got == [
        ("plan", "guideline on growing the care sector"),
        ("regulation", "draft regulations on ferry safety"),
    ]
    # Real readouts (corpus gold, issue 15) count "studied measures to …" as an item of
    # business; only the lower-case *document* nouns above make an item a plan.
    assert _items("The meeting studied measures to further boost tourism.") == [
        ("study", "measures to further boost tourism")
    ]


def test_it_reads_other_matters_in_the_passive() -> None:
    """'Other matters were also discussed at the meeting.' is the 'other' item."""
    assert _items("Other matters were also discussed at the meeting.") == [("other", "Other matters")]


def test_it_takes_the_kind_from_the_document_noun() -> None:
    """The head noun before the first preposition decides: a 'Plan for … Cooperation' is a plan."""
    assert kind_of("Implementation Plan for Deepening Port Cooperation", "en", "other")[0] == "plan"
    assert kind_of("Plan for Building a Trade Corridor", "en", "other")[0] == "plan"
    assert kind_of("Measures for the Administration of Parks (Draft)", "en", "other")[0] == "regulation"
    assert kind_of("Strategic Cooperation Framework Agreement", "en", "other")[0] == "agreement"
    assert kind_of("某市森林火灾应急预案（修订稿）", "zh", "other")[0] == "plan"


def test_it_skips_follow_up_measures_of_a_study_item() -> None:
    """'研究我省贯彻落实举措' follows a study item; it is not an agenda item of its own."""
    got = _items("会议传达学习了党中央关于防汛工作的决策部署，研究我市贯彻落实措施。")
    assert got == [("study", "党中央关于防汛工作的决策部署")]
    assert _items("会议研究加快发展数字经济的有关举措。") == [("plan", "加快发展数字经济的有关举措")]


def test_a_study_cue_after_a_modal_is_a_directive() -> None:
    """'要深入学习贯彻…重要论述' inside a requirement is a directive, not a study item."""
    got = extract("会议强调，要认真学习贯彻习近平总书记关于防灾减灾的重要论述，坚持预防为主。")
    assert [a.kind for a in got.agenda_items] == []
    assert [d.text for d in got.directives] == [
        "要认真学习贯彻习近平总书记关于防灾减灾的重要论述，坚持预防为主。"
    ]


def test_an_english_study_cue_after_a_modal_is_not_an_item() -> None:
    """'All departments must study the important instructions of …' is a requirement."""
    got = extract(
        "All departments must study the important instructions of General Secretary Xi Jinping "
        "on flood control."
    )
    assert got.agenda_items == ()
    assert len(got.directives) == 1
