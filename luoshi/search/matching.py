"""Which documents the full-text index matches: the one test that search (luoshi/search/results.py)
and the ledger's `q` (luoshi/tasks/ledger.py) both use. It imports the documents and the
text rules only, so the tasks app may use it without importing search's results.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from luoshi.search.models import SearchDocument
from luoshi.search.text import Term, fts5_expression, query_terms, tsquery_expression

_TABLE = SearchDocument._meta.db_table


def matching(documents: QuerySet[SearchDocument], terms: list[Term]) -> QuerySet[SearchDocument]:
    """The documents of `documents` that contain every term (the index decides: a GIN index on
    PostgreSQL, FTS5 on SQLite)."""
    if connection.vendor == "postgresql":
        return documents.extra(where=[f"{_TABLE}.tsv @@ to_tsquery('simple', %s)"],  # nosec B610 # a constant table name; the query is a parameter
                               params=[tsquery_expression(terms)])
    return documents.extra(tables=["search_fts"], where=[f"search_fts.rowid = {_TABLE}.id", "search_fts MATCH %s"],  # nosec B610 # a constant table name; the query is a parameter
                           params=[fts5_expression(terms)])


# The ids of the tasks whose documents match an expression, per database (a parameterised
# subquery: the expression is a parameter, the table names constants).
_TASK_IDS = {
    "postgresql": f"SELECT object_id FROM {_TABLE} WHERE kind = %s AND tsv @@ to_tsquery('simple', %s)",
    "sqlite": f"SELECT d.object_id FROM {_TABLE} d JOIN search_fts ON search_fts.rowid = d.id "  # nosec B608 # constant table names
              "WHERE d.kind = %s AND search_fts MATCH %s",
}


def task_ids_matching(text: str) -> RawSQL | None:
    """The ids of the tasks whose documents contain every word of `text`, as a subquery for
    `pk__in`; None when nothing in `text` can be searched for (punctuation alone). A task's
    document holds its title, description, person responsible and units' names, so this is
    a superset of the tasks whose title or description contains `text` as typed, for Chinese
    text and for English words from their start."""
    terms = query_terms(text)
    if not terms:
        return None
    expression = tsquery_expression(terms) if connection.vendor == "postgresql" else fts5_expression(terms)
    return RawSQL(_TASK_IDS[connection.vendor], [SearchDocument.Kind.TASK, expression])  # nosec B611 # constant SQL; the words are parameters
