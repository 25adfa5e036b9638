"""The review queue marks reports that miss the point; the office may dismiss a mark."""

import pytest
from django.test import Client
from django.urls import reverse

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.checks import services
from luoshi.checks.marks import marks_for
from luoshi.checks.models import DismissedMark
from luoshi.lib import Forbidden, InvalidInput
from luoshi.tasks import services as task_services
from luoshi.testing.fixtures import PASSWORD

COPY = ("本月已开展安全生产大检查，组织专家对全省危化品企业、矿山、燃气管网逐一排查，"
        "排查整改隐患1,200余项，约谈企业负责人36人。")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def copied(province):  # type: ignore[no-untyped-def]
    """EMERG's task with a first report and a copy of it a month later."""
    task = province.signed()
    first = task_services.report_progress(province.liaison, task, text=COPY, progress=30)
    task_services.review_report(province.supervisor, first, accept=True, note="")
    second = task_services.report_progress(province.liaison, task, text=COPY, progress=30)
    return task, first, second


def test_a_copy_pasted_report_is_marked_in_the_review_queue(province, copied):  # type: ignore[no-untyped-def]
    task, first, second = copied
    # A copy repeats the figure too, with nothing attached: no evidence of progress either.
    assert [m.code for m in marks_for([second])[second.pk]] == ["repeated", "no_evidence"]
    assert marks_for([first])[first.pk] == []
    home = client_for(province.supervisor).get(reverse("home")).content.decode()
    assert 'data-mark="repeated"' in home
    assert "Repeats the unit&#x27;s previous report on this task (100% the same)." in home
    page = client_for(province.supervisor).get(reverse("task_detail", args=[task.pk])).content.decode()
    assert f'id="report-{second.pk}"' in page and 'data-mark="repeated"' in page
    assert reverse("dismiss_report_mark", args=[task.pk, second.pk, "repeated"]) in page


def test_marked_reports_come_first(province, copied):  # type: ignore[no-untyped-def]
    """A clean report submitted earlier waits below the marked one."""
    task, _first, second = copied
    other = province.signed(lead=province.health)
    clean = task_services.report_progress(province.other_liaison, other, text="安全生产隐患整改验收合格。", progress=50)
    clean.submitted_at = second.submitted_at.replace(year=second.submitted_at.year - 1)
    clean.save(update_fields=["submitted_at"])
    from luoshi.web.dashboards import supervisor_dashboard

    board = supervisor_dashboard(province.supervisor)
    assert [r.pk for r in board.pending_reports][:2] == [second.pk, clean.pk]


def test_it_marks_an_off_topic_report_and_a_claim_without_evidence(province):  # type: ignore[no-untyped-def]
    task = province.signed()
    report = task_services.report_progress(province.liaison, task, text="各项工作稳步推进，取得积极成效。", progress=0)
    assert [m.code for m in marks_for([report])[report.pk]] == ["off_topic", "no_evidence"]


def test_the_office_dismisses_a_mark(province, copied):  # type: ignore[no-untyped-def]
    task, _first, second = copied
    url = reverse("dismiss_report_mark", args=[task.pk, second.pk, "repeated"])
    response = client_for(province.supervisor).post(url, {"note": "the work really did not move"})
    assert response.status_code == 302
    dismissed = DismissedMark.objects.get(report=second)
    assert (dismissed.code, dismissed.note, dismissed.dismissed_by) == ("repeated", "the work really did not move",
                                                                        province.supervisor)
    event = AuditEvent.objects.get(verb="dismiss_report_mark")
    assert event.after == {"mark": "repeated", "note": "the work really did not move"}
    assert [(m.code, m.dismissed) for m in marks_for([second])[second.pk]] == [("repeated", True),
                                                                               ("no_evidence", False)]
    home = client_for(province.supervisor).get(reverse("home")).content.decode()
    assert 'data-mark="repeated"' not in home
    # Nothing was rejected: the report still waits for the office's review.
    second.refresh_from_db()
    assert second.outcome == "pending"


