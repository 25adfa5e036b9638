"""Security tests generated from the URL configuration (django.urls.get_resolver()):

- every URL × every persona answers exactly as the matrix in matrix.py says, and a URL the
  matrix does not know fails the suite;
- IDOR: a liaison who puts another unit's ids in a URL gets 404, by GET and by POST;
- CSRF: every URL that takes a POST refuses one without the CSRF token, even from a persona
  allowed to post there; the only CSRF-exempt URLs are the token-authenticated API's.
No answer anywhere is a 5xx: every assertion names the exact statuses allowed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import reverse

from luoshi.security_tests import matrix
from luoshi.security_tests.conftest import PERSONAS, World, client_for
from luoshi.security_tests.urlwalk import Route, routes
from luoshi.tasks.views import ACTIONS

ROUTES = routes()


def _kinds(route: Route) -> set[str]:
    try:
        return set(matrix.argument_kinds(route).values())
    except KeyError:
        return set()  # test_each_persona_gets_what_the_matrix_says reports it


def _id(route: Route) -> str:
    return route.name


STATES = ("draft", "assigned", "signed", "in_progress", "completion_requested", "completed", "suspended",
          "cancelled")
# Task pages are walked in every state of the life cycle: access must not change with it,
# except that a draft is the office's alone (matrix.DRAFT_READERS).
CASES = [pytest.param(route, state, id=f"{route.name}-{state}" if state else route.name)
         for route in ROUTES
         for state in (STATES if "task" in _kinds(route) and route.name != "portal_task" else (None,))]


def outcome(response: HttpResponse) -> str:
    if 300 <= response.status_code < 400:
        return "login" if response["Location"].startswith(reverse("login")) else "redirect"
    return str(response.status_code)


def expected(rule: matrix.Rule, persona: str) -> set[str]:
    if rule.answer is not None:
        return {str(rule.answer)}
    if rule.token_only:
        return {"401", "405"}  # 405 first where the operation takes no GET
    if persona in rule.get:
        return {"200"}
    if persona in rule.redirected:
        return {"redirect", "login"}
    if not rule.accepts_get:
        return {"405", "login"} if persona == matrix.ANONYMOUS else {"405"}
    if persona == matrix.ANONYMOUS:
        return {"login"}
    return {"404"}


def _rule(route: Route) -> matrix.Rule:
    rule = matrix.rule_for(route)
    if rule is None:
        pytest.fail(f"{route.name} is not in the matrix (see test_every_url_is_in_the_matrix)")
    return rule


# --- the matrix ---------------------------------------------------------------------------------


def test_every_url_is_in_the_matrix() -> None:
    """A URL nobody has decided about fails here, with what to add."""
    missing = [f"{route.name} ({route.route})" for route in ROUTES if matrix.rule_for(route) is None]
    assert not missing, (
        "These URLs are not in the security matrix. Add each to ACCESS in luoshi/security_tests/matrix.py "
        "with who may GET it (200) and who may POST to it, e.g. \"my_page\": page(SUPERVISOR) or "
        "\"my_action\": action(SUPERVISOR, LIAISON):\n  " + "\n  ".join(missing))


def test_the_matrix_names_only_urls_that_exist() -> None:
    """An entry left behind by a renamed or removed URL is reported, so the matrix stays true."""
    names = {route.name for route in ROUTES}
    gone = sorted((set(matrix.ACCESS) | set(matrix.EXCEPTIONS)) - names)
    assert not gone, f"remove from luoshi/security_tests/matrix.py: {gone}"


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_the_matrix_declares_the_methods_the_view_accepts(route: Route) -> None:
    """GET and POST in the matrix match the view's require_http_methods (or class-based handlers)."""
    rule = _rule(route)
    if route.methods is None or rule.token_only or rule.answer is not None:
        pytest.skip("the view does not say which methods it takes")
    assert ("GET" in route.methods) == rule.accepts_get, f"{route.name} accepts {sorted(route.methods)}"
    assert ("POST" in route.methods) == bool(rule.post), f"{route.name} accepts {sorted(route.methods)}"


@pytest.mark.parametrize(("route", "state"), CASES)
def test_each_persona_gets_what_the_matrix_says(world: World, db: None, route: Route, state: str | None) -> None:
    """200 for who may, 404 for anybody else, the login for anonymous visitors, 405 for a wrong method."""
    rule = _rule(route)
    url = matrix.url_for(route, matrix.values(world, route, task=world.tasks[state] if state else None))
    wrong = []
    for persona in rule.tried or PERSONAS:
        response = client_for(world.user(persona)).get(url, rule.query)
        got, allowed = outcome(response), expected(rule, persona)
        if state == "draft" and persona in matrix.TASK_READERS - matrix.DRAFT_READERS and allowed == {"200"}:
            allowed = {"404"}
        if got not in allowed:
            wrong.append(f"{persona} got {got} from GET {url}, the matrix says {' or '.join(sorted(allowed))}")
    assert not wrong, "\n".join(wrong)


