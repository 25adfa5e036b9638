"""The action forms of the task page: GET /tasks/<pk>/<action>/ (the form, when its panel
opens), POST /tasks/<pk>/<action>/ and report reviews.

Each action: its happy path and audit row, and its refusals (wrong state, forbidden, bad
input, oversized or forbidden uploads, stale version, duplicate submission)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.tasks import services
from luoshi.tasks.models import Escalation, Evidence, Instruction, ProgressReport, Task, Urge


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, task: Task, action: str, data: dict | None = None, htmx: bool = False, **kwargs):  # type: ignore[no-untyped-def]
    data = {"version": task.version, **(data or {})}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client_for(user).post(f"/tasks/{task.pk}/{action}/", data, **headers, **kwargs)


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def audited(verb: str, obj: object) -> bool:
    return AuditEvent.objects.filter(verb=verb, object_type=obj._meta.label_lower, object_id=str(obj.pk)).exists()  # type: ignore[attr-defined]


def later(days: int) -> str:
    return (lib.today() + dt.timedelta(days=days)).isoformat()


def pdf(name: str = "photo.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (b"%PDF-1.4\n" + b"x" * size)[:size], content_type="application/pdf")


# --- the plumbing ------------------------------------------------------------------------------


def test_it_requires_login(province):
    """An anonymous post is sent to log in and changes nothing."""
    task = province.assigned()
    response = Client().post(f"/tasks/{task.pk}/sign/", {"version": task.version})
    assert response.status_code == 302 and fresh(task).status == "assigned"


def get(user, task: Task, action: str, htmx: bool = False):  # type: ignore[no-untyped-def]
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client_for(user).get(f"/tasks/{task.pk}/{action}/", **headers)


def test_the_task_page_fetches_a_form_only_when_its_panel_opens(province):
    """Closed panels hold a link to their form, which htmx fetches when the panel opens."""
    task = province.signed()
    html = client_for(province.supervisor).get(f"/tasks/{task.pk}/").content.decode()
    panel = html.split('id="action-decompose"')[1].split("</details>")[0]
    assert f'hx-get="/tasks/{task.pk}/decompose/" hx-trigger="toggle once"' in panel
    assert f'href="/tasks/{task.pk}/decompose/#action-decompose"' in panel
    assert "<form" not in panel and "<select" not in html.split('id="action-assign"', 1)[-1]


@pytest.mark.parametrize("persona, action", [
    ("liaison", "report"), ("liaison", "request_completion"), ("liaison", "decompose"), ("supervisor", "decompose"),
    ("supervisor", "urge"), ("supervisor", "escalate"), ("supervisor", "edit"), ("supervisor", "suspend"),
    ("supervisor", "cancel"), ("leader", "instruct"),
])
def test_it_gives_the_form_to_htmx_alone_and_otherwise_the_page_with_the_panel_open(province, persona, action):
    """GET as a user who may: htmx gets the bare form; a browser without it, the task page with that form open."""
    task = province.signed()
    user = getattr(province, persona)
    fragment = get(user, task, action, htmx=True)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and "<details" not in html
    assert html.strip().startswith("<form") and f'action="/tasks/{task.pk}/{action}/"' in html
    assert f'name="version" value="{task.version}"' in html or action in ("urge", "escalate", "instruct")
    assert "HX-Request" in fragment["Vary"]
    page = get(user, task, action)
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    panel = html.split(f'id="action-{action}"')[1].split("</details>")[0]
    assert "<details open>" in panel and f'action="/tasks/{task.pk}/{action}/"' in panel
    assert html.count("<details open>") == 1  # the other panels stay closed


@pytest.mark.parametrize("persona, action", [
    ("other_liaison", "report"), ("liaison", "assign"), ("liaison", "urge"), ("liaison", "approve"),
    ("supervisor", "report"), ("supervisor", "instruct"), ("leader", "urge"), ("secretary", "report"),
    ("sysadmin", "edit"), ("county_liaison", "report"),
])
def test_it_says_404_on_get_when_the_user_may_not(province, persona, action):
    """The form of an action the user may not take does not exist for them, with htmx or without."""
    task = province.signed()
    assert get(getattr(province, persona), task, action).status_code == 404
    assert get(getattr(province, persona), task, action, htmx=True).status_code == 404


def test_it_says_404_on_get_for_an_unknown_action_or_task_and_asks_to_log_in(province):
    """An action or a task that does not exist is 404; an anonymous visitor is sent to log in."""
    task = province.signed()
    assert get(province.liaison, task, "explode").status_code == 404
    assert client_for(province.liaison).get("/tasks/99999/report/").status_code == 404
    response = Client().get(f"/tasks/{task.pk}/report/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_says_why_a_form_fetched_late_cannot_be_used(province):
    """The task moved on after its page was shown: the form comes with the life cycle's refusal."""
    task = province.signed()
    services.suspend_task(province.supervisor, task, reason="paused", expected_version=task.version)
    html = get(province.liaison, task, "request_completion", htmx=True).content.decode()
    assert '<div class="form-error" role="alert"><p>Cannot request completion of a task that is suspended.</p>' in html


