"""Who may reach each URL: the permission matrix the generated security tests check.

Every named URL in the project must appear in ACCESS (or fall under a namespace in
NAMESPACES). A URL that is missing fails test_url_matrix.py with a message saying what to
add here, so that a new page cannot ship without someone deciding who may open it.

For a GET, a persona listed in `get` receives 200; anybody else receives 404 ("not yours"
looks like "not there"), anonymous visitors a redirect to the login page, and everyone 405
when the view does not accept GET. `post` names who may POST (the CSRF tests post as one of
them); it must be empty exactly when the view refuses POST.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from luoshi.security_tests.urlwalk import Route

ANONYMOUS = "anonymous"
SUPERVISOR, LIAISON, OTHER_LIAISON = "supervisor", "liaison", "other_liaison"
LEADER, SECRETARY = "leader", "secretary"
SYSADMIN, SECADMIN, AUDITADMIN = "sysadmin", "secadmin", "auditadmin"

ADMINS = frozenset({SYSADMIN, SECADMIN, AUDITADMIN})
BUSINESS = frozenset({SUPERVISOR, LIAISON, OTHER_LIAISON, LEADER, SECRETARY})
SIGNED_IN = BUSINESS | ADMINS
EVERYONE = SIGNED_IN | {ANONYMOUS}
FOLLOWERS = frozenset({SUPERVISOR, LIAISON, OTHER_LIAISON, LEADER})  # follow tasks: scores, calendars
# Who may read the fixture's tasks (led by EMERG): the office, the leader, EMERG's liaison.
TASK_READERS = frozenset({SUPERVISOR, LIAISON, LEADER})
# A draft is the office's alone until it is assigned (permissions.read_scope): to the other task
# readers it does not exist (404), on every task page.
DRAFT_READERS = frozenset({SUPERVISOR})


@dataclass(frozen=True)
class Rule:
    get: frozenset[str] = frozenset()  # personas who receive 200 on GET
    post: frozenset[str] = frozenset()  # personas who may POST; empty when POST is refused
    accepts_get: bool = True
    redirected: frozenset[str] = frozenset()  # personas sent elsewhere (302, not to the login)
    token_only: bool = False  # the JSON API: no session, anonymous and signed-in users get 401
    query: dict[str, str] = field(default_factory=dict)  # what a GET needs to succeed
    answer: int | None = None  # the same status for everyone
    # Who to try, when the view does not look at who asks (Django's admin for non-superusers, a
    # public schema): anonymous and one signed-in persona stand for everyone.
    tried: tuple[str, ...] | None = None


def page(*who: str, post: frozenset[str] | tuple[str, ...] = ()) -> Rule:
    return Rule(get=frozenset(who), post=frozenset(post))


def form(*who: str) -> Rule:
    return Rule(get=frozenset(who), post=frozenset(who))


def action(*who: str) -> Rule:
    return Rule(post=frozenset(who), accepts_get=False)


API = Rule(token_only=True)

ACCESS: dict[str, Rule] = {
    # web
    "home": page(*SIGNED_IN),
    "write_instruction": action(LEADER),
    "login": Rule(get=frozenset({ANONYMOUS}), post=frozenset({ANONYMOUS}), redirected=SIGNED_IN),
    "logout": action(*SIGNED_IN),
    # Django's set_language: a GET only redirects back, a POST changes the language.
    "set_language": Rule(post=EVERYONE, redirected=EVERYONE),
    # accounts
    "login_totp": Rule(post=frozenset({ANONYMOUS}), redirected=EVERYONE),  # only mid-login
    "password_change": form(*SIGNED_IN),
    "totp_setup": form(*SIGNED_IN),
    "account_contact": form(*SIGNED_IN),
    "account_contact_edit": form(SECADMIN),
    "account_list": page(SECADMIN),
    "account_create": form(SECADMIN),
    "account_detail": form(SECADMIN),
    "account_action": action(SECADMIN),
    "account_sign_on": action(SECADMIN),
    # Single sign-on: 404 for everyone while no provider is configured (as in these tests);
    # configured, it is tested end to end in luoshi/accounts/tests/test_oidc.py.
    "oidc_login": Rule(answer=404),
    "oidc_callback": Rule(answer=404),
    "account_requests": page(*ADMINS),
    # Deciding: the system and audit administrators (the fixture's request was asked by secadmin).
    "account_request_decide": action(SYSADMIN, AUDITADMIN),
    # meetings
    "meeting_list": page(*BUSINESS),
    "meeting_new": form(SUPERVISOR, SECRETARY),
    "meeting_from_readout": form(SUPERVISOR, SECRETARY),
    "meeting_detail": page(*BUSINESS),  # meetings belong to the province, not to a unit
    "meeting_publish": action(SUPERVISOR, SECRETARY),
    "meeting_edit": form(SUPERVISOR, SECRETARY),
    "meeting_delete": action(SUPERVISOR, SECRETARY),
    "directive_task_new": action(SUPERVISOR),
    # tasks (the ledger lists only what each user may see: empty for secretaries and admins)
    "ledger": page(*SIGNED_IN),
    "ledger_export": page(*SIGNED_IN),
    "ledger_meetings": page(*SIGNED_IN),  # the meeting field's suggestions; empty for the administrators
    "task_detail": page(*TASK_READERS),
    "review_report": action(SUPERVISOR),
    "dismiss_report_mark": action(SUPERVISOR),  # checks: the office dismisses a report's mark
    # report once: a liaison's form for every task their unit may report on (empty for HEALTH's)
    "report_many": form(LIAISON, OTHER_LIAISON),
    # GET is the form of the action (here "report", which the lead unit's liaison may file);
    # test_urls checks every action's GET against its POST.
    "task_action": Rule(get=frozenset({LIAISON}), post=frozenset({SUPERVISOR, LIAISON, LEADER})),
    "evidence_download": page(*TASK_READERS),
    # milestones: the office or the lead unit plans one, the lead unit marks one done
    "milestone_add": action(SUPERVISOR, LIAISON),
    "milestone_done": action(LIAISON),
    # outcome indicators: the office plans one; the office or the lead unit uploads actuals
    "indicator_add": action(SUPERVISOR),
    "indicator_import": action(SUPERVISOR, LIAISON),
    # requests from units (luoshi/taskrequests): the lead unit asks, the office decides
    "task_requests": page(SUPERVISOR, LIAISON, OTHER_LIAISON),
    "ask_task_request": form(LIAISON),
    "decide_task_request": action(SUPERVISOR),
    "withdraw_task_request": action(LIAISON),
    "ask_input": action(LIAISON),
    # leaders' instructions (批示件) and portfolios (luoshi/leaders): the office registers and
    # reviews, the lead unit's liaison drafts the reply; a liaison reads the documents naming
    # their unit (the list is empty for HEALTH's)
    "instruction_list": page(SUPERVISOR, LEADER, LIAISON, OTHER_LIAISON),
    "instruction_new": form(SUPERVISOR),
    "instruction_detail": page(SUPERVISOR, LEADER, LIAISON),
    "instruction_document": page(SUPERVISOR, LEADER, LIAISON),
    "instruction_reply_draft": action(LIAISON),
    "instruction_reply_review": action(SUPERVISOR),
    "instruction_reply_send": action(SUPERVISOR),
    "leader_portfolios": Rule(get=frozenset({SUPERVISOR, LEADER}), post=frozenset({SUPERVISOR})),
    "leader_portfolio_end": action(SUPERVISOR),
    # notifications
    "notifications": page(*SIGNED_IN),
    "notifications_read_all": action(*SIGNED_IN),
    "notification_read": action(LIAISON),
    "notification_preferences": form(*SIGNED_IN),
    "webhooks": form(SYSADMIN),
    "webhook_active": action(SYSADMIN),
    "delivery_retry": action(SYSADMIN),
    # ledgers
    "ledger_import": form(SUPERVISOR),
    "ledger_import_review": form(SUPERVISOR),
    "ledger_import_confirm": action(SUPERVISOR),
    # scoring
    "scoring": page(*FOLLOWERS),
    "scoring_export": page(*FOLLOWERS),
    # documents
    "documents": page(SUPERVISOR, LEADER),
    "bulletin_docx": Rule(get=frozenset({SUPERVISOR, LEADER}), query={"period": "2022-10", "number": "1"}),
    "stocktake_docx": page(SUPERVISOR, LEADER),
    "meeting_minutes_docx": page(SUPERVISOR, LEADER),
    "meeting_look_back_docx": page(SUPERVISOR, LEADER),
    # numbered notices: the office issues; the office, leaders and the units concerned download
    "notice_issue": action(SUPERVISOR),
    "notice_download": page(*TASK_READERS),
    # commitments under an agreement or plan: read with the meetings, recorded by the office
    "commitments": page(*BUSINESS, post=(SUPERVISOR,)),
    "commitment_advance": action(SUPERVISOR),
    "commitment_milestone_add": action(SUPERVISOR),
    "commitment_milestone_done": action(SUPERVISOR),
    # calendars: the feed's secret token is its authentication (a calendar app sends no cookie)
    "calendars": page(*FOLLOWERS),
    "calendar_create": action(*FOLLOWERS),
    "calendar_revoke": action(LIAISON),
    "calendar_regenerate": action(LIAISON),
    "calendar_feed": page(*EVERYONE),
    # the public portal (switched on for these tests)
    "portal": page(*EVERYONE),
    "portal_task": page(*EVERYONE),
    # search
    "search": page(*BUSINESS),
    # audit
    "audit_log": page(AUDITADMIN),
    "audit_verify": action(AUDITADMIN),
    "audit_check": page(AUDITADMIN),
    "audit_export": page(AUDITADMIN),
    # system administration
    "unit_list": form(SYSADMIN),
    "unit_edit": form(SYSADMIN),
    "unit_move": action(SYSADMIN),
    "area_list": form(SYSADMIN),
    "area_edit": form(SYSADMIN),
    # API tokens (pages) and the JSON API
    "api_tokens": form(*SIGNED_IN),
    "api_token_revoke": action(LIAISON),
    "api:openapi-json": Rule(get=EVERYONE, tried=(ANONYMOUS, LIAISON)),
    "api:openapi-view": Rule(get=EVERYONE, tried=(ANONYMOUS, LIAISON)),
    "<unnamed api/<path:rest>>": Rule(answer=404),  # the API's JSON 404 for unknown addresses
}

# Whole namespaces with one rule, for URLs a library generates. Django's admin is closed
# unless LUOSHI_ADMIN=True (luoshi/web/admin_site.py): every admin page, its login included,
# is a 404 for everyone.
# Every operation of the JSON API authenticates by token only, never by session.
NAMESPACES: dict[str, Rule] = {
    "admin": Rule(answer=404, tried=(ANONYMOUS, SUPERVISOR)),
    "api": API,
}
EXCEPTIONS: dict[str, Rule] = {
    "api:api-root": Rule(answer=404),
}


def rule_for(route: Route) -> Rule | None:
    if route.name in ACCESS:
        return ACCESS[route.name]
    if route.name in EXCEPTIONS:
        return EXCEPTIONS[route.name]
    return NAMESPACES.get(route.namespace)


# --- filling in a URL's arguments --------------------------------------------------------------

# The kind of object an argument names, from the path segment before it ("tasks/<int:pk>/").
SEGMENTS = {"tasks": "task", "instruction": "task", "reports": "report", "evidence": "evidence",
            "meetings": "meeting", "directives": "directive", "notifications": "notification",
            "webhooks": "webhook", "deliveries": "delivery", "calendar": "feed", "import": "ledger",
            "accounts": "account", "units": "unit", "areas": "area", "tokens": "api_token",
            "approvals": "account_request", "checks": "audit_check",
            "requests": "task_request", "milestones": "milestone", "notices": "notice",
            "agenda": "agenda_item", "commitments": "commitment", "commitment-milestones": "commitment_milestone",
            "instructions": "instruction_document", "portfolios": "portfolio"}
# Arguments that are not ids, by name.
NAMED = {"token": "feed_token", "action": "action", "decision": "decision", "directive_pk": "directive", "fmt": "fmt", "rest": "rest",
         "object_id": "admin_object", "url": "rest", "content_type_id": "admin_object", "app_label": "app_label",
         "kind": "request_kind", "code": "mark_code"}
# Objects a unit owns: the IDOR tests fill these with another unit's.
OWNED = {"task", "report", "evidence", "notification", "feed", "feed_token", "api_token", "task_request", "milestone",
         "notice", "instruction_document"}


def argument_kinds(route: Route) -> dict[str, str]:
    """argument → kind of object; a KeyError names what to teach this module."""
    kinds = {}
    for argument in route.arguments:
        match = re.search(rf"([\w-]+)/(?:<(?:\w+:)?{argument}>|\(\?P<{argument}>)", route.route)
        if argument in NAMED:
            kinds[argument] = NAMED[argument]
        elif match and match.group(1) in SEGMENTS:
            kinds[argument] = SEGMENTS[match.group(1)]
        else:
            raise KeyError(f"{route.name} ({route.route}): the security tests do not know what "
                           f"<{argument}> names. Add its path segment to SEGMENTS or its name to NAMED in "
                           f"luoshi/security_tests/matrix.py, and an object for it in conftest.py.")
    return kinds


def values(world: Any, route: Route, *, other: bool = False, task: Any = None) -> dict[str, Any]:
    """The URL's arguments filled from the world: EMERG's objects, or HEALTH's with `other`."""
    side = world.other if other else world.own
    chosen = task or side.task
    if route.name == "portal_task":
        chosen = world.public_task
    objects = {
        "task": chosen.pk, "report": side.report.pk, "evidence": side.evidence.pk,
        "notification": side.notification.pk, "feed": side.feed, "feed_token": side.feed_token,
        "api_token": side.api_token, "meeting": world.province.meeting.pk,
        "directive": world.province.directive.pk, "webhook": world.webhook, "delivery": world.delivery,
        "ledger": world.ledger, "account": world.province.liaison.pk, "unit": world.province.emergency.pk,
        "area": world.province.area.pk, "action": "report", "fmt": "csv", "rest": "no-such-thing",
        "admin_object": "1", "app_label": "tasks", "account_request": world.account_request, "decision": "refuse",
        "audit_check": world.audit_check, "task_request": side.task_request, "request_kind": "extension",
        "milestone": side.milestone, "notice": side.notice, "agenda_item": world.agreement,
        "commitment": world.commitment, "commitment_milestone": world.commitment_milestone,
        "instruction_document": side.instruction, "portfolio": world.portfolio,
        "mark_code": "no_evidence",
    }
    return {argument: objects[kind] for argument, kind in argument_kinds(route).items()}


def url_for(route: Route, arguments: dict[str, Any]) -> str:
    """The URL of a route with these arguments; unnamed routes are filled in by hand."""
    if "<unnamed " not in route.name:
        return reverse(route.name, kwargs=arguments)
    text = route.route
    for name, value in arguments.items():
        text = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), text)
    return "/" + text.replace("^", "").replace("$", "")
