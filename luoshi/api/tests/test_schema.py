"""The OpenAPI schema and the docs page, and schemathesis against the schema: generated
requests to every operation on a small province, as the supervision officer (and as the
liaison or the leader for their own actions), must never give a 5xx and every response
must match the schema."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luoshi.api import services
from luoshi.tasks.models import Task

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = 10


def test_it_serves_an_openapi_3_schema(db):
    """/api/openapi.json is OpenAPI 3 with every resource and the bearer scheme."""
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    paths = set(schema["paths"])
    assert {"/api/v1/me", "/api/v1/units", "/api/v1/tasks", "/api/v1/tasks/{id}", "/api/v1/meetings",
            "/api/v1/meetings/{id}"} <= paths
    actions = {"assign", "sign", "report", "request_completion", "approve", "return", "urge", "escalate",
               "instruct", "suspend", "resume", "cancel"}
    assert {f"/api/v1/tasks/{{id}}/{action}" for action in actions} <= paths


def test_it_serves_a_docs_page_that_needs_no_internet(db):
    """/api/docs loads its scripts and styles from this server only, with no inline script."""
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "https://" not in html and "http://" not in html
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call validator.swagger.io
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in inline)


# --- schemathesis ---------------------------------------------------------------------------------


@pytest.fixture
def wsgi_app() -> Iterator[object]:
    """Django's WSGI application, inside the test's transaction: like the test client, keep
    the request signals from closing the connection that holds it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _tasks(province) -> dict[str, Task]:  # type: ignore[no-untyped-def]
    """A task in each state, led by units at each level, with a sub-task and a cooperating unit."""
    parent = province.in_progress(cooperating_units=[province.health])
    from luoshi.tasks import services as task_services

    task_services.decompose_task(province.supervisor, parent, [
        task_services.SubTask(lead_unit=province.emergency, title="part one")])
    return {
        "draft": province.draft(),
        "assigned": province.assigned(),
        "signed": province.signed(),
        "in_progress": parent,
        "completion_requested": province.completion_requested(province.health),
        "suspended": province.suspended(),
        "completed": province.completed(),
    }


# Who takes each action, and on a task in which state, so that examples reach the service.
# Everything else is the supervision officer's, on the task in progress.
STATE_FOR = {"assign": "draft", "approve": "completion_requested", "return": "completion_requested",
             "urge": "signed", "escalate": "signed", "suspend": "signed", "cancel": "assigned",
             "resume": "suspended", "sign": "assigned", "request_completion": "signed"}
PERSONA_FOR = {"sign": "liaison", "report": "liaison", "request_completion": "liaison", "instruct": "leader",
               "ask_for_input": "liaison"}


# Examples per operation: positive on a real task or meeting (so the code behind the rules
# runs), and negative (invalid input). Reads also get generated ids (mostly 404).
RUNS = [(GenerationMode.POSITIVE, True, EXAMPLES), (GenerationMode.NEGATIVE, True, 3),
        (GenerationMode.POSITIVE, False, 5)]


def test_it_conforms_to_its_schema_under_generated_requests(province, wsgi_app, settings_override):
    """Every operation, with generated parameters and bodies: no 5xx, and every response
    matches the schema. Derandomized, so every run sends the same requests."""
    tokens = {persona: services.create_token(getattr(province, persona), name="schemathesis")[1]
              for persona in ("supervisor", "liaison", "leader")}
    tasks = _tasks(province)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 28
    for operation in operations:
        action = operation.path.rsplit("/", 1)[-1]
        headers = {"Authorization": f"Bearer {tokens[PERSONA_FOR.get(action, 'supervisor')]}", "Host": "localhost"}
        real_id: int | None = None
        if "/tasks/{id}" in operation.path:
            real_id = tasks[STATE_FOR.get(action, "in_progress")].pk
        elif "/meetings/{id}" in operation.path:
            real_id = province.meeting.pk
        for mode, on_real_id, examples in RUNS:
            if not on_real_id and (real_id is None or operation.method.upper() != "GET"):
                continue
            strategy = operation.as_strategy(generation_mode=mode,
                                             path_parameters={"id": real_id} if on_real_id and real_id else None)
            _fuzz(strategy, headers, examples)


def _fuzz(strategy, headers: dict[str, str], examples: int) -> None:  # type: ignore[no-untyped-def]
    @given(case=strategy)
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    def check(case):  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.fixture
def settings_override(settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.LUOSHI_API_RATE = "100000/min"
    return settings
