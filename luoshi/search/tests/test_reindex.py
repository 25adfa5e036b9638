"""`luoshi reindex`: rebuilds the index from the data, the same as the services keep it, idempotently."""

from io import StringIO

from django.core.management import call_command

from luoshi.search import indexing
from luoshi.search.models import SearchDocument
from luoshi.search.results import search
from luoshi.tasks import services
from luoshi.tasks.models import Task


def snapshot() -> set[tuple[str, int, str, str, str, str]]:
    return set(SearchDocument.objects.values_list("kind", "object_id", "unit_paths", "title", "body", "segmented"))


def test_it_rebuilds_what_the_services_wrote(province):
    """A rebuild gives exactly the documents the services kept up to date, and repeating it changes nothing."""
    task = province.in_progress(title="安全生产大检查")
    services.update_task(province.supervisor, task, cooperating_units=[province.health])
    before = snapshot()
    out = StringIO()
    call_command("reindex", stdout=out)
    assert snapshot() == before
    assert out.getvalue() == "Indexed 4 documents: meeting 1, directive 1, task 1, report 1\n"
    call_command("reindex", stdout=StringIO())
    assert snapshot() == before and SearchDocument.objects.count() == 4


def test_it_indexes_what_bypassed_the_services(province):
    """Rows written without the services (a bulk load) are found after a rebuild."""
    Task.objects.filter(pk=province.draft().pk).update(title="森林防火")
    assert search(province.supervisor, "森林防火").count == 0
    counts = indexing.reindex()
    assert counts["task"] == 1
    assert search(province.supervisor, "森林防火").count == 1


def test_it_explains_itself_with_an_example(db):
    """The command's help says what it does and gives an example."""
    from luoshi.search.management.commands.reindex import Command

    assert "Example: luoshi reindex" in Command.help
