"""The database router: reads of dashboards go to the replica, every write to the primary."""

import pytest
from django.core.management import call_command
from django.db import connection, connections, router, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.models import User
from luoshi.lib import dbrouter
from luoshi.lib.dbrouter import PrimaryReplicaRouter, ReplicaReadsMiddleware, use_replica
from luoshi.tasks.models import Task
from luoshi.units.models import Unit
from luoshi.units.services import create_unit


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "has_replica", lambda: True)


def test_it_reads_from_the_primary_outside_the_context(with_replica):
    """Without use_replica(), every read goes to the primary."""
    assert PrimaryReplicaRouter().db_for_read(Task) == "default"


def test_it_reads_business_data_from_the_replica_inside_the_context(with_replica):
    """Inside use_replica(), tasks and units are read from the replica; users and sessions are not."""
    from django.contrib.sessions.models import Session

    with use_replica():
        assert PrimaryReplicaRouter().db_for_read(Task) == "replica"
        assert PrimaryReplicaRouter().db_for_read(Unit) == "replica"
        assert PrimaryReplicaRouter().db_for_read(User) == "default"
        assert PrimaryReplicaRouter().db_for_read(Session) == "default"


def test_it_writes_to_the_primary_even_inside_the_context(with_replica):
    """Writes always go to the primary."""
    with use_replica():
        assert PrimaryReplicaRouter().db_for_write(Task) == "default"


@pytest.mark.django_db
def test_it_reads_from_the_primary_inside_a_transaction(with_replica):
    """A service reads its own writes: inside a transaction, reads stay on the primary."""
    with use_replica(), transaction.atomic():
        assert PrimaryReplicaRouter().db_for_read(Task) == "default"


def test_the_context_does_nothing_without_a_replica():
    """With no replica configured (the default), use_replica() changes nothing."""
    with use_replica():
        assert router.db_for_read(Task) == "default"


@override_settings(LUOSHI_REPLICA_VIEWS=["home"])
def test_the_middleware_uses_the_replica_for_listed_views_on_get_only(with_replica):
    """GET / runs inside use_replica(); a POST and an unlisted view do not."""
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(router.db_for_read(Task)) or HttpResponse())
    factory = RequestFactory()
    middleware(factory.get("/"))
    middleware(factory.post("/"))
    middleware(factory.get("/tasks/1/"))
    middleware(factory.get("/no/such/page/"))
    assert seen == ["replica", "default", "default", "default"]


# --- two PostgreSQL databases on this machine ----------------------------------------------


@pytest.fixture
def replica_database(transactional_db, monkeypatch):
    """A second database, a copy of the test database's schema, as the alias 'replica' (no
    TEST MIRROR: it really is another database)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    import psycopg

    primary = connection.settings_dict
    name = f"{primary['NAME']}_replica"
    params = {"host": primary["HOST"] or None, "port": primary["PORT"] or None, "user": primary["USER"] or None,
              "password": primary["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        # An empty database given the schema by migrate (copying the test database as a
        # TEMPLATE fails whenever another session is still connected to it).
        admin.execute(f'CREATE DATABASE "{name}"')
    # Made by hand rather than listed in settings, so Django's test case lets it connect.
    replica = load_backend(primary["ENGINE"]).DatabaseWrapper(
        {**primary, "NAME": name, "TEST": {**primary["TEST"], "MIRROR": None}}, "replica")
    connections["replica"] = replica
    call_command("migrate", database="replica", verbosity=0)
    monkeypatch.setattr(dbrouter, "has_replica", lambda: True)
    try:
        yield name
    finally:
        replica.close()
        del connections["replica"]
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _unit(code):
    return {"code": code, "name_zh": code, "name_en": code, "kind": Unit.Kind.DEPARTMENT}


def test_it_sends_reads_to_the_replica_and_writes_to_the_primary(replica_database):
    """On two real databases: a row only in the replica is seen inside use_replica(); a
    service's write made inside use_replica() lands in the primary only."""
    Unit(**_unit("ONLY-REPLICA")).save(using="replica")
    assert not Unit.objects.filter(code="ONLY-REPLICA").exists()
    with use_replica():
        assert Unit.objects.filter(code="ONLY-REPLICA").exists()
        create_unit(None, **_unit("WRITTEN"))
        assert not Unit.objects.filter(code="WRITTEN").exists()  # not replicated here: proof of where it went
    assert Unit.objects.using("default").filter(code="WRITTEN").exists()
    assert not Unit.objects.using("replica").filter(code="WRITTEN").exists()


def test_the_dashboard_reads_tasks_from_the_replica(replica_database, client, settings):
    """GET / as the supervision officer: the session and user come from the primary, the
    dashboard's task queries run on the replica."""
    settings.LUOSHI_REPLICA_VIEWS = ["home"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "luoshi.lib.dbrouter.ReplicaReadsMiddleware"]
    office = create_unit(None, **_unit("DCS"))
    supervisor = User.objects.create_user("boss", password="x" * 20, role=User.Role.SUPERVISOR, unit=office)
    client.force_login(supervisor)
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get("/")
    assert response.status_code == 200
    assert any("tasks_task" in q["sql"] for q in on_replica.captured_queries)
    assert not any("tasks_task" in q["sql"] for q in on_primary.captured_queries)
    assert any("django_session" in q["sql"] for q in on_primary.captured_queries)
