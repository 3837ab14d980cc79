"""storage.fulltext's query parser and text folding, without a database.

What people type becomes quoted words only: no FTS operator survives, the
number of words and characters is bounded (docs/design/security.md item 31), accents and case
are folded the same way as the indexed text.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.fulltext import MAX_QUERY_CHARS, MAX_TERMS, QueryError, Term, index_text, parse, words

TSQUERY_TERM = re.compile(r"'[^'\\]+'(:\*)?")
FTS5_TERM = re.compile(r'"[^"]+"( \*)?')


def test_words_are_folded_and_split_on_punctuation():
    assert words("Déminage à GENÈVE: j.Smith@Reuters.com, Año 2017") == [
        "deminage", "a", "geneve", "j", "smith", "reuters", "com", "ano", "2017"]
    assert words("mine-clearance_report") == ["mine", "clearance", "report"]


def test_chinese_and_japanese_characters_are_words_of_their_own():
    assert words("关于地雷的报告") == ["关", "于", "地", "雷", "的", "报", "告"]
    assert words("Ленин 地雷 кот") == ["ленин", "地", "雷", "кот"]


def test_numbers_with_leading_zeros_are_also_indexed_plain():
    assert index_text("Person 011, file 0") == "person 011 file 0 11"


def test_last_word_is_a_prefix_and_quoted_phrases_are_exact():
    query = parse('"mine action" report ministe')
    assert query.terms == (Term(("mine", "action")), Term(("report",)), Term(("ministe",), prefix=True))
    assert query.fts5() == '"mine action" AND "report" AND "ministe" *'
    assert query.tsquery() == "('mine' <-> 'action') & 'report' & 'ministe':*"


def test_prefix_modes():
    assert [t.prefix for t in parse("garc ana", prefix="all").terms] == [True, True]
    assert [t.prefix for t in parse("garc ana", prefix="none").terms] == [False, False]
    assert [t.prefix for t in parse('garc "ana"', prefix="last").terms] == [False, False]
    # One letter would match most of an index: it is matched whole.
    assert parse("ana j").terms[-1] == Term(("j",))


def test_words_with_punctuation_are_phrases_of_their_parts():
    assert parse("smith@reu").terms == (Term(("smith", "reu"), prefix=True),)
    assert parse("reuters.com", prefix="none").fts5() == '"reuters com"'


def test_accents_and_typographic_quotes_are_folded_like_the_text():
    assert parse("DÉMINAGE Año", prefix="none").terms == (Term(("deminage",)), Term(("ano",)))
    assert parse("«Año nuevo»").terms == (Term(("ano", "nuevo")),)
    assert parse("\u201cmine action\u201d").terms == (Term(("mine", "action")),)


def test_operators_are_only_words():
    query = parse('NEAR(a b) OR -mine AND title:report "unclosed * phrase', prefix="none")
    assert query.fts5() == ('"near a" AND "b" AND "or" AND "mine" AND "and" AND "title report" AND "unclosed phrase"')
    assert not parse('*** - : "" ^ ()')  # nothing to search for: an empty query


def test_repeated_terms_count_once():
    assert len(parse("mine mine Mine", prefix="none").terms) == 1


def test_too_many_words_is_a_clear_error():
    parse(" ".join(["mine"] * MAX_TERMS))
    with pytest.raises(QueryError, match=f"at most {MAX_TERMS}") as caught:
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    assert caught.value.fields == {"q": caught.value.message}
    with pytest.raises(QueryError):  # a phrase's words count too
        parse('"' + " ".join(["a"] * (MAX_TERMS + 1)) + '"')


def test_too_long_is_a_clear_error():
    with pytest.raises(QueryError, match=str(MAX_QUERY_CHARS)):
        parse("a" * (MAX_QUERY_CHARS + 1))


def test_query_error_is_a_value_error():
    """The web layer answers ValueError from a filter as bad input (400/422)."""
    assert issubclass(QueryError, ValueError)


@given(st.text(max_size=200))
def test_any_input_gives_only_quoted_words(text):
    try:
        query = parse(text)
    except QueryError:
        assert len(words(text)) > MAX_TERMS
        return
    for term in query.terms:
        assert all(word and word == "".join(words(word)) for word in term.words)
        assert FTS5_TERM.fullmatch(term.fts5())
        for part in term.tsquery().strip("()").split(" <-> "):
            assert TSQUERY_TERM.fullmatch(part)
