"""The public portal: read-only pages of the tasks marked public, without login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.tasks import services as tasks

SECRET = "Zhang Wei, deputy director"


@pytest.fixture
def portal_on(settings):  # type: ignore[no-untyped-def]
    settings.LUOSHI_PUBLIC_PORTAL = True


def public_task(province, **kwargs):  # type: ignore[no-untyped-def]
    task = province.in_progress(public=True, person_responsible=SECRET,
                                cooperating_units=[province.health], **kwargs)
    report = tasks.report_progress(province.liaison, task, text="Internal report text", progress=35)
    tasks.review_report(province.supervisor, report, accept=True)  # the portal shows accepted progress only
    return task


def test_it_is_off_unless_the_deployment_switches_it_on(province, settings):
    """With LUOSHI_PUBLIC_PORTAL off, every portal URL is 404."""
    settings.LUOSHI_PUBLIC_PORTAL = False
    task = public_task(province)
    assert Client().get(reverse("portal")).status_code == 404
    assert Client().get(reverse("portal_task", args=[task.pk])).status_code == 404


def test_it_lists_public_tasks_to_anonymous_visitors(province, portal_on):
    """No login: the list shows each public task's title, unit, deadline, light, progress and directive."""
    task = public_task(province, title="Repair the flood barriers")
    province.in_progress(title="An internal task")
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal")).content.decode()
    assert "Repair the flood barriers" in body and "An internal task" not in body
    assert "Emergency Management" in body and task.deadline.isoformat() in body and "35%" in body
    assert province.directive.text in body
    assert reverse("portal_task", args=[task.pk]) in body


def test_it_shows_a_public_task_without_internal_fields(province, portal_on):
    """The detail page has the public facts and none of the internal ones."""
    task = public_task(province)
    tasks.urge_task(province.supervisor, task, text="Urgent internal note")
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal_task", args=[task.pk])).content.decode()
    assert task.title in body and province.directive.text in body and "35%" in body
    for internal in (SECRET, "Internal report text", "Urgent internal note", "Health Commission",
                     province.liaison.username, "liaison", "href=\"/tasks/", "evidence", "audit"):
        assert internal not in body, internal


@pytest.mark.parametrize("state", ["draft", "assigned", "cancelled"])
def test_it_hides_tasks_that_are_not_public(province, portal_on, state):
    """A task not marked public, or a public draft or cancelled task, is 404 by id."""
    hidden = getattr(province, state)()
    assert Client().get(reverse("portal_task", args=[hidden.pk])).status_code == 404
    if state != "assigned":
        draft_or_cancelled = getattr(province, state)(public=True)
        assert Client().get(reverse("portal_task", args=[draft_or_cancelled.pk])).status_code == 404
    assert Client().get(reverse("portal_task", args=[99999])).status_code == 404


def test_it_is_read_only(province, portal_on):
    """POST is not allowed on any portal page."""
    task = public_task(province)
    assert Client().post(reverse("portal")).status_code == 405
    assert Client().post(reverse("portal_task", args=[task.pk])).status_code == 405


def test_it_filters_by_light_and_counts(province, portal_on):
    """The light filter narrows the list; an unknown light shows everything."""
    public_task(province, title="Green one")
    completed = province.completed(public=True, title="Done one")
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal") + "?light=red").content.decode()
    assert "Green one" not in body and "No public tasks to show." in body
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal") + "?light=nonsense").content.decode()
    assert "Green one" in body and completed.title in body


def test_it_paginates_in_bounded_queries(province, portal_on, django_assert_max_num_queries):
    """The list runs the same number of queries for 1 public task and for 50, 25 to a page."""
    public_task(province)
    client = Client()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("portal")).status_code == 200
    for _ in range(49):
        province.assigned(public=True)
    with django_assert_max_num_queries(4):
        body = client.get(reverse("portal")).content.decode()
    assert body.count('class="card public-task"') == 25
    second = client.get(reverse("portal") + "?page=2").content.decode()
    assert second.count('class="card public-task"') == 25 and 'start="26"' in second
    assert client.get(reverse("portal") + "?page=99").status_code == 200


def test_it_speaks_both_languages(province, portal_on):
    """The portal reads in English and in Chinese, unit names included."""
    task = public_task(province)
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("portal_task", args=[task.pk])).content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("portal_task", args=[task.pk])).content.decode()
    assert "Emergency Management" in english and "Lead unit" in english
    assert "省应急管理厅" in chinese and 'lang="zh-hans"' in chinese


def test_it_shows_the_detail_in_bounded_queries(province, portal_on, django_assert_max_num_queries):
    """A detail page is one query."""
    task = public_task(province)
    with django_assert_max_num_queries(2):
        assert Client().get(reverse("portal_task", args=[task.pk])).status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_it_shows_a_graded_closure_as_closed_without_its_grade(province, portal_on, lang):
    """A task closed with the grade fail and a comment reads only as completed, in both languages."""
    task = province.completion_requested(public=True, title="Graded one")
    tasks.approve_completion(province.supervisor, task, grade="fail", note="Figures were padded")
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    for url in (reverse("portal"), reverse("portal_task", args=[task.pk])):
        body = client.get(url).content.decode()
        assert "Graded one" in body
        assert ("completed" if lang == "en" else "已办结") in body
        for internal in ("Figures were padded", "fail", "不合格", "grade", "评价"):
            assert internal not in body, (url, internal)