def test_it_refuses_other_methods(province):
    """Actions are read with GET and taken with POST; nothing else."""
    task = province.assigned()
    assert client_for(province.liaison).put(f"/tasks/{task.pk}/sign/").status_code == 405
    assert client_for(province.liaison).delete(f"/tasks/{task.pk}/sign/").status_code == 405


def test_it_says_404_for_an_unknown_action_or_task(province):
    """An action that does not exist, or a task that does not, is 404."""
    task = province.assigned()
    assert post(province.liaison, task, "explode").status_code == 404
    assert client_for(province.liaison).post("/tasks/99999/sign/", {"version": 1}).status_code == 404


@pytest.mark.parametrize("persona, action", [
    ("other_liaison", "sign"), ("liaison", "assign"), ("liaison", "urge"), ("liaison", "approve"),
    ("supervisor", "sign"), ("supervisor", "instruct"), ("leader", "urge"), ("secretary", "sign"),
    ("sysadmin", "edit"), ("county_liaison", "report"),
])
def test_it_says_404_when_the_user_may_not(province, persona, action):
    """A forbidden action looks like a missing page, and changes nothing."""
    task = province.assigned()
    changes = AuditEvent.objects.exclude(verb="sign_in")  # signing in is audited too
    before = changes.count()
    assert post(getattr(province, persona), task, action, {"text": "x", "reason": "x"}).status_code == 404
    assert changes.count() == before and fresh(task).version == task.version


