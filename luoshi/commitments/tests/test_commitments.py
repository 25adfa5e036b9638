"""Commitments under an agreement or plan: recorded, moved signed → started → delivered, audited,
counted in a funnel on the meeting page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.commitments import services
from luoshi.commitments.models import Commitment
from luoshi.lib import ConflictError, Forbidden, InvalidInput, NotFound, TransitionError
from luoshi.meetings.services import AgendaItemInput, record_meeting

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2022, 10, 7)


@pytest.fixture
def meeting(province):  # type: ignore[no-untyped-def]
    return record_meeting(province.secretary, kind="executive", title="省政府第2次常务会议", date=SIGNED,
                          agenda_items=[AgendaItemInput(kind="agreement", title="中国铁建战略合作框架协议"),
                                        AgendaItemInput(kind="study", title="学习讲话精神")])


@pytest.fixture
def agreement(meeting):  # type: ignore[no-untyped-def]
    return meeting.agenda_items.get(kind="agreement")


def add(province, item, **kwargs):  # type: ignore[no-untyped-def]
    values = {"title": "共建沈阳产业园", "province_unit": province.city, "counterparty": "中国铁建股份有限公司",
              "signed_on": SIGNED, "milestones": [("完成选址", dt.date(2022, 12, 31))]} | kwargs
    return services.add_commitment(province.supervisor, item, **values)


def test_it_records_a_commitment_with_its_milestones_and_audits_it(province, agreement):
    commitment = add(province, agreement)
    assert commitment.stage == "signed" and commitment.milestones.get().title == "完成选址"
    event = AuditEvent.objects.get(verb="add_commitment")
    assert event.after["counterparty"] == "中国铁建股份有限公司" and event.after["province_unit"] == "SY"


def test_it_moves_one_stage_at_a_time_to_delivered(province, agreement):
    commitment = add(province, agreement)
    started = services.advance_commitment(province.supervisor, commitment, expected_stage="signed",
                                          on=dt.date(2023, 3, 1))
    assert (started.stage, started.started_on) == ("started", dt.date(2023, 3, 1))
    delivered = services.advance_commitment(province.supervisor, commitment, expected_stage="started",
                                            on=dt.date(2024, 6, 1))
    assert delivered.stage == "delivered"
    with pytest.raises(TransitionError):
        services.advance_commitment(province.supervisor, commitment, expected_stage="delivered", on=lib.today())
    assert AuditEvent.objects.filter(verb="advance_commitment").count() == 2


def test_a_stale_advance_is_a_conflict(province, agreement):
    """Two people press "started" on the same page: the second changes nothing."""
    commitment = add(province, agreement)
    services.advance_commitment(province.supervisor, commitment, expected_stage="signed", on=lib.today())
    with pytest.raises(ConflictError):
        services.advance_commitment(province.supervisor, commitment, expected_stage="signed", on=lib.today())
    assert Commitment.objects.get().stage == "started"


@pytest.mark.parametrize(("change", "message"), [
    ({"title": " "}, "commitment is required"),
    ({"counterparty": ""}, "counterparty side is required"),
    ({"signed_on": dt.date(2999, 1, 1)}, "in the future"),
    ({"milestones": [("", dt.date(2023, 1, 1))]}, "milestone is required"),
    ({"milestones": [("开工", None)]}, "needs a due date"),
])
def test_bad_input_is_refused(province, agreement, change, message):
    with translation.override("en"), pytest.raises(InvalidInput, match=message):
        add(province, agreement, **change)
    assert not Commitment.objects.exists()


def test_dates_before_the_previous_stage_or_in_the_future_are_refused(province, agreement):
    commitment = add(province, agreement)
    with translation.override("en"), pytest.raises(InvalidInput, match="before"):
        services.advance_commitment(province.supervisor, commitment, expected_stage="signed",
                                    on=SIGNED - dt.timedelta(days=1))
    with translation.override("en"), pytest.raises(InvalidInput, match="future"):
        services.advance_commitment(province.supervisor, commitment, expected_stage="signed",
                                    on=lib.today() + dt.timedelta(days=1))


def test_only_agreements_and_plans_hold_commitments(province, meeting):
    study = meeting.agenda_items.get(kind="study")
    with translation.override("en"), pytest.raises(InvalidInput, match="agreement or a plan"):
        add(province, study)
    with pytest.raises(NotFound):
        services.get_item_for_user(province.supervisor, study.pk)


def test_only_the_office_records_and_moves(province, agreement):
    commitment = add(province, agreement)
    for user in (province.liaison, province.leader, province.secretary):
        with pytest.raises(Forbidden):
            services.add_commitment(user, agreement, title="x", province_unit=province.city, counterparty="y", signed_on=SIGNED)
        with pytest.raises(Forbidden):
            services.advance_commitment(user, commitment, expected_stage="signed", on=lib.today())
    assert Commitment.objects.count() == 1


def test_milestones_are_added_and_done_once(province, agreement):
    commitment = add(province, agreement, milestones=[])
    milestone = services.add_commitment_milestone(province.supervisor, commitment, title="开工", due=SIGNED)
    services.complete_commitment_milestone(province.supervisor, milestone, on=lib.today())
    with pytest.raises(TransitionError):
        services.complete_commitment_milestone(province.supervisor, milestone, on=lib.today())
    assert AuditEvent.objects.filter(verb__in=["add_commitment_milestone", "complete_commitment_milestone"]).count() == 2


def test_the_funnel_counts_cumulatively(province, agreement, meeting):
    first, second, _third = (add(province, agreement, title=f"项目{n}") for n in range(3))
    services.advance_commitment(province.supervisor, first, expected_stage="signed", on=lib.today())
    services.advance_commitment(province.supervisor, first, expected_stage="started", on=lib.today())
    services.advance_commitment(province.supervisor, second, expected_stage="signed", on=lib.today())
    funnels = services.funnels(meeting.agenda_items.all())
    assert funnels == {agreement.pk: services.Funnel(signed=3, started=2, delivered=1)}


# --- views ----------------------------------------------------------------------------------------


def client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_the_office_adds_and_advances_on_the_page_and_the_meeting_shows_the_funnel(province, agreement, meeting):
    url = reverse("commitments", args=[agreement.pk])
    response = client(province.supervisor).post(url, {
        "title": "Industrial park", "province_unit": province.city.pk, "counterparty": "China Railway",
        "signed_on": "2022-10-07", "milestones": "2023-03-01 groundbreaking\n2024-06-30 handover"})
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.milestones.count() == 2
    client(province.supervisor).post(reverse("commitment_advance", args=[commitment.pk]),
                                      {"stage": "signed", "on": lib.today().isoformat()})
    assert Commitment.objects.get().stage == "started"
    page = client(province.liaison).get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "1 signed · 1 started · 0 delivered" in page and url in page
    ledger = client(province.liaison).get(url).content.decode()
    assert "Industrial park" in ledger and "groundbreaking" in ledger and "Mark started" not in ledger


def test_a_malformed_milestone_line_keeps_the_form(province, agreement):
    response = client(province.supervisor).post(reverse("commitments", args=[agreement.pk]), {
        "title": "Industrial park", "province_unit": province.city.pk, "counterparty": "China Railway",
        "signed_on": "2022-10-07", "milestones": "next spring groundbreaking"})
    assert response.status_code == 400
    assert "Line 1: begin with the date" in response.content.decode()
    assert "Industrial park" in response.content.decode() and not Commitment.objects.exists()


def test_others_cannot_write_and_other_kinds_have_no_page(province, agreement, meeting):
    url = reverse("commitments", args=[agreement.pk])
    assert client(province.liaison).post(url, {"title": "x"}).status_code == 404
    assert client(province.sysadmin).get(url).status_code == 404
    study = meeting.agenda_items.get(kind="study")
    assert client(province.supervisor).get(reverse("commitments", args=[study.pk])).status_code == 404
    commitment = add(province, agreement)
    assert client(province.leader).post(reverse("commitment_advance", args=[commitment.pk]),
                                        {"stage": "signed", "on": "2023-01-01"}).status_code == 404
    assert Commitment.objects.get().stage == "signed"


def test_the_write_urls_take_only_post_and_the_view_audits(province, agreement):
    commitment = add(province, agreement, milestones=[])
    office = client(province.supervisor)
    for name in ("commitment_advance", "commitment_milestone_add"):
        assert office.get(reverse(name, args=[commitment.pk])).status_code == 405
    office.post(reverse("commitment_milestone_add", args=[commitment.pk]), {"title": "Groundbreaking",
                                                                             "due": "2023-03-01"})
    milestone = commitment.milestones.get()
    assert office.get(reverse("commitment_milestone_done", args=[milestone.pk])).status_code == 405
    office.post(reverse("commitment_milestone_done", args=[milestone.pk]), {"on": lib.today().isoformat()})
    assert commitment.milestones.get().done_on == lib.today()
    event = AuditEvent.objects.filter(verb="complete_commitment_milestone").get()
    assert event.actor == province.supervisor and event.after["title"] == "Groundbreaking"


def test_a_bad_advance_date_keeps_the_stage_and_says_why(province, agreement):
    commitment = add(province, agreement)
    response = client(province.supervisor).post(reverse("commitment_advance", args=[commitment.pk]),
                                                {"stage": "signed", "on": "2999-01-01"}, follow=True)
    assert "The date is in the future." in response.content.decode()
    assert Commitment.objects.get().stage == "signed"
