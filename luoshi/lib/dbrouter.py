"""Reads of dashboards, ledgers and search may go to a read replica; every write goes to the
primary.

With LUOSHI_DATABASE_REPLICA_URL set, settings add a second database alias, `replica`, and
install `ReplicaReadsMiddleware`, which runs the GET requests of the views named in
LUOSHI_REPLICA_VIEWS inside `use_replica()`. Anything else can opt in with

    with use_replica():
        board = supervisor_dashboard(user)

Inside the context, reads of business data go to the replica; these stay on the primary:
every write, every read inside a transaction on the primary (so a service reads its own
writes and its row locks), and reads of sessions, users and tokens (so a login that just
happened is never lost to replication lag). Without a replica, the context changes nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

REPLICA = "replica"
# Apps whose rows decide who is logged in and what they may do: always read fresh.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "contenttypes", "api"})

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("luoshi_reading_replica", default=False)


@contextlib.contextmanager
def use_replica() -> Iterator[None]:
    """Send the reads made inside to the replica (when there is one)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def has_replica() -> bool:
    return REPLICA in connections.settings


class PrimaryReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _reading_replica.get() or not has_replica():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # read your own writes, and keep SELECT … FOR UPDATE on the primary
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return None  # `luoshi migrate` runs on the primary; replication copies the schema


class ReplicaReadsMiddleware:
    """Runs GET and HEAD requests of the views in LUOSHI_REPLICA_VIEWS inside `use_replica()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(getattr(settings, "LUOSHI_REPLICA_VIEWS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"GET", "HEAD"} and self._name(request) in self.views:
            with use_replica():
                return self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def _name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
