"""What the ledger's fast paths must not change: `q` read through the search index finds
the tasks a plain substring test finds, and the liaison's unit subtree (read as the ids of the
units below a path) follows units that move. Run on SQLite and, with DATABASE_URL, on
PostgreSQL: the index is FTS5 on one and a tsvector on the other."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.search.matching import task_ids_containing
from luoshi.tasks.ledger import LedgerQuery
from luoshi.tasks.models import Task
from luoshi.tasks.permissions import visible_tasks
from luoshi.testing.generate import generate
from luoshi.units.services import move_unit

pytestmark = pytest.mark.django_db

# Frequent and rare, Chinese and English, a word inside a longer one, with punctuation, in
# full-width forms, and text no task has.
WORDS = ["安全生产", "安全", "冰雪", "防范", "生产安全事故", "safety", "Safety", "flood", "speed up", "restoration",
         "安全、生产", "２０２６", "供暖", "xyzzy", "风险隐患", "hengqin"]


@pytest.fixture
def year():
    return generate(400, seed=18)


def substring(word: str) -> set[int]:
    return set(Task.objects.filter(Q(title__icontains=word) | Q(description__icontains=word)).values_list("pk", flat=True))


def test_q_through_the_index_finds_what_a_substring_test_finds(year):
    """For each word, the ledger's `q` selects the same tasks as icontains on the title or the
    description, which read every task; most words find some (the comparison is not empty)."""
    found_any = 0
    for word in WORDS:
        expected = substring(word)
        got = set(LedgerQuery(q=word).filter(Task.objects.all()).values_list("pk", flat=True))
        assert got == expected, word
        found_any += bool(expected)
    assert found_any >= 6


def test_q_asks_the_index(year):
    """The index, not a scan of every description, picks the candidates."""
    with CaptureQueriesContext(connection) as captured:
        list(LedgerQuery(q="安全生产").filter(Task.objects.all()).values_list("pk", flat=True))
    marker = "tsv @@" if connection.vendor == "postgresql" else "search_fts MATCH"
    assert marker in captured.captured_queries[0]["sql"]


def test_q_of_punctuation_alone_falls_back_to_the_substring_test(year):
    """Nothing in "%%" can be searched for: the index is not asked, and the text is still matched."""
    assert task_ids_containing("%%") is None
    assert set(LedgerQuery(q="%%").filter(Task.objects.all()).values_list("pk", flat=True)) == substring("%%")


def test_q_finds_a_task_once_its_text_changes(province):
    """The index follows the services' writes: a task renamed is found by its new words only."""
    from luoshi.tasks import services

    task = province.assigned(title="repair the dykes")
    assert list(LedgerQuery(q="dykes").filter(Task.objects.all())) == [task]
    services.update_task(province.supervisor, task, title="plant trees")
    assert not LedgerQuery(q="dykes").filter(Task.objects.all()).exists()
    assert list(LedgerQuery(q="trees").filter(Task.objects.all())) == [task]


def test_the_subtree_follows_a_unit_that_moves(province):
    """A county moved from one city to another: the new city's liaison reads its tasks, through
    the read scope and the ledger's unit filter, and the old city's liaison no longer does."""
    county_task = province.assigned(lead=province.county, title="county work")
    other_city_liaison = create_user(None, username="dalian", password="a-long-enough-password-18",
                                     role=User.Role.LIAISON, unit=province.other_city, check_password=False)
    assert county_task in visible_tasks(province.city_liaison)
    assert county_task not in visible_tasks(other_city_liaison)
    assert county_task in LedgerQuery(unit=province.city).filter(Task.objects.all())
    move_unit(province.sysadmin, province.county, parent=province.other_city, confirmed_tasks=1)
    for unit in (province.city, province.other_city):
        unit.refresh_from_db()
    assert county_task not in visible_tasks(province.city_liaison)
    assert county_task in visible_tasks(other_city_liaison)
    assert county_task not in LedgerQuery(unit=province.city).filter(Task.objects.all())
    assert county_task in LedgerQuery(unit=province.other_city).filter(Task.objects.all())


def test_q_takes_like_wildcards_literally(province):
    """"%", "_" and "\\" in the text are characters to find, as with icontains."""
    literal = province.assigned(title="安全 50% 完成_a\\b")
    province.assigned(title="安全 50 完成 ab")
    for text in ("安全 50%", "完成_a", "_a\\b"):
        expected = substring(text)
        assert set(LedgerQuery(q=text).filter(Task.objects.all()).values_list("pk", flat=True)) == expected == {literal.pk}, text
