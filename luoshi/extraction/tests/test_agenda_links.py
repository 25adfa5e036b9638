"""Directives carry the agenda item they were set under."""

from __future__ import annotations

from luoshi.extraction import extract


def test_directives_carry_the_agenda_item_they_follow() -> None:
    """Requirements in the paragraph of an item's cue, or after it, belong to it; before any item, to none."""
    text = ("2026年12月7日，市长王明主持召开市政府常务会议。\n"
            "会议强调，要压实安全生产责任。\n"
            "会议听取了关于促消费工作情况的汇报。会议强调，市商务局要抓紧出台支持政策。\n"
            "要加强宣传引导。\n"
            "会议审议通过了《保交楼专项行动方案》。会议要求，由市住建局牵头，加快交付。")
    result = extract(text)
    titles = [a.title for a in result.agenda_items]
    links = {d.text: (titles[d.agenda_item] if d.agenda_item is not None else None) for d in result.directives}
    assert links == {
        "要压实安全生产责任。": None,
        "市商务局要抓紧出台支持政策。": "关于促消费工作情况的汇报",
        "要加强宣传引导。": "关于促消费工作情况的汇报",
        "由市住建局牵头，加快交付。": "保交楼专项行动方案",
    }


def test_a_paragraph_of_several_items_leaves_later_requirements_unlinked() -> None:
    """After "会议听取了A汇报，审议通过了B", which item a later requirement follows is not written."""
    text = ("2026年12月7日，市长王明主持召开市政府常务会议。\n"
            "会议听取了关于促消费工作情况的汇报，审议通过了《保交楼专项行动方案》。\n"
            "会议强调，要加强宣传引导。")
    result = extract(text)
    assert len(result.agenda_items) == 2
    assert [d.agenda_item for d in result.directives] == [None]
