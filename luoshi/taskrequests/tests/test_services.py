"""Extension requests and hand-backs: the happy paths with their audit rows and messages,
and every refusal (not the lead unit, wrong state, too late, a second request, a decision
twice, a grant outside the asked range)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.lib import ConflictError, Forbidden, InvalidInput, TransitionError
from luoshi.notifications.models import Notification
from luoshi.taskrequests import services
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import Province

State = TaskRequest.State


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def verbs(task: Task) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk)).order_by("id")
                .values_list("verb", flat=True))


def days(n: int) -> dt.date:
    return lib.today() + dt.timedelta(days=n)


def test_extension_approved_moves_the_deadline_and_the_light(province: Province) -> None:
    task = province.signed()  # due in 30 days
    asked = services.request_extension(province.liaison, task, deadline=days(60), reason="the contractor is late")
    assert asked.state == State.PENDING and asked.deadline_before == days(30)
    assert Notification.objects.filter(recipient=province.supervisor, kind="request", task=task).exists()
    decided = services.decide_extension(province.supervisor, asked, approve=True)
    assert decided.state == State.APPROVED and decided.granted_deadline == days(60)
    task = fresh(task)
    assert task.deadline == days(60)
    assert ["request_extension", "update_task", "grant_extension"] == verbs(task)[-3:]
    assert Notification.objects.filter(recipient=province.liaison, kind="decision", task=task).exists()


def test_an_overdue_task_turns_green_again_when_its_extension_is_granted(province: Province) -> None:
    task = province.in_progress(progress=80, deadline_days=10)
    with lib.clock_at(lib.now() + dt.timedelta(days=11)):  # one day late, within the grace days
        from luoshi.tasks import services as task_services
        task_services.refresh_lights()
        assert fresh(task).light == Task.Light.RED
        asked = services.request_extension(province.liaison, task, deadline=days(40), reason="floods")
        services.decide_extension(province.supervisor, asked, approve=True)
        assert fresh(task).light != Task.Light.RED


def test_a_shorter_grant_is_recorded_as_shortened(province: Province) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=days(90), reason="x")
    decided = services.decide_extension(province.supervisor, asked, approve=True, deadline=days(45))
    assert decided.state == State.SHORTENED and fresh(task).deadline == days(45)


@pytest.mark.parametrize("granted", [100, 30, 20])
def test_a_grant_outside_the_asked_range_is_refused(province: Province, granted: int) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=days(90), reason="x")
    with pytest.raises(InvalidInput):
        services.decide_extension(province.supervisor, asked, approve=True, deadline=days(granted))
    assert TaskRequest.objects.get(pk=asked.pk).state == State.PENDING
    assert fresh(task).deadline == days(30)


def test_refusing_needs_a_reason_and_keeps_the_deadline(province: Province) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    with pytest.raises(InvalidInput):
        services.decide_extension(province.supervisor, asked, approve=False, note="  ")
    refused = services.decide_extension(province.supervisor, asked, approve=False, note="the winter will not wait")
    assert refused.state == State.REFUSED and fresh(task).deadline == days(30)
    assert "refuse_extension" in verbs(task)


def test_a_decision_is_taken_once(province: Province) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    services.decide_extension(province.supervisor, asked, approve=True)
    with pytest.raises(ConflictError):
        services.decide_extension(province.supervisor, asked, approve=False, note="changed my mind")
    assert fresh(task).deadline == days(60)


def test_one_request_waits_at_a_time(province: Province) -> None:
    task = province.signed()
    services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    with pytest.raises(ConflictError):
        services.request_extension(province.liaison, task, deadline=days(70), reason="y")
    with pytest.raises(ConflictError):
        services.request_return(province.liaison, task, reason="not ours")
    assert TaskRequest.objects.filter(task=task).count() == 1


def test_withdrawn_request_lets_the_unit_ask_again(province: Province) -> None:
    task = province.signed()
    asked = services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    with pytest.raises(Forbidden):
        services.withdraw(province.other_liaison, asked)
    services.withdraw(province.liaison, asked)
    assert services.request_extension(province.liaison, task, deadline=days(50), reason="y").pending


def test_only_the_lead_unit_asks_and_only_the_office_decides(province: Province) -> None:
    task = province.signed()
    for outsider in (province.other_liaison, province.leader, province.supervisor, province.secretary):
        with pytest.raises(Forbidden):
            services.request_extension(outsider, task, deadline=days(60), reason="x")
    asked = services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    for outsider in (province.liaison, province.leader, province.other_liaison):
        with pytest.raises(Forbidden):
            services.decide_extension(outsider, asked, approve=True)


@pytest.mark.parametrize("state", [Status.DRAFT, Status.COMPLETION_REQUESTED, Status.COMPLETED,
                                   Status.SUSPENDED, Status.CANCELLED])
def test_no_request_outside_the_units_hands(province: Province, state: str) -> None:
    task = getattr(province, {Status.DRAFT: "draft", Status.COMPLETION_REQUESTED: "completion_requested",
                              Status.COMPLETED: "completed", Status.SUSPENDED: "suspended",
                              Status.CANCELLED: "cancelled"}[state])()
    assert not services.may_ask(province.liaison, task, TaskRequest.Kind.EXTENSION)
    with pytest.raises((TransitionError, Forbidden)):
        services.request_extension(province.liaison, task, deadline=days(60), reason="x")
    with pytest.raises((TransitionError, Forbidden)):
        services.request_return(province.liaison, task, reason="x")


def test_too_late_to_ask_after_the_grace_days(province: Province, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LUOSHI_EXTENSION_GRACE_DAYS = 3
    task = province.signed(deadline_days=5)
    with lib.clock_at(lib.now() + dt.timedelta(days=8)):
        assert services.may_ask(province.liaison, task, TaskRequest.Kind.EXTENSION)
    with lib.clock_at(lib.now() + dt.timedelta(days=9)):
        assert not services.may_ask(province.liaison, task, TaskRequest.Kind.EXTENSION)
        with translation.override("en"), pytest.raises(InvalidInput, match="could be asked until"):
            services.request_extension(province.liaison, task, deadline=days(60), reason="x")


def test_asking_for_an_earlier_date_is_refused(province: Province) -> None:
    task = province.signed()
    with pytest.raises(InvalidInput):
        services.request_extension(province.liaison, task, deadline=days(30), reason="x")
    with pytest.raises(InvalidInput):
        services.request_extension(province.liaison, task, deadline=days(60), reason="   ")
    assert not TaskRequest.objects.exists()


def test_hand_back_reassigns_and_the_new_unit_signs_again(province: Province) -> None:
    task = province.in_progress()
    asked = services.request_return(province.liaison, task, reason="this is health work",
                                    suggested_unit=province.health)
    assert asked.suggested_unit == province.health
    services.decide_return(province.supervisor, asked, accept=True, lead_unit=province.health)
    task = fresh(task)
    assert task.lead_unit == province.health and task.status == Status.ASSIGNED and task.signed_at is None
    assert {"request_return", "reassign_task", "accept_return"} <= set(verbs(task))
    # the new unit's liaison now signs for it; the old one no longer can
    from luoshi.tasks import services as task_services
    with pytest.raises(Forbidden):
        task_services.sign_task(province.liaison, task)
    assert task_services.sign_task(province.other_liaison, task).status == Status.SIGNED


def test_hand_back_refused_keeps_the_unit(province: Province) -> None:
    task = province.signed()
    asked = services.request_return(province.liaison, task, reason="not ours")
    with pytest.raises(InvalidInput):  # accepting needs the new unit
        services.decide_return(province.supervisor, asked, accept=True)
    with pytest.raises(InvalidInput):  # the unit that handed it back cannot be the new one
        services.decide_return(province.supervisor, asked, accept=True, lead_unit=province.emergency)
    services.decide_return(province.supervisor, asked, accept=False, note="it is yours by the 三定 rules")
    task = fresh(task)
    assert task.lead_unit == province.emergency and task.status == Status.SIGNED


def test_the_office_reassigns_directly(province: Province) -> None:
    from luoshi.tasks import services as task_services
    task = province.signed()
    with pytest.raises(Forbidden):
        task_services.reassign_task(province.liaison, task, lead_unit=province.health, reason="x")
    with pytest.raises(InvalidInput):
        task_services.reassign_task(province.supervisor, task, lead_unit=province.emergency, reason="x")
    task = task_services.reassign_task(province.supervisor, task, lead_unit=province.health,
                                       cooperating_units=[province.emergency], reason="three-fixes rules")
    assert task.status == Status.ASSIGNED and list(task.cooperating_units.all()) == [province.emergency]


def test_the_lead_asks_a_cooperating_unit_and_its_report_answers(province: Province) -> None:
    from luoshi.tasks import services as task_services

    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    with pytest.raises(Forbidden):
        services.ask_for_input(province.other_liaison, task, unit=province.health, due=days(5), text="x")
    with pytest.raises(InvalidInput):  # not a cooperating unit of this task
        services.ask_for_input(province.liaison, task, unit=province.city, due=days(5), text="x")
    with pytest.raises(InvalidInput):  # after the deadline
        services.ask_for_input(province.liaison, task, unit=province.health, due=days(40), text="x")
    with pytest.raises(InvalidInput):  # nothing asked
        services.ask_for_input(province.liaison, task, unit=province.health, due=days(5), text=" ")
    services.ask_for_input(province.liaison, task, unit=province.health, due=days(5), text="the hospitals' figures")
    assert Notification.objects.filter(recipient=province.other_liaison, kind="request", task=task).exists()
    [state] = services.input_requests(task)
    assert state.answer is None and not state.late
    with lib.clock_at(lib.now() + dt.timedelta(days=6)):
        assert services.input_requests(task)[0].late
        share = task_services.report_progress(province.other_liaison, task, text="12 hospitals checked", progress=0)
        [state] = services.input_requests(task)
        assert state.answer == share and not state.late
        # the lead's next report starts from the cooperating unit's share
        assert task_services.contributions_since_lead_report(task) == [share]
        task_services.report_progress(province.liaison, task, text="all sites checked", progress=50)
        assert task_services.contributions_since_lead_report(task) == []