def test_dismissing_twice_or_a_mark_the_report_lacks_changes_nothing(province, copied):  # type: ignore[no-untyped-def]
    task, _first, second = copied
    client = client_for(province.supervisor)
    client.post(reverse("dismiss_report_mark", args=[task.pk, second.pk, "repeated"]))
    again = client.post(reverse("dismiss_report_mark", args=[task.pk, second.pk, "repeated"]), follow=True)
    assert "This report has no such mark to dismiss." in again.content.decode()
    other = client.post(reverse("dismiss_report_mark", args=[task.pk, second.pk, "off_topic"]), follow=True)
    assert "This report has no such mark to dismiss." in other.content.decode()
    assert DismissedMark.objects.count() == 1 and AuditEvent.objects.filter(verb="dismiss_report_mark").count() == 1


@pytest.mark.parametrize("persona", ["liaison", "leader", "other_liaison", "secretary"])
def test_only_the_office_dismisses(province, copied, persona):  # type: ignore[no-untyped-def]
    task, _first, second = copied
    url = reverse("dismiss_report_mark", args=[task.pk, second.pk, "repeated"])
    assert client_for(getattr(province, persona)).post(url).status_code == 404
    assert client_for(province.supervisor).get(url).status_code == 405
    assert not DismissedMark.objects.exists()


def test_the_service_refuses_unknown_marks_outsiders_and_repeats(province, copied):  # type: ignore[no-untyped-def]
    _task, _first, second = copied
    with pytest.raises(InvalidInput):
        services.dismiss_mark(province.supervisor, second, "nonsense")
    with pytest.raises(Forbidden):
        services.dismiss_mark(province.liaison, second, "repeated")
    services.dismiss_mark(province.supervisor, second, "repeated")
    with pytest.raises(InvalidInput):
        services.dismiss_mark(province.supervisor, second, "repeated")


def test_the_repeat_setting_decides(province, copied, settings):  # type: ignore[no-untyped-def]
    _task, _first, second = copied
    settings.LUOSHI_REPORT_REPEAT_PERCENT = 101
    assert "repeated" not in [m.code for m in marks_for([second])[second.pk]]


def test_the_marks_cost_a_fixed_number_of_queries(province, copied, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    _task, first, second = copied
    reports = [first, second]
    with django_assert_max_num_queries(4):
        marks_for(reports)


# --- attaching a directive ---------------------------------------------------------------------------


def test_attaching_raises_the_task_s_repeat_count_and_is_audited(province):  # type: ignore[no-untyped-def]
    from luoshi.meetings.services import DirectiveInput, record_meeting

    task = province.assigned()
    later = record_meeting(province.secretary, kind="executive", title="第2次常务会议", date=lib.today(),
                           directives=[DirectiveInput(text="要抓好安全生产，坚决防范重特大事故。")])
    directive = later.directives.get()
    mention = services.attach_directive(province.supervisor, directive, task, similarity=0.9)
    task.refresh_from_db()
    assert (mention.task, task.repeat_count) == (task, 1)
    assert AuditEvent.objects.filter(verb="attach_directive", object_id=str(task.pk)).exists()
    with pytest.raises(InvalidInput):  # once only
        services.attach_directive(province.supervisor, directive, task)
    with pytest.raises(Forbidden):
        services.attach_directive(province.liaison, later.directives.get(), task)
    cancelled = province.cancelled()
    other = record_meeting(province.secretary, kind="executive", title="第3次常务会议", date=lib.today(),
                           directives=[DirectiveInput(text="要抓好安全生产。")]).directives.get()
    with pytest.raises(InvalidInput):
        services.attach_directive(province.supervisor, other, cancelled)
    with pytest.raises(InvalidInput):  # the directive of the task itself
        services.attach_directive(province.supervisor, province.directive, task)
