"""POST /api/v1/tasks/{id}/{action}: each action through its one service, for the persona
allowed (and 404 for the others), If-Match and 412, and the errors of the services as JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi import lib
from luoshi.api.tests.conftest import api_client
from luoshi.audit.models import AuditEvent
from luoshi.tasks import services
from luoshi.tasks.models import Escalation, Evidence, Instruction, ProgressReport, Task, Urge


def post(client, task: Task, action: str, body: object = None, **headers: str):  # type: ignore[no-untyped-def]
    data = "" if body is None else json.dumps(body)
    return client.post(f"/api/v1/tasks/{task.pk}/{action}", data, content_type="application/json", **headers)


def future(days: int = 20) -> str:
    return (lib.today() + dt.timedelta(days=days)).isoformat()


# (state the task starts in, action, persona allowed, body, status after, audit verb)
CASES = [
    ("draft", "assign", "supervisor", {"deadline": None, "cooperating_units": ["HEALTH"]}, "assigned", "assign_task"),
    ("assigned", "sign", "liaison", None, "signed", "sign_task"),
    ("signed", "report", "liaison", {"text": "half done", "progress": 50, "period": "2024-05"}, "in_progress",
     "report_progress"),
    ("in_progress", "request_completion", "liaison", {"text": "all done"}, "completion_requested",
     "request_completion"),
    ("completion_requested", "approve", "supervisor", {"grade": "good", "note": "well done"}, "completed",
     "approve_completion"),
    ("completion_requested", "return", "supervisor", {"reason": "no evidence"}, "in_progress", "return_task"),
    ("signed", "urge", "supervisor", {"text": "please hurry"}, "signed", "urge_task"),
    ("signed", "escalate", "supervisor", {"level": 2, "reason": "overdue"}, "signed", "escalate_task"),
    ("signed", "instruct", "leader", {"text": "give it priority"}, "signed", "write_instruction"),
    ("signed", "suspend", "supervisor", {"reason": "waiting for funds"}, "suspended", "suspend_task"),
    ("suspended", "resume", "supervisor", None, "signed", "resume_task"),
    ("signed", "cancel", "supervisor", {"reason": "superseded"}, "cancelled", "cancel_task"),
    ("signed", "request_extension", "liaison", {"deadline": None, "reason": "flooded"}, "signed", "request_extension"),
    ("signed", "request_return", "liaison", {"reason": "health's work", "suggested_unit": "HEALTH"}, "signed",
     "request_return"),
    ("signed", "reassign", "supervisor", {"lead_unit": "HEALTH", "reason": "三定 rules"}, "assigned", "reassign_task"),
    ("signed", "milestones", "supervisor", {"title": "plan reported", "due": "2000-01-01"}, "signed", "plan_milestones"),
]
# Requests do not change the task: its version stays.
UNCHANGED = {"urge", "escalate", "instruct", "request_extension", "request_return"}
PERSONAS = ["supervisor", "liaison", "other_liaison", "leader", "secretary", "sysadmin"]


def make(province, state: str) -> Task:  # type: ignore[no-untyped-def]
    return getattr(province, state)()


@pytest.mark.parametrize("state, action, persona, body, after, verb", CASES, ids=[c[1] for c in CASES])
def test_it_takes_each_action_through_its_service(province, state, action, persona, body, after, verb):
    """The allowed persona's action moves the task, is audited and answers the new task and ETag."""
    task = make(province, state)
    if body and "deadline" in body:
        body["deadline"] = future(60 if action == "request_extension" else 20)
    if body and "due" in body:
        body["due"] = future(5)
    before = task.version
    response = post(api_client(getattr(province, persona)), task, action, body)
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert response.json()["status"] == task.status == after
    assert response["ETag"] == f'"{task.version}"'
    assert AuditEvent.objects.filter(verb=verb, actor=getattr(province, persona)).exists()
    if action not in UNCHANGED:
        assert task.version > before


@pytest.mark.parametrize("state, action, allowed, body, after, verb", CASES, ids=[c[1] for c in CASES])
def test_it_hides_each_action_from_the_other_personas(province, state, action, allowed, body, after, verb):
    """Every persona who may not take the action gets 404 and the task is unchanged."""
    task = make(province, state)
    for persona in PERSONAS:
        if persona == allowed or (action in {"report", "milestones"} and persona == "liaison"):
            continue
        response = post(api_client(getattr(province, persona), name=persona), task, action, body or {})
        assert response.status_code == 404, (persona, response.content)
        assert response.json()["error"] == "not_found"
    assert Task.objects.get(pk=task.pk).version == task.version


