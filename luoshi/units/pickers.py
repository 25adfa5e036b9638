"""What the unit pickers show: the units in the order of their tree, each searchable by the
pinyin of its Chinese name.

A picker (web/static/web/pickers.js, on Tom Select) matches what is typed against an option's
text, its pinyin initials (应急管理厅 → "yjglt") and its full pinyin ("yingjiguanliting"), so a
unit is found on a phone keyboard without switching to Chinese input. The widgets that carry
these as data attributes are in luoshi/units/widgets.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pypinyin import Style, lazy_pinyin

from luoshi.units.models import name_field

T = TypeVar("T")


@lru_cache(maxsize=8192)
def pinyin(name: str) -> tuple[str, str]:
    """The pinyin initials and the full pinyin of a name, lower case and without spaces:
    应急管理厅 → ("yjglt", "yingjiguanliting"). Letters and digits in the name are kept."""
    name = name.strip()
    def keep(text: str) -> list[str]:  # characters that are not Chinese stay, one by one
        return [char for char in text if not char.isspace()]

    # pypinyin takes a list from `errors` (one item each) though its stub says str.
    initials = "".join(part[:1] for part in lazy_pinyin(name, style=Style.FIRST_LETTER, errors=keep))  # type: ignore[arg-type]  # see above
    full = "".join(lazy_pinyin(name, errors=keep))  # type: ignore[arg-type]  # see above
    return initials.lower(), full.lower()


def initials(name: str) -> str:
    return pinyin(name)[0]


def _parent_path(path: str) -> str:
    """"/LN/SY/SY-HP/" → "/LN/SY/"."""
    return path[: path.rstrip("/").rfind("/") + 1]


def tree_sorted(items: Iterable[T], entry: Callable[[T], tuple[str, str, str]] | None = None) -> list[T]:
    """The units depth first, each parent before its children, and siblings by name: by the
    pinyin of the Chinese name when the page is in Chinese, by the English name otherwise (not
    by their Latin codes, whose order looks random in Chinese).

    `entry` gives an item's (path, Chinese name, English name); by default the item is a Unit.
    A unit whose parent is not among the items is shown at the top level.
    """
    get = entry or (lambda unit: (unit.path, unit.name_zh, unit.name_en))  # type: ignore[attr-defined]  # the default is for Unit items
    english = name_field() == "name_en"
    rows = [(item, *get(item)) for item in items]
    paths = {row[1] for row in rows}
    children: dict[str, list[tuple[T, str, str, str]]] = defaultdict(list)
    roots: list[tuple[T, str, str, str]] = []
    for row in rows:
        parent = _parent_path(row[1])
        (children[parent] if parent in paths else roots).append(row)

    def key(row: tuple[T, str, str, str]) -> tuple[str, str]:
        _item, path, name_zh, name_en = row
        return (name_en.casefold() if english else pinyin(name_zh)[1]), path

    ordered: list[T] = []
    stack = sorted(roots, key=key, reverse=True)
    while stack:
        row = stack.pop()
        ordered.append(row[0])
        stack.extend(sorted(children.get(row[1], ()), key=key, reverse=True))
    return ordered
