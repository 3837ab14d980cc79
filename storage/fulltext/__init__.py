"""One full-text search over SQLite FTS5 and PostgreSQL full-text search.

Declare a :class:`FullTextIndex`, create it in a migration with
:func:`create_index`, keep it filled with :func:`index_rows`, and query it with
:func:`search` (ranked hits with snippets), :func:`matches` (a condition to
combine with other filters) and :func:`count`. docs/search.md describes the design.
"""

from storage.fulltext.index import Entry, Field, FullTextIndex, config_for, create_index, drop_index, is_index_table
from storage.fulltext.query import MAX_QUERY_CHARS, MAX_TERMS, Query, QueryError, Term, parse
from storage.fulltext.conditions import count, matches, matching_keys
from storage.fulltext.search import MAX_LIMIT, MAX_OFFSET, Hit, SearchPage, page, search
from storage.fulltext.snippets import Snippet, make_snippet
from storage.fulltext.text import fold, index_text, words
from storage.fulltext.writing import index_rows, remove_rows

__all__ = [
    "Entry", "Field", "FullTextIndex", "Hit", "MAX_LIMIT", "MAX_OFFSET", "MAX_QUERY_CHARS", "MAX_TERMS", "Query", "QueryError", "SearchPage",
    "Snippet", "Term", "config_for", "count", "create_index", "drop_index", "fold", "index_rows", "index_text",
    "is_index_table", "make_snippet", "matches", "matching_keys", "page", "parse", "remove_rows", "search", "words",
]
