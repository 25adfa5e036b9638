"""Segmenting text and queries, building match expressions, highlighting (no database)."""

from luoshi.search.text import (
    fts5_expression,
    highlight,
    index_tokens,
    query_terms,
    snippet,
    tsquery_expression,
)


def test_it_indexes_words_characters_and_bigrams():
    """A Chinese run gives its jieba words, every character and every bigram."""
    tokens = index_tokens("加强安全生产")
    assert {"安全", "生产", "加强"} <= set(tokens)
    assert {"加", "强", "安", "全", "生", "产"} <= set(tokens)
    assert {"强安", "全生"} <= set(tokens)


def test_it_lower_cases_english_and_folds_full_width_forms():
    """English is lower-cased, full-width letters and accents folded, punctuation dropped."""
    assert index_tokens("Flood-Control ＣＯＶＩＤ１９ café!") == ["flood", "control", "covid19", "cafe"]


def test_it_turns_queries_into_terms():
    """One character, a word, a phrase jieba splits and English words each become terms."""
    assert [t.alternatives for t in query_terms("安")] == [(("安",),)]
    assert [t.alternatives for t in query_terms("安全")] == [(("安全",),)]
    assert [t.alternatives for t in query_terms("管理厅")] == [(("管理厅",), ("管理", "理厅"))]
    assert [t.word for t in query_terms("安全生产 Inspection")] == ["安全", "生产", "inspection"]
    assert query_terms("Inspection")[0].prefix and not query_terms("19")[0].prefix


def test_it_gives_nothing_for_punctuation_or_empty_input():
    """Input with nothing searchable gives no terms."""
    assert query_terms("") == [] and query_terms("!!! ，。——“”*") == []


def test_it_keeps_user_input_out_of_the_query_syntax():
    """Quotes, operators and stars are dropped or quoted as plain words."""
    terms = query_terms('"safety" AND NEAR(x y) * OR -')
    assert fts5_expression(terms) == '(("safety"*)) AND (("and"*)) AND (("near"*)) AND (("x")) AND (("y")) AND (("or"))'
    assert tsquery_expression(query_terms("it's 安全")) == "(('it')) & (('s')) & (('安全'))"



def test_it_bounds_very_long_queries():
    """A very long query is cut to a bounded number of terms."""
    assert len(query_terms("word " * 5000)) == 1
    assert len(query_terms(" ".join(f"w{i}x" for i in range(500)))) <= 12


def test_it_highlights_and_escapes():
    """Matches are wrapped in <mark>; everything else is HTML-escaped."""
    html = highlight("<b>安全</b> Safety first", query_terms("安全 safe"))
    assert html == "&lt;b&gt;<mark>安全</mark>&lt;/b&gt; <mark>Safety</mark> first"


def test_it_cuts_a_snippet_around_the_first_match():
    """A long text is cut around its first match, with ellipses."""
    text = "甲" * 300 + "安全生产" + "乙" * 300
    html = snippet(text, query_terms("安全"), width=60)
    assert html.startswith("…") and html.endswith("…") and "<mark>安全</mark>" in html
    assert len(html) < 100
