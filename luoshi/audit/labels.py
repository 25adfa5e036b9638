"""The audit trail in people's words: every action (verb) the code records, what kind of
object it names and which one, and the fields of its before and after.

The trail itself keeps the codes (`deactivate_user`, `accounts.user`, `lead_unit`): they are
hashed and must never change. Only the viewer and the exports translate them. A new verb
needs a label here: luoshi/audit/tests/test_labels.py reads every `record_event` call in the
code and fails for a verb without one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, Any] = {
    # accounts and sign-in
    "sign_in": _("signed in"),
    "sign_out": _("signed out"),
    "sign_in_failed": _("failed to sign in"),
    "lock_account": _("locked an account"),
    "unlock_account": _("unlocked an account"),
    "create_user": _("created an account"),
    "set_role": _("changed an account's role"),
    "deactivate_user": _("deactivated an account"),
    "reactivate_user": _("reactivated an account"),
    "reset_password": _("reset a password"),
    "change_password": _("changed their password"),
    "enable_totp": _("turned on two-step sign-in"),
    "reset_totp": _("reset two-step sign-in"),
    "change_contact": _("changed contact details"),
    "link_sign_on": _("linked an account to single sign-on"),
    "unlink_sign_on": _("unlinked an account from single sign-on"),
    "create_user_from_sign_on": _("created an account at single sign-on"),
    # (verbs of the Approvals page on main, issue 16: labelled here ahead of the merge)
    "request_account_change": _("asked for an account change"),
    "approve_account_change": _("approved an account change"),
    "refuse_account_change": _("refused an account change"),
    # meetings and priority areas
    "record_meeting": _("recorded a meeting"),
    "publish_meeting": _("published a meeting"),
    "update_meeting": _("corrected a meeting"),
    "delete_meeting": _("deleted a meeting"),
    "create_priority_area": _("created a priority area"),
    "rename_priority_area": _("changed a priority area"),
    # tasks
    "create_task": _("created a draft task"),
    "delete_task": _("deleted a draft task"),
    "assign_task": _("assigned a task"),
    "sign_task": _("signed for a task"),
    "update_task": _("changed a task"),
    "report_progress": _("reported progress"),
    "submit_report": _("submitted a progress report"),
    "review_report": _("reviewed a progress report"),
    "request_completion": _("requested completion"),
    "approve_completion": _("approved completion"),
    "return_task": _("returned a task"),
    "reassign_task": _("reassigned a task"),
    "plan_milestones": _("planned milestones"),
    "ask_for_input": _("asked a cooperating unit for input"),
    "complete_milestone": _("completed a milestone"),
    "add_indicator": _("added an outcome indicator"),
    "plan_indicators": _("planned an outcome indicator"),
    "record_actuals": _("recorded indicator actuals"),
    "request_extension": _("asked for more time"),
    "grant_extension": _("granted more time"),
    "refuse_extension": _("refused more time"),
    "request_return": _("handed a task back"),
    "accept_return": _("accepted a task handed back"),
    "refuse_return": _("refused a task handed back"),
    "withdraw_request": _("withdrew a request"),
    "suspend_task": _("suspended a task"),
    "resume_task": _("resumed a task"),
    "cancel_task": _("cancelled a task"),
    "decompose_task": _("decomposed a task"),
    "create_subtask": _("created a sub-task"),
    "roll_up_progress": _("rolled up progress from sub-tasks"),
    "urge_task": _("urged a task"),
    "escalate_task": _("escalated a task"),
    "write_instruction": _("wrote an instruction"),
    "remind_task": _("sent a reminder"),
    "issue_notice": _("issued a numbered notice"),
    # commitments under agreements and plans
    "add_commitment": _("recorded a commitment"),
    "advance_commitment": _("moved a commitment on"),
    "add_commitment_milestone": _("added a commitment milestone"),
    "complete_commitment_milestone": _("completed a commitment milestone"),
    # checks (luoshi/checks)
    "attach_directive": _("attached a repeated directive to a task"),
    "dismiss_report_mark": _("dismissed a check's mark on a report"),
    # ledgers
    "upload_ledger": _("uploaded a ledger"),
    "configure_ledger_import": _("configured a ledger import"),
    "save_column_mapping": _("saved a column mapping"),
    "import_ledger": _("imported a ledger"),
    "import_task": _("imported a task"),
    # leaders' instruction documents (批示件) and leaders in charge (luoshi/leaders)
    "register_instruction": _("registered a leader's instruction document"),
    "draft_instruction_reply": _("drafted the reply to a leader's instruction"),
    "approve_instruction_reply": _("approved the reply to a leader's instruction"),
    "return_instruction_reply": _("returned the reply to a leader's instruction"),
    "send_instruction_reply": _("sent the reply to a leader's instruction"),
    "put_leader_in_charge": _("put a leader in charge"),
    "update_leader_in_charge": _("changed a leader's portfolio"),
    "end_leader_in_charge": _("ended a leader's portfolio"),
    "delete_leader_in_charge": _("deleted a leader's portfolio"),
    # units
    "create_unit": _("created a unit"),
    "rename_unit": _("renamed a unit"),
    "move_unit": _("moved a unit"),
    # notifications, calendars, API
    "mark_notifications_read": _("marked notifications read"),
    "save_notification_preferences": _("saved notification preferences"),
    "create_webhook": _("created a webhook"),
    "enable_webhook": _("enabled a webhook"),
    "disable_webhook": _("disabled a webhook"),
    "retry_delivery": _("retried a message delivery"),
    "create_calendar_feed": _("created a calendar feed"),
    "revoke_calendar_feed": _("revoked a calendar feed"),
    "create_api_token": _("created an API token"),
    "revoke_api_token": _("revoked an API token"),
    # the audit trail itself
    "read_audit": _("read the audit trail"),
    "export_audit": _("exported the audit trail"),
    "verify_audit": _("verified the audit chain"),
}

# Keys of before/after snapshots that are not fields of the object's model.
FIELDS: dict[str, Any] = {
    "actuals": _("indicator actuals"),
    "address": _("network address"),
    "after": _("after"),
    "agenda_items": _("agenda items"),
    "before": _("before"),
    "broken_event": _("first broken event"),
    "chair": _("chair"),
    "checked": _("events checked"),
    "code": _("code"),
    "columns": _("columns"),
    "cooperating_units": _("cooperating units"),
    "date_from": _("from"),
    "date_to": _("to"),
    "directives": _("directives"),
    "due": _("due"),
    "email": _("e-mail"),
    "failures": _("failed attempts"),
    "file": _("file"),
    "files": _("evidence files"),
    "sheet": _("worksheet"),
    "signed": _("signed with a secret"),
    "size": _("size"),
    "source": _("source"),
    "format": _("format"),
    "generated": _("generated"),
    "kind": _("kind"),
    "lead_unit": _("lead unit"),
    "level": _("level"),
    "locked": _("locked"),
    "locked_at": _("locked at"),
    "milestones": _("milestones"),
    "mark": _("mark"),
    "meeting": _("meeting"),
    "minutes": _("minutes"),
    "must_change_password": _("must change the password"),
    "name": _("name"),
    "name_en": _("English name"),
    "name_zh": _("Chinese name"),
    "note": _("note"),
    "number": _("number"),
    "notifications": _("notifications"),
    "plan": _("planned trajectory"),
    "object_id": _("object id"),
    "object_type": _("object type"),
    "ok": _("intact"),
    "outcome": _("outcome"),
    "parent": _("parent"),
    "password_changed_at": _("password changed"),
    "phone": _("mobile number"),
    "prefix": _("prefix"),
    "progress": _("progress %"),
    "reason": _("reason"),
    "refused": _("refused because"),
    "revoked": _("revoked"),
    "rows": _("rows"),
    "shown": _("events shown"),
    "similarity": _("similarity"),
    "state": _("state"),
    "status": _("status"),
    "step": _("step"),
    "task": _("task"),
    "tasks": _("tasks"),
    "text": _("text"),
    "title": _("title"),
    "to": _("to"),
    "totp": _("two-step sign-in"),
    "two_step": _("two-step sign-in"),
    "unit": _("unit"),
    "units_moved": _("units moved"),
    "username": _("username"),
    "verb": _("action"),
    "version": _("version"),
    "actor": _("actor"),
    "attempts": _("attempts"),
    "attendees": _("attendees"),
    "is_active": _("active"),
    "role": _("role"),
}

# Values of snapshot keys that are codes, in people's words.
VALUES: dict[str, Any] = {
    "password": _("password"),
    "totp": _("authenticator code"),
    "signed out": _("signed out"),
    "idle": _("no activity for too long"),
    "session limit": _("session time limit reached"),
    "lockout period over": _("lockout period over"),
}

SYSTEM = "system"  # the actor label of what Luoshi does by itself (audit.services._label)


def verb_label(verb: str) -> str:
    """The action in words; an unknown verb (an old one, renamed since) shows as recorded."""
    label = VERBS.get(verb)
    return str(label) if label is not None else verb


def verb_choices() -> list[tuple[str, str]]:
    return sorted(((verb, str(label)) for verb, label in VERBS.items()), key=lambda pair: pair[1])


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    if object_type == "audit.audithead":
        return str(_("audit trail"))
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


# Tables no event names: Luoshi's own bookkeeping.
_NEVER_NAMED = {"tasks.taskcount", "supervision.claim", "notifications.digestclaim", "notifications.smscount",
                "audit.auditevent"}


def type_choices() -> list[tuple[str, str]]:
    """Every model an event may name, by its name in the active language."""
    names = {model._meta.label_lower: type_label(model._meta.label_lower) for model in apps.get_models()
             if model._meta.app_label not in {"contenttypes", "sessions", "admin", "auth", "search"}
             and model._meta.label_lower not in _NEVER_NAMED}
    return sorted(names.items(), key=lambda pair: pair[1])


def actor_label(event: Any) -> str:
    if event.actor_id is None and event.actor_label == SYSTEM and event.verb != "sign_in_failed":
        return str(_("Luoshi (automatic)"))
    return str(event.actor_label)


# --- which object: read for a whole page, one query per kind of object -----------------------

# object type → the path of the words that name it (a task's report is named by its task).
_NAMED_BY = {
    "meetings.meeting": "title", "tasks.task": "title", "accounts.loginthrottle": "username",
    "tasks.progressreport": "task__title", "tasks.urge": "task__title", "tasks.escalation": "task__title",
    "tasks.instruction": "task__title", "supervision.reminder": "task__title", "tasks.indicator": "name",
    "ledgers.ledgerimport": "original_name", "ledgers.columnmapping": "name",
    "notifications.webhookendpoint": "name", "api.apitoken": "name",
}
_SNAPSHOT_NAMES = ("title", "username", "name", "name_zh", "code")


def _names(object_type: str, ids: list[str]) -> dict[str, str]:
    model = model_of(object_type)
    keys = [int(i) for i in ids if i.isdigit()]
    if model is None or not keys:
        return {}
    rows = model._default_manager.filter(pk__in=keys)
    if object_type == "accounts.user":
        return {str(pk): (str(_("%(name)s (%(username)s)")) % {"name": f"{first} {last}".strip(), "username": username}
                          if (first or last) else username)
                for pk, username, first, last in rows.values_list("pk", "username", "first_name", "last_name")}
    if object_type in {"units.unit", "meetings.priorityarea"}:
        field = "name_en" if (get_language() or "").startswith("en") else "name_zh"
        return {str(pk): name for pk, name in rows.values_list("pk", field)}
    if object_type in _NAMED_BY:
        return {str(pk): str(name)[:80] for pk, name in rows.values_list("pk", _NAMED_BY[object_type])}
    return {}


def object_names(events: Iterable[Any]) -> dict[tuple[str, str], str]:
    """(object type, object id) → the object's name, for the events of one page: one query per
    kind of object named; a deleted object is named from its snapshot when it has a name there."""
    events = list(events)
    wanted: dict[str, list[str]] = defaultdict(list)
    for event in events:
        wanted[event.object_type].append(event.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        for object_id, name in _names(object_type, ids).items():
            names[(object_type, object_id)] = name
    for event in events:
        key = (event.object_type, event.object_id)
        if key in names:
            continue
        for snapshot in (event.after, event.before):
            if isinstance(snapshot, dict):
                written = next((snapshot[k] for k in _SNAPSHOT_NAMES if isinstance(snapshot.get(k), str)), None)
                if written:
                    names[key] = written[:80]
                    break
    return names


# --- before and after ---------------------------------------------------------------------------

# Snapshot keys whose values are unit codes (a task's lead unit, an urge's addressee, …).
UNIT_KEYS = {"lead_unit", "cooperating_units", "unit", "to"}


def unit_names(events: Iterable[Any]) -> dict[str, str]:
    """unit code → name, for the unit codes in the snapshots of a page's events (one query)."""
    codes: set[str] = set()
    for event in events:
        for snapshot in (event.before, event.after):
            for key, value in (snapshot.items() if isinstance(snapshot, dict) else ()):
                if key in UNIT_KEYS:
                    codes.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    if not codes:
        return {}
    unit = apps.get_model("units", "Unit")
    field = "name_en" if (get_language() or "").startswith("en") else "name_zh"
    return dict(unit._default_manager.filter(code__in=codes).values_list("code", field))


def field_label(object_type: str, key: str) -> str:
    if key in FIELDS:
        return str(FIELDS[key])
    model = model_of(object_type)
    if model is not None:
        try:
            found = model._meta.get_field(key)
        except FieldDoesNotExist:
            found = None
        if isinstance(found, models.Field):  # a reverse relation has no verbose name
            return str(found.verbose_name)
    return key.replace("_", " ")


def value_label(object_type: str, key: str, value: Any, units: dict[str, str] | None = None) -> Any:
    """A code stored in a snapshot (a status, a role, a kind, a unit) in words; anything else as it is."""
    if key in UNIT_KEYS and units:
        if isinstance(value, list):
            return "、".join(units.get(v, v) for v in value if isinstance(v, str)) if value else value
        if isinstance(value, str) and value in units:
            return units[value]
    if not isinstance(value, str):
        return value
    model = model_of(object_type)
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        choices = dict(getattr(field, "flatchoices", None) or ())
        if value in choices:
            return str(choices[value])
    if object_type == "audit.audithead" and key == "verb":
        return verb_label(value)
    if key == "object_type" and "." in value:
        return type_label(value)
    label = VALUES.get(value)
    return str(label) if label is not None else value