def test_it_answers_htmx_success_with_the_whole_task_body(province):
    """After an htmx action the task body is swapped in, with the new state and a message."""
    task = province.assigned()
    response = post(province.liaison, task, "sign", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#task-body"
    assert "<html" not in html and "You have signed for the task." in html and "signed for" in html
    assert 'id="action-report"' in html and f'hx-get="/tasks/{task.pk}/report/"' in html


def test_it_answers_htmx_failure_with_the_form_and_its_error(province):
    """A refused htmx action returns its own form fragment (422), the error beside it."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "did it", "progress": "30", "files": [pdf("virus.exe")]},
                    htmx=True)
    html = response.content.decode()
    assert response.status_code == 422 and 'id="action-report"' in html and "<html" not in html
    assert "virus.exe: files of this type are not accepted as evidence." in html
    assert "did it" in html  # nothing typed is lost
    # The message is shown beside the form, not queued again for the next page.
    assert "not accepted" not in client_for(province.liaison).get(f"/tasks/{task.pk}/").content.decode()


# --- assign, sign -------------------------------------------------------------------------------


def test_it_assigns_a_draft(province):
    """The office assigns a draft: lead, cooperating units, person, deadline, cadence."""
    task = province.draft()
    client = client_for(province.supervisor)
    response = client.post(f"/tasks/{task.pk}/assign/", {
        "version": task.version, "lead_unit": province.city.pk,
        "cooperating_units": [province.health.pk, province.emergency.pk],
        "person_responsible": "He Jing", "deadline": later(40), "cadence": "monthly"})
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert "The task was assigned to its lead unit." in client.get(response["Location"]).content.decode()
    task = fresh(task)
    assert (task.status, task.lead_unit, task.person_responsible, task.cadence) == ("assigned", province.city, "He Jing", "monthly")
    assert set(task.cooperating_units.all()) == {province.health, province.emergency}
    assert audited("assign_task", task)


def test_it_refuses_an_assignment_with_a_past_deadline(province):
    """A past deadline is refused with the service's message; the task stays a draft."""
    task = province.draft()
    response = post(province.supervisor, task, "assign", {"lead_unit": province.emergency.pk, "deadline": "2000-01-01"})
    assert response.status_code == 422 and "The deadline 2000-01-01 is in the past." in response.content.decode()
    assert fresh(task).status == "draft"


def test_it_refuses_an_assignment_without_a_deadline(province):
    """The form asks for the deadline."""
    task = province.draft()
    response = post(province.supervisor, task, "assign", {"lead_unit": province.emergency.pk, "deadline": ""})
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    assert fresh(task).status == "draft"


def test_it_signs(province):
    """The lead unit's liaison signs for an assigned task."""
    task = province.assigned()
    assert post(province.liaison, task, "sign").status_code == 302
    assert fresh(task).status == "signed" and audited("sign_task", task)


def test_it_explains_a_duplicate_signature(province):
    """Posting the same sign form twice: the second gets the life cycle's message, not a 500."""
    task = province.assigned()
    assert post(province.liaison, task, "sign").status_code == 302
    response = post(province.liaison, task, "sign")  # the same form, same version
    assert response.status_code == 422
    assert "Cannot sign for a task that is signed for." in response.content.decode()
    assert AuditEvent.objects.filter(verb="sign_task").count() == 1


# --- reporting, completing -------------------------------------------------------------------------


def test_it_reports_progress_with_evidence(province):
    """A report with several files: the report, the files, the new progress, the audit rows."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "half done", "progress": "50", "period": "2024-05",
                                                        "files": [pdf("a.pdf"), pdf("b.pdf")]})
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert (report.text, report.progress, report.period) == ("half done", 50, "2024-05")
    assert sorted(e.original_name for e in report.evidence.all()) == ["a.pdf", "b.pdf"]
    assert fresh(task).progress == 50 and fresh(task).status == "in_progress"
    assert audited("report_progress", task) and audited("submit_report", report)


def test_it_shows_the_upload_limits(province, settings):
    """The report form says how large and of which types files may be."""
    settings.LUOSHI_MAX_UPLOAD_MB = 7
    task = province.signed()
    html = get(province.liaison, task, "report", htmx=True).content.decode()
    assert "each up to 7 MB" in html and "pdf" in html and 'enctype="multipart/form-data"' in html


def test_it_refuses_an_oversized_upload_and_saves_nothing(province, settings):
    """A file over the limit: a clear message, no report, no file, the text kept."""
    settings.LUOSHI_MAX_UPLOAD_MB = 1
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "big file", "progress": "40",
                                                        "files": [pdf("ok.pdf"), pdf("huge.pdf", 1024 * 1024 + 1)]})
    html = response.content.decode()
    assert response.status_code == 422 and "huge.pdf is larger than the limit of 1 MB." in html and "big file" in html
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert fresh(task).status == "signed"


def test_it_refuses_a_forbidden_file_type_and_saves_nothing(province):
    """An executable is refused with a clear message; nothing is saved."""
    task = province.signed()
    response = post(province.liaison, task, "report", {"text": "t", "progress": "10", "files": [pdf("run.exe")]})
    assert response.status_code == 422 and "run.exe: files of this type are not accepted" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("data, message", [
    ({"text": "", "progress": "10"}, "This field is required."),
    ({"text": "t", "progress": "150"}, "Ensure this value is less than or equal to 100."),
    ({"text": "t", "progress": "lots"}, "Enter a whole number."),
])
def test_it_refuses_a_bad_report(province, data, message):
    """Missing text or bad progress: the field's message, nothing saved."""
    task = province.signed()
    response = post(province.liaison, task, "report", data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_lets_a_cooperating_unit_report(province):
    """A cooperating unit's liaison files its share with no progress figure: the task's progress
    is the lead unit's to report, so a figure sent anyway changes nothing."""
    task = province.signed(cooperating_units=[province.health])
    form = client_for(province.other_liaison).get(f"/tasks/{task.pk}/report/").content.decode()
    assert 'name="text"' in form and 'name="progress"' not in form
    assert post(province.other_liaison, task, "report", {"text": "we helped"}).status_code == 302
    assert post(province.other_liaison, fresh(task), "report", {"text": "and more", "progress": "80"}).status_code == 302
    assert [(r.unit, r.progress) for r in ProgressReport.objects.order_by("pk")] == [(province.health, 0)] * 2
    assert fresh(task).progress == 0


def test_it_requests_completion(province):
    """The lead unit asks for completion with a summary and files."""
    task = province.in_progress()
    response = post(province.liaison, task, "request_completion", {"text": "all done", "files": [pdf()]})
    assert response.status_code == 302 and fresh(task).status == "completion_requested"
    assert audited("request_completion", task) and Evidence.objects.count() == 1


def test_it_refuses_completion_with_open_sub_tasks(province):
    """A parent with open sub-tasks cannot ask for completion: the service says why."""
    task = province.signed(province.city)
    services.decompose_task(province.city_liaison, task, [services.SubTask(lead_unit=province.county, title="part")])
    response = post(province.city_liaison, fresh(task), "request_completion", {"text": "done"})
    assert response.status_code == 422 and "Its sub-tasks must be completed first." in response.content.decode()


def test_it_approves_completion(province):
    """The office approves with a grade: completed, 100 %, graded, audited."""
    task = province.completion_requested()
    assert post(province.supervisor, task, "approve", {"note": "checked", "grade": "excellent"}).status_code == 302
    task = fresh(task)
    assert (task.status, task.progress, task.grade) == ("completed", 100, "excellent")
    assert audited("approve_completion", task)


def test_it_refuses_an_approval_without_a_grade_or_a_fail_without_a_comment(province):
    """No grade, an unknown grade, or fail without a comment: 422 with the reason, still asking."""
    task = province.completion_requested()
    for data, message in (({"note": "checked"}, "This field is required."),
                          ({"grade": "superb"}, "Select a valid choice."),
                          ({"grade": "fail"}, "Say in the comment why the work is graded fail.")):
        response = post(province.supervisor, fresh(task), "approve", data)
        assert response.status_code == 422 and message in response.content.decode(), data
    assert (fresh(task).status, fresh(task).grade) == ("completion_requested", "")


def test_it_explains_approving_in_the_wrong_state(province):
    """Approving a task that did not ask gives the life cycle's message."""
    task = province.in_progress()
    response = post(province.supervisor, task, "approve")
    assert response.status_code == 422
    assert "Cannot approve completion of a task that is in progress." in response.content.decode()


def test_it_returns_with_a_reason(province):
    """The office returns a completion request with a reason; without one it is refused."""
    task = province.completion_requested()
    response = post(province.supervisor, task, "return", {"reason": ""})
    assert response.status_code == 422 and fresh(task).status == "completion_requested"
    assert post(province.supervisor, task, "return", {"reason": "no evidence"}).status_code == 302
    task = fresh(task)
    assert (task.status, task.status_reason) == ("in_progress", "no evidence") and audited("return_task", task)


# --- reviewing reports --------------------------------------------------------------------------


def review(user, task: Task, report: ProgressReport, data: dict, htmx: bool = False):  # type: ignore[no-untyped-def]
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client_for(user).post(f"/tasks/{task.pk}/reports/{report.pk}/review/", data, **headers)


def test_it_accepts_a_report(province):
    """The office accepts a pending report."""
    task = province.in_progress()
    report = task.reports.get()
    assert review(province.supervisor, task, report, {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.outcome == "accepted" and audited("review_report", report)


def test_it_returns_a_report_only_with_a_reason(province):
    """Returning needs a reason; the message comes back and the report stays pending."""
    task = province.in_progress()
    report = task.reports.get()
    response = review(province.supervisor, task, report, {"decision": "return", "note": ""}, htmx=True)
    assert response.status_code == 422 and "Please write the reason for returning." in response.content.decode()
    report.refresh_from_db()
    assert report.outcome == "pending"
    assert review(province.supervisor, task, report, {"decision": "return", "note": "too vague"}).status_code == 302
    report.refresh_from_db()
    assert (report.outcome, report.review_note) == ("returned", "too vague")


def test_it_explains_a_second_review(province):
    """Reviewing twice says the report was already reviewed."""
    task = province.in_progress()
    report = task.reports.get()
    review(province.supervisor, task, report, {"decision": "accept"})
    response = review(province.supervisor, task, report, {"decision": "accept"})
    assert response.status_code == 422 and "This report has already been reviewed." in response.content.decode()


def test_it_hides_reviews_from_those_who_may_not(province):
    """A liaison cannot review; another task's report is 404."""
    task = province.in_progress()
    report = task.reports.get()
    assert review(province.liaison, task, report, {"decision": "accept"}).status_code == 404
    other = province.in_progress(province.health)
    assert review(province.supervisor, other, report, {"decision": "accept"}).status_code == 404
    assert client_for(province.supervisor).get(f"/tasks/{task.pk}/reports/{report.pk}/review/").status_code == 405


# --- urge, escalate, instruct ---------------------------------------------------------------------


def test_it_urges(province):
    """The office urges the lead unit."""
    task = province.signed()
    assert post(province.supervisor, task, "urge", {"text": "please report"}).status_code == 302
    urge = Urge.objects.get()
    assert (urge.text, urge.to_unit) == ("please report", province.emergency) and audited("urge_task", urge)


def test_it_refuses_an_empty_urge(province):
    """An urge needs words."""
    task = province.signed()
    assert post(province.supervisor, task, "urge", {"text": ""}).status_code == 422 and not Urge.objects.exists()


def test_it_escalates(province):
    """The office escalates to a level with a reason."""
    task = province.signed()
    assert post(province.supervisor, task, "escalate", {"level": "3", "reason": "stalled"}).status_code == 302
    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.reason) == (3, "stalled") and audited("escalate_task", escalation)


def test_it_refuses_an_unknown_escalation_level(province):
    """Level 9 is not a level."""
    task = province.signed()
    response = post(province.supervisor, task, "escalate", {"level": "9", "reason": "x"})
    assert response.status_code == 422 and not Escalation.objects.exists()


def test_it_records_a_leaders_instruction(province):
    """A leader writes an instruction (批示)."""
    task = province.signed()
    assert post(province.leader, task, "instruct", {"text": "finish by June"}).status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.text == "finish by June" and audited("write_instruction", instruction)


def test_it_refuses_an_instruction_on_a_draft(province):
    """A leader cannot see a draft, so cannot instruct on it: 404, as for a task that does not
    exist (test_services checks the service's own refusal)."""
    task = province.draft()
    response = post(province.leader, task, "instruct", {"text": "hello"})
    assert response.status_code == 404 and not Instruction.objects.exists()


# --- decompose --------------------------------------------------------------------------------------


def parts(*rows: tuple) -> dict:  # type: ignore[type-arg]
    data = {"parts-TOTAL_FORMS": str(max(3, len(rows))), "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "20"}
    for i, (unit, title, deadline, weight) in enumerate(rows):
        data.update({f"parts-{i}-lead_unit": unit.pk, f"parts-{i}-title": title,
                     f"parts-{i}-deadline": deadline, f"parts-{i}-weight": weight})
    for i in range(len(rows), 3):
        data[f"parts-{i}-weight"] = "1"  # an untouched blank row
    return data


def test_it_decomposes_to_sub_units(province):
    """The city's liaison splits its task between itself and a district."""
    task = province.signed(province.city)
    response = post(province.city_liaison, task, "decompose",
                    parts((province.county, "district part", later(10), "2"), (province.city, "city part", "", "1")))
    assert response.status_code == 302
    children = {c.title: c for c in fresh(task).children.all()}
    assert set(children) == {"district part", "city part"}
    assert children["district part"].weight == 2 and children["city part"].deadline == task.deadline
    assert audited("decompose_task", task) and audited("create_subtask", children["district part"])


def test_it_offers_a_liaison_only_its_own_subtree(province):
    """A unit outside the lead unit's subtree is not a choice for a liaison."""
    task = province.signed(province.city)
    html = get(province.city_liaison, task, "decompose", htmx=True).content.decode()
    assert "Heping District" in html and "Health Commission" not in html
    response = post(province.city_liaison, task, "decompose", parts((province.health, "elsewhere", "", "1")))
    assert response.status_code == 422 and "Select a valid choice." in response.content.decode()
    assert not fresh(task).children.exists()


def test_it_asks_for_at_least_one_sub_task(province):
    """An all-blank formset is refused."""
    task = province.signed(province.city)
    response = post(province.city_liaison, task, "decompose", parts())
    assert response.status_code == 422 and "Name at least one sub-task." in response.content.decode()


def test_it_refuses_a_sub_task_due_after_its_parent(province):
    """The service's deadline rule comes back as a message; nothing is created."""
    task = province.signed(province.city, deadline_days=10)
    response = post(province.city_liaison, task, "decompose", parts((province.county, "late", later(20), "1")))
    assert response.status_code == 422 and "cannot be due after its parent" in response.content.decode()
    assert not fresh(task).children.exists()


# --- suspend, resume, cancel ----------------------------------------------------------------------


def test_it_suspends_and_resumes(province):
    """Suspend with a reason, then resume to the state it left."""
    task = province.signed()
    assert post(province.supervisor, task, "suspend", {"reason": "waiting for funds"}).status_code == 302
    assert fresh(task).status == "suspended" and audited("suspend_task", task)
    assert post(province.supervisor, fresh(task), "resume").status_code == 302
    assert fresh(task).status == "signed" and audited("resume_task", task)


def test_it_cancels_with_a_reason(province):
    """Cancelling needs a reason."""
    task = province.signed()
    assert post(province.supervisor, task, "cancel", {"reason": ""}).status_code == 422
    assert post(province.supervisor, task, "cancel", {"reason": "superseded"}).status_code == 302
    assert fresh(task).status == "cancelled" and audited("cancel_task", task)


def test_it_explains_resuming_a_task_that_is_not_suspended(province):
    """Resume on a signed task: the life cycle's message."""
    task = province.signed()
    response = post(province.supervisor, task, "resume")
    assert response.status_code == 422 and "Cannot resume a task that is signed for." in response.content.decode()


# --- edit details -------------------------------------------------------------------------------------


def test_it_edits_details(province):
    """The office changes the deadline, person, flags and cooperating units."""
    task = province.signed()
    response = post(province.supervisor, task, "edit", {
        "title": task.title, "deadline": later(60), "person_responsible": "Li Na", "blocked": "on", "public": "on",
        "cooperating_units": [province.health.pk]})
    assert response.status_code == 302
    task = fresh(task)
    assert (task.person_responsible, task.blocked, task.public, task.light) == ("Li Na", True, True, "red")
    assert task.deadline.isoformat() == later(60) and list(task.cooperating_units.all()) == [province.health]
    event = AuditEvent.objects.filter(verb="update_task", object_id=str(task.pk)).get()
    assert event.after["person_responsible"] == "Li Na"


def test_it_says_when_nothing_was_changed(province):
    """Saving the form unchanged writes nothing and says so."""
    task = province.signed()
    response = post(province.supervisor, task, "edit", {"title": task.title, "deadline": task.deadline.isoformat()})
    assert response.status_code == 422 and "Nothing was changed." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="update_task").exists()


def test_it_refuses_a_stale_edit_and_keeps_what_was_typed(province):
    """Someone changed the task since the form was loaded: the conflict message, a reload
    link, the typed values still in the form, and nothing saved."""
    task = province.signed()
    stale_version = task.version
    services.update_task(province.supervisor, task, person_responsible="changed meanwhile")
    response = post(province.supervisor, task, "edit", {"version": stale_version, "person_responsible": "Typed By Me",
                                                        "title": task.title, "deadline": task.deadline.isoformat()})
    html = response.content.decode()
    assert response.status_code == 422
    assert "This task was changed by someone else since you opened it" in html
    assert f'href="/tasks/{task.pk}/">Reload the task</a>' in html
    assert 'value="Typed By Me"' in html and f'name="version" value="{stale_version}"' in html
    assert fresh(task).person_responsible == "changed meanwhile"


def test_it_refuses_a_stale_report(province):
    """A report posted on an old version is refused; its text is kept."""
    task = province.signed()
    stale = task.version
    services.update_task(province.supervisor, task, person_responsible="someone")
    response = post(province.liaison, task, "report", {"version": stale, "text": "my long report", "progress": "30"},
                    htmx=True)
    html = response.content.decode()
    assert response.status_code == 422 and "changed by someone else" in html and "my long report" in html
    assert not ProgressReport.objects.exists()
