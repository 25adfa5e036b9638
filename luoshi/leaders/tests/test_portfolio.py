"""Leaders in charge (分管领导): the mapping with its dates, and where level-3 escalations,
extensions beyond the office's limit and the leader's home go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.audit.models import AuditEvent
from luoshi.leaders import portfolio, services
from luoshi.leaders.models import LeaderInCharge
from luoshi.leaders.tests.helpers import days
from luoshi.lib import ConflictError, Forbidden, InvalidInput
from luoshi.notifications.models import Notification
from luoshi.taskrequests import services as requests
from luoshi.taskrequests.models import TaskRequest
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD, Province


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def second_leader(province: Province) -> User:
    return create_user(None, username="leader2", password=PASSWORD, role="leader", check_password=False)


def test_it_maps_an_area_to_a_leader_with_dates_and_audits(province: Province, second_leader: User) -> None:
    row = services.put_in_charge(province.supervisor, leader=second_leader, area=province.area,
                                 valid_from=days(-10), valid_to=days(10))
    assert AuditEvent.objects.filter(verb="put_leader_in_charge", object_id=str(row.pk)).exists()
    assert portfolio.leaders_in_charge([province.area.pk], []) == [second_leader]
    assert portfolio.leaders_in_charge([province.area.pk], [], days(11)) == []  # the portfolio ended
    assert portfolio.leaders_in_charge([province.area.pk], [], days(-11)) == []  # not yet begun


def test_a_unit_brings_the_units_below_it(province: Province, second_leader: User) -> None:
    services.put_in_charge(province.supervisor, leader=second_leader, unit=province.city, valid_from=days(0))
    assert portfolio.leaders_in_charge([], [province.county]) == [second_leader]
    assert portfolio.leaders_in_charge([], [province.other_city]) == []
    assert portfolio.leaders_for([], [province.other_city]) == [province.leader, second_leader]  # everyone


def test_ending_a_portfolio_hands_it_over(province: Province, second_leader: User) -> None:
    row = services.put_in_charge(province.supervisor, leader=province.leader, area=province.area, valid_from=days(-30))
    services.end_charge(province.supervisor, row, valid_to=days(-1))
    services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, valid_from=days(0))
    assert portfolio.leaders_in_charge([province.area.pk], []) == [second_leader]
    assert portfolio.leaders_in_charge([province.area.pk], [], days(-5)) == [province.leader]
    assert AuditEvent.objects.filter(verb="end_leader_in_charge", object_id=str(row.pk)).exists()


def test_bad_mappings_are_refused(province: Province, second_leader: User) -> None:
    with pytest.raises(Forbidden):
        services.put_in_charge(province.leader, leader=second_leader, area=province.area, valid_from=days(0))
    with pytest.raises(InvalidInput, match="not a leader"):
        services.put_in_charge(province.supervisor, leader=province.liaison, area=province.area, valid_from=days(0))
    with pytest.raises(InvalidInput, match="either"):
        services.put_in_charge(province.supervisor, leader=second_leader, valid_from=days(0))
    with pytest.raises(InvalidInput, match="either"):
        services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, unit=province.city,
                               valid_from=days(0))
    with pytest.raises(InvalidInput, match="ends before"):
        services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, valid_from=days(0),
                               valid_to=days(-1))
    services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, valid_from=days(0))
    with pytest.raises(ConflictError, match="already in charge"):
        services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, valid_from=days(5))
    assert LeaderInCharge.objects.count() == 1


def _escalate(province: Province) -> Task:
    task = province.signed()
    task_services.escalate_task(province.supervisor, task, level=3, reason="seriously late")
    return task


def test_level_3_escalation_goes_to_the_leader_in_charge(province: Province, second_leader: User) -> None:
    services.put_in_charge(province.supervisor, leader=second_leader, area=province.area, valid_from=days(0))
    task = _escalate(province)
    assert list(Notification.objects.filter(kind="escalation", task=task)
                .values_list("recipient__username", flat=True)) == ["leader2"]


def test_level_3_escalation_goes_to_every_leader_when_none_is_in_charge(province: Province,
                                                                          second_leader: User) -> None:
    task = _escalate(province)
    assert set(Notification.objects.filter(kind="escalation", task=task)
               .values_list("recipient__username", flat=True)) == {"leader", "leader2"}


def test_a_long_extension_is_decided_by_the_leader_in_charge(province: Province, second_leader: User,
                                                             settings: object) -> None:
    services.put_in_charge(province.supervisor, leader=second_leader, unit=province.emergency, valid_from=days(0))
    task = province.signed()  # due in 30 days; the limit is 60 days more
    asked = requests.request_extension(province.liaison, task, deadline=days(91), reason="the site is flooded")
    assert asked.for_leader
    assert list(Notification.objects.filter(kind="request", task=task)
                .values_list("recipient__username", flat=True)) == ["leader2"]
    assert list(requests.waiting_for(second_leader)) == [asked]
    assert list(requests.waiting_for(province.leader)) == []
    assert asked not in requests.waiting_for(province.supervisor)
    with pytest.raises(InvalidInput, match="leader in charge"):
        requests.decide_extension(province.supervisor, asked, approve=True)
    with pytest.raises(Forbidden):
        requests.decide_extension(province.leader, asked, approve=True)  # not in charge of EMERG
    decided = requests.decide_extension(second_leader, asked, approve=True, deadline=days(80))
    assert decided.state == TaskRequest.State.SHORTENED and decided.decided_by == second_leader
    assert Task.objects.get(pk=task.pk).deadline == days(80)


def test_a_short_extension_stays_with_the_office(province: Province, second_leader: User) -> None:
    services.put_in_charge(province.supervisor, leader=second_leader, unit=province.emergency, valid_from=days(0))
    task = province.signed()
    asked = requests.request_extension(province.liaison, task, deadline=days(90), reason="rain")
    assert not asked.for_leader  # 60 days more: the office's
    with pytest.raises(Forbidden):
        requests.decide_extension(second_leader, asked, approve=True)
    assert requests.decide_extension(province.supervisor, asked, approve=True).state == TaskRequest.State.APPROVED


def test_the_threshold_is_a_setting(province: Province, settings: object) -> None:
    settings.LUOSHI_EXTENSION_LEADER_DAYS = 5  # type: ignore[attr-defined]  # pytest-django's settings fixture
    task = province.signed()
    asked = requests.request_extension(province.liaison, task, deadline=days(36), reason="rain")
    assert asked.for_leader  # nobody in charge: every leader may decide
    assert requests.may_decide(province.leader, asked)


def test_a_leaders_portfolio_selects_their_tasks(province: Province, second_leader: User) -> None:
    in_area = province.signed()  # the fixture's directive is in the SAFETY area
    services.put_in_charge(province.supervisor, leader=second_leader, unit=province.health, valid_from=days(0))
    health = province.signed(lead=province.health)
    mine = portfolio.portfolio_tasks(second_leader, Task.objects.all())
    assert set(mine.values_list("pk", flat=True)) == {health.pk}
    assert not portfolio.portfolio_tasks(province.leader, Task.objects.all()).exists()  # no portfolio
    services.put_in_charge(province.supervisor, leader=province.leader, area=province.area, valid_from=days(0))
    assert in_area.pk in set(portfolio.portfolio_tasks(province.leader, Task.objects.all()).values_list("pk", flat=True))