def test_it_refuses_an_action_the_life_cycle_does_not_allow(province):
    """Signing a task twice is 422 with the life cycle's message."""
    task = province.signed()
    response = post(api_client(province.liaison), task, "sign")
    assert response.status_code == 422
    assert response.json() == {"error": "invalid_transition",
                               "message": "Cannot sign for a task that is signed for."}


def test_it_refuses_invalid_input_with_the_services_message(province):
    """A past deadline is refused by the service: 422 with its message, nothing changed."""
    task = province.draft()
    response = post(api_client(province.supervisor), task, "assign", {"deadline": "2001-01-01"})
    assert response.status_code == 422
    assert response.json()["message"] == "The deadline 2001-01-01 is in the past."
    assert Task.objects.get(pk=task.pk).status == "draft"


@pytest.mark.parametrize("body", [{}, {"text": "x", "progress": 101}, {"text": "", "progress": 5},
                                  {"text": "x", "progress": "lots"}, [1, 2]])
def test_it_refuses_a_body_outside_the_schema(province, body):
    """Missing or out-of-range fields are 422, naming the field."""
    task = province.signed()
    response = post(api_client(province.liaison), task, "report", body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input" and response.json()["details"]
    assert not ProgressReport.objects.filter(task=task).exists()


@pytest.mark.parametrize("action", ["report", "suspend"])
def test_it_refuses_a_body_that_is_not_json(province, action):
    """A body that does not parse is 400 in JSON."""
    task = province.signed()
    client = api_client(province.supervisor if action == "suspend" else province.liaison)
    response = client.post(f"/api/v1/tasks/{task.pk}/{action}", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


def test_it_refuses_an_unknown_unit_code_on_assign(province):
    """Cooperating units are named by code; an unknown one is 422."""
    response = post(api_client(province.supervisor), province.draft(), "assign", {"cooperating_units": ["ZZ"]})
    assert response.status_code == 422 and "ZZ" in response.json()["message"]


def test_it_refuses_a_nul_character(province):
    """Text with a NUL character is refused before it reaches the database."""
    response = post(api_client(province.supervisor), province.signed(), "urge", {"text": "a\x00b"})
    assert response.status_code == 422 and not Urge.objects.exists()


# --- If-Match ------------------------------------------------------------------------------------


def test_it_takes_an_action_when_if_match_names_the_current_version(province):
    """If-Match with the ETag just read lets the action through."""
    task = province.assigned()
    client = api_client(province.liaison)
    etag = client.get(f"/api/v1/tasks/{task.pk}")["ETag"]
    response = post(client, task, "sign", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


@pytest.mark.parametrize("action, body", [("sign", None), ("report", {"text": "x", "progress": 5})])
def test_it_refuses_a_stale_if_match_with_412(province, action, body):
    """An If-Match older than the task is 412 and changes nothing."""
    task = province.assigned() if action == "sign" else province.signed()
    stale = f'"{task.version}"'
    services.update_task(province.supervisor, task, person_responsible="someone else")
    response = post(api_client(province.liaison), task, action, body, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["error"] == "precondition_failed" and "changed" in response.json()["message"]
    assert Task.objects.get(pk=task.pk).status == task.status


def test_it_refuses_a_stale_if_match_on_an_action_that_does_not_move_the_task(province):
    """Urge, escalate and instruct check If-Match too."""
    task = province.signed()
    response = post(api_client(province.supervisor), task, "urge", {"text": "hurry"},
                    HTTP_IF_MATCH=f'"{task.version - 1}"')
    assert response.status_code == 412 and not Urge.objects.exists()


@pytest.mark.parametrize("header", ["garbage", 'W/"1"', '""', '"99999999999999999999999"'])
def test_it_refuses_an_if_match_that_names_no_version(province, header):
    """A malformed or weak If-Match matches nothing: 412."""
    response = post(api_client(province.liaison), province.assigned(), "sign", HTTP_IF_MATCH=header)
    assert response.status_code == 412


def test_it_accepts_a_wildcard_or_a_list_in_if_match(province):
    """If-Match: * or a list that holds the current version lets the action through."""
    task = province.assigned()
    assert post(api_client(province.liaison), task, "sign", HTTP_IF_MATCH="*").status_code == 200
    other = province.assigned()
    header = f'"1", "{other.version}"'
    assert post(api_client(province.liaison, name="b"), other, "sign", HTTP_IF_MATCH=header).status_code == 200


def test_it_accepts_an_action_without_if_match(province):
    """Without If-Match the action applies to the task as it is (documented in docs/api.md)."""
    task = province.assigned()
    services.update_task(province.supervisor, task, person_responsible="someone else")
    assert post(api_client(province.liaison), task, "sign").status_code == 200


def test_it_refuses_a_change_that_lands_between_the_read_and_the_write(province, monkeypatch):
    """The service re-checks the version under its lock: a write in between is 412 too."""
    task = province.assigned()
    real_sign = services.sign_task

    def sign_after_someone_else(user, task, *, expected_version=None):  # type: ignore[no-untyped-def]
        services.update_task(province.supervisor, task, person_responsible="quicker")
        return real_sign(user, task, expected_version=expected_version)

    monkeypatch.setattr(services, "sign_task", sign_after_someone_else)
    response = post(api_client(province.liaison), task, "sign", HTTP_IF_MATCH=f'"{task.version}"')
    assert response.status_code == 412
    assert Task.objects.get(pk=task.pk).status == "assigned"


# --- evidence ------------------------------------------------------------------------------------


def test_it_takes_a_report_with_evidence_as_multipart(province):
    """A multipart report stores its evidence files through the service."""
    task = province.signed()
    upload = SimpleUploadedFile("minutes.txt", b"what we did", content_type="text/plain")
    response = api_client(province.liaison).post(
        f"/api/v1/tasks/{task.pk}/report", {"text": "with evidence", "progress": "30", "files": [upload]})
    assert response.status_code == 200, response.content
    report = response.json()["reports"][0]
    assert report["text"] == "with evidence" and report["progress"] == 30
    assert [e["name"] for e in report["evidence"]] == ["minutes.txt"]
    assert Evidence.objects.get().original_name == "minutes.txt"


def test_it_refuses_evidence_of_a_type_not_accepted(province):
    """A file type the service does not accept is 422 and stores nothing."""
    task = province.signed()
    upload = SimpleUploadedFile("tool.exe", b"MZ...", content_type="application/octet-stream")
    response = api_client(province.liaison).post(
        f"/api/v1/tasks/{task.pk}/report", {"text": "x", "progress": "30", "files": [upload]})
    assert response.status_code == 422
    assert not ProgressReport.objects.filter(task=task).exists() and not Evidence.objects.exists()


def test_it_refuses_evidence_over_the_size_limit(province, settings):
    """A file over LUOSHI_MAX_UPLOAD_MB is 422 with the service's message."""
    settings.LUOSHI_MAX_UPLOAD_MB = 1
    task = province.signed()
    upload = SimpleUploadedFile("big.txt", b"x" * (1024 * 1024 + 1), content_type="text/plain")
    response = api_client(province.liaison).post(
        f"/api/v1/tasks/{task.pk}/request_completion", {"text": "done", "files": [upload]})
    assert response.status_code == 422 and "larger than the limit" in response.json()["message"]
    assert not Evidence.objects.exists()


def test_it_records_urges_escalations_and_instructions(province):
    """The rows the actions create are the services' rows."""
    task = province.signed()
    post(api_client(province.supervisor), task, "urge", {"text": "hurry"})
    post(api_client(province.supervisor, name="b"), task, "escalate", {"level": 3, "reason": "late"})
    post(api_client(province.leader), task, "instruct", {"text": "finish it"})
    assert Urge.objects.get().text == "hurry"
    assert Escalation.objects.get().level == 3
    assert Instruction.objects.get().text == "finish it"


def test_it_refuses_get_on_an_action(province):
    """Actions take POST only: GET is a JSON 405."""
    task = province.assigned()
    response = api_client(province.liaison).get(f"/api/v1/tasks/{task.pk}/sign")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_the_office_decides_a_request_through_the_api(province):
    """GET /v1/requests lists what waits for the office; POST …/decide approves it, once."""
    task = province.signed()
    unit = api_client(province.liaison)
    asked = post(unit, task, "request_extension", {"deadline": future(60), "reason": "floods"})
    assert asked.status_code == 200
    office = api_client(province.supervisor)
    waiting = office.get("/api/v1/requests").json()
    assert [(r["task"], r["kind"], r["state"]) for r in waiting] == [(task.pk, "extension", "pending")]
    assert unit.get("/api/v1/requests").json() == []
    url = f"/api/v1/requests/{waiting[0]['id']}/decide"
    refused = unit.post(url, json.dumps({"decision": "approve"}), content_type="application/json")
    assert refused.status_code == 404
    too_far = office.post(url, json.dumps({"decision": "approve", "deadline": future(90)}), content_type="application/json")
    assert too_far.status_code == 422 and "at most" in too_far.json()["message"]
    done = office.post(url, json.dumps({"decision": "approve", "deadline": future(45)}), content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "shortened"
    assert Task.objects.get(pk=task.pk).deadline.isoformat() == future(45)
    again = office.post(url, json.dumps({"decision": "refuse", "note": "no"}), content_type="application/json")
    assert again.status_code == 409


def test_a_milestone_is_planned_and_done_through_the_api(province):
    """The office plans a milestone; only the lead unit marks it done, once; the task shows it."""
    task = province.signed(deadline_days=30)
    office, unit = api_client(province.supervisor), api_client(province.liaison)
    planned = post(office, task, "milestones", {"title": "plan reported", "due": future(5)})
    [milestone] = planned.json()["milestones"]
    assert milestone["done_at"] is None
    url = f"/api/v1/milestones/{milestone['id']}/complete"
    assert office.post(url, json.dumps({"text": "done"}), content_type="application/json").status_code == 404
    done = unit.post(url, json.dumps({"text": "the plan is out"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["milestones"][0]["done_at"] is not None
    assert done.json()["status"] == "in_progress"
    again = unit.post(url, json.dumps({"text": "again"}), content_type="application/json")
    assert again.status_code == 409
    late = post(office, task, "milestones", {"title": "x", "due": future(40)})
    assert late.status_code == 422


def test_the_lead_unit_asks_a_cooperating_unit_for_input_through_the_api(province):
    """POST …/ask_for_input: the lead unit's liaison asks a cooperating unit for its share; the
    task shows the request until the unit's report answers it. Nobody else may ask."""
    task = province.signed(cooperating_units=[province.health])
    body = {"unit": "HEALTH", "due": future(5), "text": "medical teams ready?"}
    for persona in ("supervisor", "other_liaison", "leader"):
        assert post(api_client(getattr(province, persona), name=persona), task, "ask_for_input", body).status_code == 404
    lead = api_client(province.liaison)
    asked = post(lead, task, "ask_for_input", body)
    assert asked.status_code == 200, asked.content
    [request] = asked.json()["input_requests"]
    assert (request["unit"], request["text"], request["answered_by_report"], request["late"]) == (
        "HEALTH", "medical teams ready?", None, False)
    assert AuditEvent.objects.filter(verb="ask_for_input", actor=province.liaison).exists()
    share = post(api_client(province.other_liaison), task, "report", {"text": "three teams", "progress": 0})
    assert share.status_code == 200
    [request] = lead.get(f"/api/v1/tasks/{task.pk}").json()["input_requests"]
    assert request["answered_by_report"] == ProgressReport.objects.get(task=task).pk


@pytest.mark.parametrize("body, message", [
    ({"unit": "SY", "due": None, "text": "x"}, "does not cooperate on this task"),
    ({"unit": "HEALTH", "due": "2001-01-01", "text": "x"}, "from today on"),
    ({"unit": "NOPE", "due": None, "text": "x"}, "no unit with the code NOPE"),
    ({"unit": "HEALTH", "due": None, "text": "   "}, "Say what you need"),
])
def test_it_refuses_a_request_for_input_that_cannot_be_answered(province, body, message):
    task = province.signed(cooperating_units=[province.health])
    body = {**body, "due": body["due"] or future(5)}
    response = post(api_client(province.liaison), task, "ask_for_input", body)
    assert response.status_code == 422 and message in response.json()["message"], response.content
    assert not task.input_requests.exists()
