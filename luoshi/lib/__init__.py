"""Helpers shared by every app that are not domain code: strict environment parsing,
the errors services raise, how a view runs a service, the clock, and canonical JSON."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import BaseForm, Field
    from django.http import HttpRequest

    from luoshi.accounts.models import User

T = TypeVar("T")
F = TypeVar("F", bound="Field")

# --- environment -------------------------------------------------------------------------


class ConfigError(RuntimeError):
    """A setting in the environment cannot be understood."""


def envbool(name: str, default: str = "False") -> bool:
    value = os.environ.get(name, default)
    if value == "True":
        return True
    if value == "False":
        return False
    raise ConfigError(f"{name} must be True or False, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def default_data_dir() -> Path:
    explicit = os.environ.get("LUOSHI_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "luoshi"


# --- errors ------------------------------------------------------------------------------


class LuoshiError(Exception):
    """Base of the errors a service raises; the message is meant for the user."""


class Forbidden(LuoshiError):
    """The acting user may not do this."""


class NotFound(LuoshiError):
    """The object does not exist, or the user may not see it (deliberately the same)."""


class TransitionError(LuoshiError):
    """The life cycle does not allow this action in the object's current state."""


class ConflictError(LuoshiError):
    """Somebody else changed the object since the user loaded it."""


class InvalidInput(LuoshiError):
    """The input is well-formed but not acceptable (a past deadline, progress over 100…)."""


# --- views ---------------------------------------------------------------------------------
# Every app's views use these; they live here so that no app imports the `web` app.


def perform(request: HttpRequest, call: Callable[[], T]) -> tuple[T | None, str]:
    """Run `call` (one service call). Returns (result, "") on success and (None, message)
    when the service refused for a reason the user can act on; the message is also queued
    for the next page. Forbidden and NotFound become 404: "not yours" looks like "not there"."""
    from django.contrib import messages
    from django.http import Http404

    try:
        return call(), ""
    except (Forbidden, NotFound):
        raise Http404 from None
    except LuoshiError as error:  # ConflictError, TransitionError, InvalidInput…
        messages.error(request, str(error))
        return None, str(error)


def form_errors_to_messages(request: HttpRequest, form: Any) -> None:
    """Queue a refused form's errors, each with its field's label, for the page the view
    redirects to (forms posted from a panel of another page)."""
    from django.contrib import messages

    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a view behind login_required, typed `User` (django-stubs types
    request.user `User | AnonymousUser`). An anonymous request that reached here anyway is
    refused (403) rather than let through as a user."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user


def field_of(form: BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name` as the field class it is, to set its queryset or choices:
    django-stubs types form.fields as dict[str, Field]."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def is_htmx(request: HttpRequest) -> bool:
    """Does the request want a fragment to swap in? An htmx request does, but not when htmx
    restores a page missing from its history cache: that request wants the whole page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


# --- clock -------------------------------------------------------------------------------
# Every service asks this clock, so the tests and the demo can move time.

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate(now())


@contextlib.contextmanager
def clock_at(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Freeze the clock at `moment` (a date means noon that day, local time)."""
    global _frozen
    if not isinstance(moment, dt.datetime):
        from django.utils import timezone

        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time(12)))
    previous, _frozen = _frozen, moment.astimezone(dt.UTC)
    try:
        yield
    finally:
        _frozen = previous


# --- JSON --------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Turn a value into plain JSON types, the same way every time."""
    # Plain values first, and the type tuples built once: every audit event passes through
    # here twice, and this order is faster than testing containers first (bench/FIGURES.md).
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        items = [jsonable(v) for v in value]
        return sorted(items, key=canonical_json) if isinstance(value, _SETS) else items
    if isinstance(value, _DATES):
        return value.isoformat()
    return str(value)


_SCALARS = (bool, int, float, str)
_SEQUENCES = (list, tuple, set, frozenset)
_SETS = (set, frozenset)
_DATES = (dt.datetime, dt.date)


def canonical_json(value: Any) -> str:
    return json.dumps(jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- admin -------------------------------------------------------------------------------


def read_only_admin(model_admin: type) -> type:
    """Make a ModelAdmin read-only: every business write goes through the services, which
    check permissions and write the audit trail; the admin only shows."""

    def no(self: object, request: object, obj: object = None) -> bool:
        return False

    for name in ("has_add_permission", "has_change_permission", "has_delete_permission"):
        setattr(model_admin, name, no)
    return model_admin


def reserve_ids(model: type[Model], count: int, *, above: int = 0) -> list[int]:
    """`count` ids for new rows of `model`, ascending, so that rows can name each other (or be
    hashed) before they are inserted. PostgreSQL takes them from the table's sequence; SQLite
    from max(id), which holds only while the caller keeps other writers out (one transaction
    holding SQLite's write lock, or a lock every writer of the table takes first) and is raised
    past `above`, the last id the caller already handed out."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # nosec B608 # the model's table, quoted
        start = max(cursor.fetchone()[0] or 0, above) + 1
    return list(range(start, start + count))


def insert_many(model: type[Model], objects: list[Any]) -> list[Any]:
    """Insert new model instances in bulk and give them their ids: on PostgreSQL the ids come
    from the table's sequence first and the rows go in one COPY (bulk_create's parameters are
    quoted one by one in Python, which cost more than building the rows); bulk_create
    elsewhere. Plain columns only (dates, times, text, numbers, foreign keys), no JSON."""
    from django.db import connection

    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects, batch_size=1000)
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([getattr(obj, name) for name in attnames])
    return objects


# --- text in and out -------------------------------------------------------------------------
# C0 control characters (but tab, newline and carriage return) have no business in any text a
# person types; they break Excel files, Word files and PostgreSQL (NUL). Input refuses them;
# output that must never fail (exports) drops them.

CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {"\x7f"}
_CONTROL_TABLE = dict.fromkeys(ord(c) for c in CONTROL_CHARACTERS)


def control_character_in(text: str) -> str | None:
    """The first control character in `text` as U+XXXX, or None."""
    for char in text:
        if char in CONTROL_CHARACTERS:
            return f"U+{ord(char):04X}"
    return None


def without_control_characters(text: str) -> str:
    return text.translate(_CONTROL_TABLE)


# A cell starting with one of these is read as a formula by Excel, WPS or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(sheet: Any, value: object, **style: object) -> Any:
    """A write-only cell for `value` that a spreadsheet can never run: text is stored as text
    (never a formula, shown without a visible quote thanks to quotePrefix) and loses its
    control characters. Every workbook Luoshi writes builds its cells with this."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = without_control_characters(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value:
        cell.data_type = "s"  # openpyxl would otherwise make "=…" a formula
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_row(sheet: Any, values: list[object]) -> list[Any]:
    """One row of safe cells (a value that is already a cell passes through)."""
    from openpyxl.cell.cell import Cell

    return [value if isinstance(value, Cell) else safe_cell(sheet, value) for value in values]
