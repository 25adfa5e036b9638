"""How alike two directives are: the measure the repeated-directive check decides by.

Pure Python, no Django (bench/ and the evaluation use it alone). A directive becomes a set of
content features: for Chinese, jieba's words of two characters or more and every character
bigram, for English, word stems of three letters or more; stock words that every directive
uses (加强, 推进, promote, ensure …) are dropped. The similarity is the overlap
coefficient of the two sets (see `similarity`). The threshold was chosen on corpus/checks/directive_pairs.jsonl (docs/checks.md).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

from luoshi.extraction.hant import to_simplified

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Pinyin after a character, as some sites print it: 國(guó)
_RUBY = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_PIECES = re.compile(rf"[{HAN}]+|[a-z][a-z'-]*|[0-9]+")
# Above it, two directives are taken for the same demand (precision 0.9 or better on the
# labelled pairs: docs/checks.md).
THRESHOLD = 0.62
# Above it, an earlier directive is shown as related, for the office to judge.
RELATED = 0.4

Features = tuple[frozenset[str], frozenset[str]]

# Words every directive uses: they say how, not what.
_ZH_STOP = frozenset("""
要 必须 坚持 加强 推进 推动 落实 强化 提升 提高 深化 完善 健全 加快 扎实 切实 全力 全面 持续 着力 努力 积极 进一步
不断 认真 大力 统筹 抓好 做好 抓紧 抓实 确保 保障 促进 实现 围绕 聚焦 坚决 始终 更加 工作 有关 相关 部门 各地 各级
各类 方面 问题 任务 重点 重要 进行 开展 组织 发展 建设 各项 水平 能力 机制 体系 政策 措施 一批 一些 我们 我省 我市
我县 我区 全省 全市 全县 全区 全国 会议 指出 强调 要求 认为 部署 安排 研究 审议 通过 原则 同意 决定 相关 不断 高质量
学习 贯彻 领会 深入 认真 精神 重要 讲话 指示 批示 思想 行动 统一 党中央 中央 决策 习近平 总书记 新时代 特色 社会主义
目标 全年 责任 压实 各位 上下 实际 结合 形势 坚定 切实 扎实 不折不扣 全力以赴 主动 基础 发展 经济社会
重要讲话 讲话精神 重要指示 指示精神 批示精神 重要论述 重要思想 决策部署 系列 贯彻落实 学习贯彻 深入学习
""".split())
_EN_STOP = frozenset("""
the and for with that this from into its their they them have has had was were are been being will shall should must
would could can may also more most such than then other all any each every both not only but our your his her who whom
which what when where while about over under across within without between among through upon per via including
meeting noted said urged called stressed added according government governments department departments work efforts
effort further continue continued continuing promote promoting ensure ensuring strengthen strengthening improve improving
enhance enhancing step stepping efforts level levels relevant related make making made take taking new need needs needed
area areas measure measures policy policies development develop developing high quality efforts support supporting
""".split())


@cache
def _jieba():
    import jieba  # loading its dictionary takes a moment: on first use

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _normalise(text: str) -> str:
    text = to_simplified(_RUBY.sub("", text or ""))
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _stem(word: str) -> str:
    """A crude English stem: enough that 'inspections' meets 'inspection' and 'inspected'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=16_384)
def _han_features(run: str) -> tuple[frozenset[str], frozenset[str]]:
    cut = list(_jieba().cut(run, HMM=False))
    words = {w for w in cut if len(w) > 1 and w not in _ZH_STOP}
    # Bigrams of what is left once the stock words are cut out: the boilerplate of 学习贯彻
    # 习近平总书记重要讲话精神 gives none, whatever jieba made of the rest.
    bigrams: set[str] = set()
    for piece in "".join(w if w not in _ZH_STOP else "\x00" for w in cut).split("\x00"):
        bigrams.update(piece[i:i + 2] for i in range(len(piece) - 1))
    return frozenset(words), frozenset(bigrams - _ZH_STOP)


def features(text: str) -> Features:
    """(words, bigrams): the content words of `text` and, for Chinese, its character bigrams."""
    words: set[str] = set()
    bigrams: set[str] = set()
    for piece in _PIECES.findall(_normalise(text)):
        if not piece[0].isascii():
            found_words, found_bigrams = _han_features(piece)
            words |= found_words
            bigrams |= found_bigrams
        elif piece[0].isdigit():
            continue  # numbers differ from year to year in the same demand
        else:
            word = piece.strip("'-")
            if len(word) >= 3 and word not in _EN_STOP:
                words.add(_stem(word))
    return frozenset(words), frozenset(bigrams)


def similarity(first: str | Features, second: str | Features) -> float:
    """From 0 (nothing in common) to 1 (everything the shorter directive asks is in the
    other): the overlap coefficient |A ∩ B| / min(|A|, |B|) of the two feature sets (content
    words and, for Chinese, character bigrams). The overlap rather than Dice or Jaccard,
    because a leader repeating a demand often adds to it or says it shorter."""
    a = features(first) if isinstance(first, str) else first
    b = features(second) if isinstance(second, str) else second
    left, right = a[0] | a[1], b[0] | b[1]
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def same_demand(first: str, second: str, threshold: float = THRESHOLD) -> bool:
    return similarity(first, second) >= threshold
