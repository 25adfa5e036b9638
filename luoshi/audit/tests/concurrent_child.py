"""A real process for test_concurrency.py: writes audit events the way business transactions do,
or seals in a loop the way the worker does, against the test database.

    python -m luoshi.audit.tests.concurrent_child write WRITER COUNT
    python -m luoshi.audit.tests.concurrent_child hold READY RELEASE
    python -m luoshi.audit.tests.concurrent_child seal-until FILE
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    os.environ["LUOSHI_AUDIT_SEAL_ON_COMMIT"] = "False"  # the sealer process seals, as the worker does
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = os.environ["LUOSHI_TEST_DATABASE_NAME"]
    import django

    django.setup()


ROLLED_BACK_EVERY = 10


class RolledBack(Exception):
    pass


def write(writer: int, count: int) -> None:
    """`count` transactions, each recording one event, as services do; besides them, every
    ROLLED_BACK_EVERY-th write records an event and then fails, so its transaction rolls back and
    leaves a hole in the id sequence that nothing may fill or count."""
    from django.db import transaction

    from luoshi.audit.services import record_event
    from luoshi.units.models import Unit

    unit = Unit.objects.order_by("id").first()
    for n in range(count):
        with transaction.atomic():
            record_event(None, "concurrency_test", unit, after={"writer": writer, "n": n})
        if n % ROLLED_BACK_EVERY == 0:
            try:
                with transaction.atomic():
                    record_event(None, "concurrency_rolled_back", unit, after={"writer": writer, "n": n})
                    raise RolledBack
            except RolledBack:
                pass
    print(f"wrote {count}")


def hold(ready: Path, release: Path) -> None:
    """One transaction that records its event (taking an id below every later writer's) and stays
    open until `release` exists, then commits: the sealer meanwhile chains the later ids."""
    from django.db import connection, transaction

    from luoshi.audit.services import record_event
    from luoshi.units.models import Unit

    unit = Unit.objects.order_by("id").first()
    with transaction.atomic():
        event = record_event(None, "concurrency_held", unit, after={"held": True})
        ready.write_text(str(event.pk))
        while not release.exists():
            time.sleep(0.05)
    connection.close()
    print(f"held {event.pk}")


def seal_until(stop: Path) -> None:
    from luoshi.audit.services import seal_pending

    sealed = 0
    while not stop.exists():
        sealed += seal_pending()
        time.sleep(0.05)
    print(f"sealed {sealed}")


if __name__ == "__main__":
    _setup()
    if sys.argv[1] == "write":
        write(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "hold":
        hold(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        seal_until(Path(sys.argv[2]))
