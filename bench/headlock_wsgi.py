"""The app with issue 23's old lock put back, for an A/B load test of the audit design alone
(bench/load_test.py --app bench.headlock_wsgi:application; never for production).

Before the sealer, every audited write updated the one head row in its own transaction, and held
that row's lock until it committed. This WSGI app serves the very same code, except that the
statement which inserts an audit event is preceded by that update (`count = count`: the value
stays, the lock is taken), through Django's public database instrumentation
(`connection.execute_wrapper`). Everything else, pages, services and the sealer, is unchanged, so
the difference between the two runs is the lock alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from luoshi.wsgi import application as luoshi_application

INSERT = 'INSERT INTO "audit_auditevent"'
COPY = 'COPY "audit_auditevent"'
HEAD_UPDATE = 'UPDATE "audit_audithead" SET "count" = "count" WHERE "id" = 1'


def head_lock_first(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    if sql.startswith((INSERT, COPY)):
        context["cursor"].execute(HEAD_UPDATE)
    return execute(sql, params, many, context)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    with connection.execute_wrapper(head_lock_first):
        return luoshi_application(environ, start_response)