def test_an_actions_form_is_given_to_exactly_those_who_may_post_it(world: World, db: None) -> None:
    """GET /tasks/<pk>/<action>/ (the form a panel fetches when it opens) answers 404 exactly
    where a POST to the same URL does, for every action and persona, on a draft (the office's
    alone) and on a signed task. (Both check permissions before they look at htmx or the state.)"""
    route = next(route for route in ROUTES if route.name == "task_action")
    wrong = []
    for state in ("draft", "signed"):
        arguments = matrix.values(world, route, task=world.tasks[state])
        for persona in PERSONAS:
            client = client_for(world.user(persona))
            for action in ACTIONS:
                url = matrix.url_for(route, arguments | {"action": action})
                posted = outcome(client.post(url, {}))  # no version: refused before anything changes
                got = outcome(client.get(url, HTTP_HX_REQUEST="true"))
                if (got == "404") != (posted == "404") or got not in {"200", "404", "login"}:
                    wrong.append(f"{persona}: GET {url} gave {got}, POST gave {posted}")
    assert not wrong, "\n".join(wrong)


# --- IDOR ---------------------------------------------------------------------------------------

# Routes with an id of something a unit owns (tasks, their reports and evidence, a user's
# notifications, calendar feeds and API tokens). Meetings belong to the province: every
# business user reads them (may_read_meetings), so only their write URLs are checked here.
# The feed token and the public portal are capabilities by design, the API is token-only.
IDOR_ROUTES = [route for route in ROUTES
               if (_kinds(route) & (matrix.OWNED | {"meeting"})) and "feed_token" not in _kinds(route)
               and route.name != "portal_task" and not (matrix.rule_for(route) or matrix.API).token_only]


def _post_urls(world: World, route: Route, **fill: Any) -> list[str]:
    arguments = matrix.values(world, route, **fill)
    if "action" in arguments:  # every action the task page offers
        return [matrix.url_for(route, arguments | {"action": name}) for name in ACTIONS]
    return [matrix.url_for(route, arguments)]


@pytest.mark.parametrize("route", IDOR_ROUTES, ids=_id)
def test_a_liaison_gets_404_with_another_units_ids(world: World, db: None, route: Route) -> None:
    """EMERG's liaison tries HEALTH's ids, and HEALTH's liaison EMERG's: 404 for GET and POST."""
    rule = _rule(route)
    wrong = []
    for persona, other in (("liaison", True), ("other_liaison", False)):
        client = client_for(world.user(persona))
        if rule.accepts_get and "meeting" not in _kinds(route):
            url = matrix.url_for(route, matrix.values(world, route, other=other))
            if (got := outcome(client.get(url, rule.query))) != "404":
                wrong.append(f"{persona}: GET {url} gave {got}")
        if rule.post:
            for url in _post_urls(world, route, other=other):
                if (got := outcome(client.post(url, {}))) != "404":
                    wrong.append(f"{persona}: POST {url} gave {got}")
    assert not wrong, "another unit's object must look as if it did not exist:\n" + "\n".join(wrong)


TWO_IDS = [route for route in ROUTES if {"task", "report"} <= _kinds(route)]


@pytest.mark.parametrize("route", TWO_IDS, ids=_id)
def test_an_id_that_does_not_belong_to_its_parent_gets_404(world: World, db: None, route: Route) -> None:
    """The office posts EMERG's task with HEALTH's report: the report is not that task's, 404."""
    arguments = matrix.values(world, route) | {"report_pk": world.other.report.pk}
    url = matrix.url_for(route, arguments)
    assert outcome(client_for(world.province.supervisor).post(url, {"decision": "accept"})) == "404"


# --- CSRF ---------------------------------------------------------------------------------------

POST_ROUTES = [route for route in ROUTES if (matrix.rule_for(route) or matrix.Rule()).post
               or route.csrf_exempt or (route.methods is not None and "POST" in route.methods)]


@pytest.mark.parametrize("route", POST_ROUTES, ids=_id)
def test_a_post_without_the_csrf_token_is_refused(world: World, db: None, route: Route) -> None:
    """A persona allowed to post there, posting without the token, gets Django's CSRF 403."""
    rule = _rule(route)
    if route.csrf_exempt:
        assert rule.token_only or rule.answer is not None, (
            f"{route.name} is CSRF-exempt: only the token-authenticated API may be")
        # Exempt, so a browser session must not count there: a signed-in user is not let in.
        response = client_for(world.province.supervisor, csrf=True).post(matrix.url_for(
            route, matrix.values(world, route)), {})
        assert outcome(response) in {"401", "404", "405"}
        return
    persona = sorted(rule.post - {matrix.ANONYMOUS})[:1] or [matrix.ANONYMOUS]
    client = client_for(world.user(persona[0]), csrf=True)
    for url in _post_urls(world, route):
        response = client.post(url, {})
        assert response.status_code == 403 and b"CSRF" in response.content, (
            f"POST {url} as {persona[0]} without a CSRF token gave {response.status_code}")


# --- HEAD -----------------------------------------------------------------------------------------

HEAD_ROUTES = [route for route in ROUTES
               if (rule := matrix.rule_for(route)) is not None and rule.accepts_get and not rule.token_only
               and rule.answer is None]


@pytest.mark.parametrize("route", HEAD_ROUTES, ids=_id)
def test_head_answers_like_get_without_a_body(world: World, db: None, route: Route) -> None:
    """HEAD gets GET's status (200 or the redirect), never 405, and no body."""
    rule = _rule(route)
    url = matrix.url_for(route, matrix.values(world, route, task=world.tasks["in_progress"]))
    persona = next((p for p in PERSONAS if p in rule.get), None) or next(iter(rule.redirected), "anonymous")
    client = client_for(world.user(persona))
    get, head = client.get(url, rule.query), client.head(url, rule.query)
    assert head.status_code == get.status_code, f"{persona}: HEAD {url} {head.status_code}, GET {get.status_code}"
    assert (b"".join(head.streaming_content) if head.streaming else head.content) == b""
