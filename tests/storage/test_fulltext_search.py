"""storage.fulltext on a real database (SQLite, or PostgreSQL with DATABASE_URL).

A scratch table of documents in several languages is indexed the way the
document register will index its files: accents folded in French and Spanish,
stems on PostgreSQL, snippets marked and escaped, hostile queries harmless,
entries gone with their rows.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import column, select, table, text

from storage.fulltext import (Entry, Field, FullTextIndex, QueryError, count, create_index, drop_index, index_rows,
                              matches, page, remove_rows, search)

INDEX = FullTextIndex(name="ft_probe", source="ft_probe_docs", language=None, ordered=True,
                      fields=(Field("title", "A"), Field("body", "C")), snippet_fields=("body",))
DOCS = table("ft_probe_docs", column("id"), column("meeting"), column("sort"))
ROWS = [
    (1, "fr", 22, "Le déminage humanitaire", "Rapport sur le déminage des zones minées. Les mines antipersonnel tuent."),
    (2, "es", 22, "Año de desminado", "Informe sobre las minas y el desminado en Colombia, año 2017, expediente 011."),
    (3, "en", 21, "Mine clearance report", "The clearing of mined areas continued; ministers met in Geneva."),
    (4, "zh", 21, "地雷 报告", "关于地雷的报告"),
    (5, "en", 21, "Statement", 'Beware <script>alert("x")</script> & <mark>fake</mark> markup in a statement.'),
    (6, "en", 20, "Transparency", "Article 7 reports on stockpile destruction. Nothing about clearing."),
]


@pytest.fixture
def docs(database):
    """The scratch documents, indexed; dropped afterwards."""
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE ft_probe_docs (id integer PRIMARY KEY, meeting integer, sort text)"))
        connection.execute(text("INSERT INTO ft_probe_docs VALUES (:id, :meeting, :sort)"),
                           [{"id": row[0], "meeting": row[2], "sort": row[3].casefold()} for row in ROWS])
        create_index(connection, INDEX)
        index_rows(connection, INDEX, [Entry(key, {"title": title, "body": body}, language, sort=title.casefold())
                                       for key, language, _, title, body in ROWS], new=True)
    yield database
    with database.engine.begin() as connection:
        drop_index(connection, INDEX)
        connection.execute(text("DROP TABLE ft_probe_docs"))


def keys(db, query, **options):
    with db.session() as session:
        return [hit.key for hit in search(session, INDEX, query, **options).hits]


@pytest.mark.parametrize("query,expected", [
    ("deminage", 1), ("DÉMINAGE", 1), ("déminage humanitaire", 1), ("minées", 1), ("minees", 1),  # French
    ("ano", 2), ("AÑO", 2), ("desminado", 2), ("Año 2017", 2),  # Spanish
])
def test_accents_and_case_are_folded_both_ways(docs, query, expected):
    assert expected in keys(docs, query)


def test_every_word_must_match_and_phrases_keep_their_order(docs):
    assert keys(docs, "deminage colombia") == []
    assert keys(docs, '"mines antipersonnel"') == [1]
    assert keys(docs, '"antipersonnel mines"') == []


def test_the_last_word_matches_as_a_prefix(docs):
    assert keys(docs, "ministe")[0] == 3
    assert keys(docs, "stockpile destr") == [6]
    assert keys(docs, "destr stockpile") == []  # only the last word is a prefix


def test_chinese_phrases_and_numbers(docs):
    assert keys(docs, "地雷") == [4]
    assert keys(docs, "11") == [2]  # expediente 011
    assert keys(docs, "011") == [2]


def test_stemming_follows_each_rows_language(docs, backend):
    if backend == "postgresql":
        assert sorted(keys(docs, "cleared")) == [3, 6]  # english stem of 'clearing'
        assert keys(docs, "humanitaires rapports") == [1]  # french plurals
        assert keys(docs, "informes") == [2]  # spanish plural
        assert keys(docs, "rapports cleared") == []  # each row in its own language
        with docs.session() as session:
            assert search(session, INDEX, "cleared").hits[0].snippet.marked == ["clearing"]
    else:
        assert keys(docs, "cleared") == []  # SQLite indexes words as written: no stemmer


def test_title_matches_rank_above_body_matches(docs):
    # 'clearing' is in row 3's body and title ('clearance' shares the prefix), only in row 6's body.
    assert keys(docs, "clear")[:2] == [3, 6]


def test_total_counts_every_match_and_pages_follow(docs):
    with docs.session() as session:
        page = search(session, INDEX, "mine", limit=1)
        second = search(session, INDEX, "mine", limit=1, offset=1)
    assert page.total == second.total >= 2 and len(page.hits) == 1
    assert page.hits[0].key != second.hits[0].key


def test_within_limits_the_rows_searched(docs):
    public = select(DOCS.c.id).where(DOCS.c.meeting == 21)
    assert sorted(keys(docs, "mine", within=public)) == [3]
    with docs.session() as session:
        assert search(session, INDEX, "mine", within=public).total == 1


def test_matches_combines_with_other_conditions(docs):
    with docs.session() as session:
        found = session.scalars(select(DOCS.c.id).where(matches(INDEX, DOCS.c.id, "clear"), DOCS.c.meeting == 20))
        assert list(found) == [6]
        # The same statement shape with other words compiles to the same SQL: cached, and still right.
        for word, expected in (("deminage", []), ("transparency", [6]), ("clear", [6])):
            query = select(DOCS.c.id).where(matches(INDEX, DOCS.c.id, word), DOCS.c.meeting == 20)
            assert list(session.scalars(query)) == expected


def test_pages_in_the_sort_order_with_the_total(docs):
    with docs.session() as session:
        # In title order: Mine clearance report, then Transparency.
        assert page(session, INDEX, "clear") == ([3, 6], 2)
        assert page(session, INDEX, "clear", limit=1, offset=1) == ([6], 2)
        assert page(session, INDEX, "clear", offset=5) == ([], 2)
        assert count(session, INDEX, "clear") == 2 and count(session, INDEX, "***") == 0
        # Walking the source in the same order gives the same pages (SQLite walks when many rows match).
        walk = select(DOCS.c.id, DOCS.c.sort).order_by(DOCS.c.sort, DOCS.c.id)
        assert page(session, INDEX, "clear", walk=walk, limit=1) == ([3], 2)
        assert page(session, INDEX, "clear", walk=walk, limit=1, offset=1) == ([6], 2)
        unordered = FullTextIndex(name="ft_probe", source="ft_probe_docs", fields=INDEX.fields)
        with pytest.raises(ValueError):
            page(session, unordered, "mine")


def test_snippets_mark_the_words_as_written(docs):
    with docs.session() as session:
        hit = search(session, INDEX, "deminage")
    snippet = hit.hits[0].snippet
    assert snippet.marked == ["déminage"]
    assert snippet.html().startswith("Rapport sur le <mark>déminage</mark> des zones")
    assert hit.hits[0].field == "body"


def test_snippets_escape_the_indexed_text(docs):
    with docs.session() as session:
        snippet = search(session, INDEX, "statement markup").hits[0].snippet
    html = snippet.html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;mark&gt;fake&lt;/mark&gt;" in html  # markers in the text stay text
    assert html.count("<mark>") == 2 and "<mark>markup</mark>" in html and "<mark>statement</mark>" in html
    assert snippet.__html__() == html


def test_snippets_are_bounded(docs):
    long_body = "filler " * 20_000 + "needle at the end " + "filler " * 100
    with docs.engine.begin() as connection:
        index_rows(connection, INDEX, [Entry(6, {"title": "Long", "body": long_body}, "en")])
    with docs.session() as session:
        hit = search(session, INDEX, "needle", snippet_chars=10_000).hits[0]
    assert hit.key == 6 and len(hit.snippet.text) <= 502  # 500 characters and two ellipses at most
    # The match lies beyond what snippets look at: the snippet shows the start, unmarked.
    assert hit.snippet.marked == [] and hit.snippet.text.startswith("filler")


def test_rewriting_a_row_replaces_its_words(docs):
    with docs.engine.begin() as connection:
        index_rows(connection, INDEX, [Entry(3, {"title": "Victim assistance", "body": "Survivors"}, "en")])
    assert keys(docs, "clearance") == []
    assert keys(docs, "survivors") == [3]


def test_deleting_a_source_row_deletes_its_entry(docs):
    """Any delete, even plain SQL that no service sees, takes the text out of the index."""
    with docs.engine.begin() as connection:
        connection.execute(text("DELETE FROM ft_probe_docs WHERE id = 2"))
        remaining = connection.execute(text(f"SELECT count(*) FROM {INDEX.table}")).scalar()
    assert keys(docs, "desminado") == [] and remaining == len(ROWS) - 1
    with docs.engine.begin() as connection:
        remove_rows(connection, INDEX, [1])
    assert keys(docs, "deminage") == []


def test_limits_on_paging(docs):
    with docs.session() as session:
        assert len(search(session, INDEX, "mine", limit=10_000).hits) <= 100
        with pytest.raises(QueryError):
            search(session, INDEX, "mine", offset=10_001)
        with pytest.raises(QueryError):
            search(session, INDEX, " ".join(f"w{i}" for i in range(40)))


HOSTILE = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(['"', "*", "NEAR", "NEAR(", "-", ":", "^", "(", ")", "OR", "AND", "NOT", "'", "\\",
                              "!", "&", "|", "<->", ":*", "{", "}", "+", "%", "_", "\x00", "mine", "ano", "地"]),
             max_size=30).map(" ".join),
    st.lists(st.sampled_from(['"', "*", ":", "'", "-", "(", "mine", "NEAR", "\\", "&"]), max_size=30).map("".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=HOSTILE)
def test_hostile_queries_never_fail(docs, query):
    with docs.session() as session:
        try:
            page = search(session, INDEX, query)
        except QueryError:
            return
        assert page.total == len(page.hits) and all(hit.key in {r[0] for r in ROWS} for hit in page.hits)
        session.scalars(select(DOCS.c.id).where(matches(INDEX, DOCS.c.id, query))).all()
