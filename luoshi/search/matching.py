"""Which documents the full-text index matches: the one test that search (luoshi/search/results.py)
and the ledger's `q` (luoshi/tasks/ledger.py) both use. It imports the documents and the
text rules only, so the tasks app may use it without importing search's results.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from luoshi.search.models import SearchDocument
from luoshi.search.text import (
    Term,
    fts5_any,
    fts5_expression,
    query_terms,
    tsquery_any,
    tsquery_expression,
)

_TABLE = SearchDocument._meta.db_table


def matching(documents: QuerySet[SearchDocument], terms: list[Term]) -> QuerySet[SearchDocument]:
    """The documents of `documents` that contain every term (the index decides: a GIN index on
    PostgreSQL, FTS5 on SQLite)."""
    if connection.vendor == "postgresql":
        return documents.extra(where=[f"{_TABLE}.tsv @@ to_tsquery('simple', %s)"],  # nosec B610 # a constant table name; the query is a parameter
                               params=[tsquery_expression(terms)])
    return documents.extra(tables=["search_fts"], where=[f"search_fts.rowid = {_TABLE}.id", "search_fts MATCH %s"],  # nosec B610 # a constant table name; the query is a parameter
                           params=[fts5_expression(terms)])


# The ids of the tasks whose title or description (a task document's title and body) contain
# the text as typed, among those whose documents the index matches. The substring test reads
# the documents the index found, never the tasks table: given both tables, PostgreSQL took the
# substring test for the more selective and read every task first. The same test as Django's
# `icontains` on each database; the words and the pattern are parameters, the names constants.
_TASK_IDS = {
    "postgresql": f"SELECT object_id FROM {_TABLE} WHERE kind = %s AND tsv @@ to_tsquery('simple', %s) "  # nosec B608 # constant table name
                  "AND (UPPER(title::text) LIKE UPPER(%s) OR UPPER(body::text) LIKE UPPER(%s))",
    "sqlite": f"SELECT d.object_id FROM {_TABLE} d JOIN search_fts ON search_fts.rowid = d.id "  # nosec B608 # constant table names
              "WHERE d.kind = %s AND search_fts MATCH %s AND (d.title LIKE %s ESCAPE '\\' OR d.body LIKE %s ESCAPE '\\')",
}


def _like_pattern(text: str) -> str:
    """%text%, with LIKE's wildcards and escape character in `text` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def task_ids_containing(text: str) -> RawSQL | None:
    """The ids of the tasks whose title or description contains `text` as typed (as
    `icontains` would find them), as a subquery for `pk__in`; the full-text index picks the
    candidates, so the text is read of those only. None when nothing in `text` can be
    searched for (punctuation alone): the caller tests the tasks' text itself.

    The index holds every Chinese character and pair of characters, and English words from
    their start, so its matches include every task that contains Chinese text or whole
    English words as typed; a fragment from inside an English word ("afety") is not found."""
    terms = query_terms(text)
    if not terms:
        return None
    expression = tsquery_expression(terms) if connection.vendor == "postgresql" else fts5_expression(terms)
    pattern = _like_pattern(text)
    return RawSQL(_TASK_IDS[connection.vendor], [SearchDocument.Kind.TASK, expression, pattern, pattern])  # nosec B611 # constant SQL; the words are parameters


_ANY = {
    "postgresql": f"SELECT object_id FROM {_TABLE} WHERE kind = %s AND tsv @@ to_tsquery('simple', %s) "  # nosec B608 # constant table name
                  "ORDER BY ts_rank(tsv, to_tsquery('simple', %s)) DESC, id DESC LIMIT %s",
    "sqlite": f"SELECT d.object_id FROM {_TABLE} d JOIN search_fts ON search_fts.rowid = d.id "  # nosec B608 # constant table names
              "WHERE d.kind = %s AND search_fts MATCH %s ORDER BY bm25(search_fts), d.id DESC LIMIT %s",
}


def best_matching_ids(kind: str, terms: list[Term], limit: int) -> list[int]:
    """The ids of the `limit` objects of `kind` whose documents match best any of the terms
    (BM25 / ts_rank): the candidates the repeated-directive check measures (luoshi/checks)."""
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            expression = tsquery_any(terms)
            cursor.execute(_ANY["postgresql"], [kind, expression, expression, limit])
        else:
            cursor.execute(_ANY["sqlite"], [kind, fts5_any(terms), limit])
        return [row[0] for row in cursor.fetchall()]
