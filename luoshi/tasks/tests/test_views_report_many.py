"""Report once (GET/POST /tasks/reports/): one form for every task the liaison's unit may
report on, pre-filled from the unit's last report, a preview with the changes, and one
submission for the changed rows, all or nothing."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.audit.models import AuditEvent
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport, Task

URL = "/tasks/reports/"


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def row(task: Task, text: str, progress: int | str, last: ProgressReport | None = None) -> dict[str, Any]:
    if last is None:
        last = ProgressReport.objects.filter(task=task, asks_completion=False).order_by("-submitted_at", "-id").first()
    p = f"t{task.pk}"
    return {f"{p}-text": text, f"{p}-progress": progress, f"{p}-version": task.version,
            f"{p}-last": last.pk if last else ""}


def form_of(*rows: tuple[Task, dict[str, Any]], **extra: str) -> dict[str, Any]:
    data: dict[str, Any] = {"task": [str(task.pk) for task, _ in rows], **extra}
    for _task, fields in rows:
        data.update(fields)
    return data


def reports(task: Task) -> int:
    return ProgressReport.objects.filter(task=task).count()


def test_it_lists_the_units_working_tasks_prefilled_from_the_last_report(province):
    """Signed and in-progress tasks are listed, with the unit's last report in the text box;
    assigned and completion-requested tasks are not."""
    working = province.in_progress(progress=30)
    signed = province.signed()
    assigned = province.assigned()
    asked = province.completion_requested()
    html = client_for(province.liaison).get(URL).content.decode()
    assert f'id="task-{working.pk}"' in html and f'id="task-{signed.pk}"' in html
    assert f'id="task-{assigned.pk}"' not in html and f'id="task-{asked.pk}"' not in html
    block = html.split(f'id="task-{working.pk}"')[1].split("</section>")[0]
    assert "work under way</textarea>" in block and 'value="30"' in block


def test_a_cooperating_unit_reports_on_the_task_it_cooperates_on(province):
    """HEALTH cooperates on EMERG's task: its liaison's form lists it, starting from HEALTH's own report."""
    task = province.signed(cooperating_units=[province.health])
    html = client_for(province.other_liaison).get(URL).content.decode()
    assert f'id="task-{task.pk}"' in html
    response = client_for(province.other_liaison).post(URL, form_of((task, row(task, "our share is done", 0)), submit="1"))
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert report.unit == province.health and report.text == "our share is done"


def test_it_submits_two_tasks_at_once(province):
    """Two changed rows become two reports with their audit rows; an unchanged third row files nothing."""
    first, second, third = province.in_progress(progress=10), province.signed(), province.in_progress(progress=40)
    audited = AuditEvent.objects.filter(verb="submit_report").count()
    data = form_of((first, row(first, "work under way\nroads cleared", 50)), (second, row(second, "started", 5)),
                   (third, row(third, "work under way", 40)), submit="1")
    client = client_for(province.liaison)
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    assert Task.objects.get(pk=first.pk).progress == 50 and Task.objects.get(pk=second.pk).status == "in_progress"
    assert reports(third) == 1
    assert AuditEvent.objects.filter(verb="submit_report").count() == audited + 2
    page = client.get(URL).content.decode()
    assert "2 progress reports were submitted." in page


def test_the_preview_shows_the_changes_and_files_nothing(province):
    """Preview marks what was added and removed against the last report, and the progress step."""
    task = province.in_progress(progress=10)
    response = client_for(province.liaison).post(URL, form_of((task, row(task, "work done", 35)), preview="1"))
    html = response.content.decode()
    assert response.status_code == 200 and reports(task) == 1
    assert "work <del>under way</del><ins>done</ins>" in html
    assert "progress 10% → 35%" in html
    assert "work done</textarea>" in html


def test_an_empty_submission_is_refused_clearly(province):
    """Nothing changed: nothing filed, and the page says why."""
    task = province.in_progress()
    response = client_for(province.liaison).post(URL, form_of((task, row(task, "work under way", 10)), submit="1"))
    assert response.status_code == 422 and reports(task) == 1
    assert "Nothing to submit: change the text or the progress of at least one task." in response.content.decode()


def test_a_bad_progress_refuses_all_and_keeps_every_rows_text(province):
    """One row's progress of 150: nothing is filed, that row says what is wrong, both texts stay."""
    good, bad = province.in_progress(), province.signed()
    data = form_of((good, row(good, "kept text A", 60)), (bad, row(bad, "kept text B", 150)), submit="1")
    response = client_for(province.liaison).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422 and reports(good) == 1 and reports(bad) == 0
    assert "kept text A</textarea>" in html and "kept text B</textarea>" in html
    bad_block = html.split(f'id="task-{bad.pk}"')[1].split("</section>")[0]
    assert "Ensure this value is less than or equal to 100." in bad_block and "Please correct this row." in bad_block
    good_block = html.split(f'id="task-{good.pk}"')[1].split("</section>")[0]
    assert "Please correct this row." not in good_block


def test_a_row_refused_by_the_service_rolls_back_the_others(province):
    """An emptied text passes the form but not report_progress: the other row is not filed either."""
    good, emptied = province.in_progress(), province.in_progress()
    data = form_of((good, row(good, "new text", 70)), (emptied, row(emptied, "", 20)), submit="1")
    response = client_for(province.liaison).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422 and reports(good) == 1 and reports(emptied) == 1
    assert Task.objects.get(pk=good.pk).progress == 10
    block = html.split(f'id="task-{emptied.pk}"')[1].split("</section>")[0]
    assert "Please write the progress report." in block and "new text</textarea>" in html


def test_a_task_that_moved_on_since_the_page_was_shown_gets_its_own_message(province):
    """Completion was requested after the page was shown: that row says so, nothing is filed."""
    task, other = province.in_progress(), province.in_progress()
    data = form_of((task, row(task, "more work", 80)), (other, row(other, "other work", 30)), submit="1")
    services.request_completion(province.liaison, task, text="all done")
    response = client_for(province.liaison).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422 and reports(other) == 1
    block = html.split(f'id="task-{task.pk}"')[1].split("</section>")[0]
    assert "This task moved on since the page was shown: it is now completion requested" in block
    assert "more work</textarea>" in block


def test_a_double_post_files_once(province):
    """The same form posted twice: one report; the second post says it was already submitted."""
    task = province.in_progress()
    data = form_of((task, row(task, "finished the survey", 40)), submit="1")
    client = client_for(province.liaison)
    assert client.post(URL, data).status_code == 302
    second = client.post(URL, data, follow=True)
    assert reports(task) == 2
    assert "These reports were already submitted; nothing new was filed." in second.content.decode()


def test_a_stale_row_is_refused_when_the_task_changed(province):
    """Someone else reported in between with other words: the version check refuses the row."""
    task = province.in_progress()
    data = form_of((task, row(task, "my words", 40)), submit="1")
    services.report_progress(province.liaison, task, text="their words", progress=20)
    response = client_for(province.liaison).post(URL, data)
    assert response.status_code == 422 and reports(task) == 2
    assert "changed by someone else" in response.content.decode()


def test_it_reads_in_chinese(province):
    """The page, the preview and the errors are in Chinese for a Chinese reader."""
    task = province.in_progress()
    client = client_for(province.liaison, "zh-hans")
    assert "一次填报多项任务进展" in client.get(URL).content.decode()
    html = client.post(URL, form_of((task, row(task, "完成了", 150)), submit="1")).content.decode()
    assert "请修改这一行。" in html
    html = client.post(URL, form_of((task, row(task, "work under way", 10)), submit="1")).content.decode()
    assert "没有可提交的内容" in html


def test_it_is_not_there_for_anyone_but_liaisons(province):
    """The office, the leader and the administrators get 404; anonymous visitors the login page."""
    for user in (province.supervisor, province.leader, province.sysadmin, province.secretary):
        assert client_for(user).get(URL).status_code == 404
        assert client_for(user).post(URL, {"submit": "1"}).status_code == 404
    assert Client().get(URL).status_code == 302


def test_another_units_task_ids_are_ignored(province):
    """HEALTH's liaison posting EMERG's task id files nothing on it."""
    task = province.in_progress()
    response = client_for(province.other_liaison).post(URL, form_of((task, row(task, "not ours", 90)), submit="1"))
    assert response.status_code == 422 and reports(task) == 1


def test_the_home_page_and_the_ledger_link_to_it(province):
    """A liaison finds the form from the inbox and from the ledger."""
    client = client_for(province.liaison)
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get("/tasks/").content.decode()
    assert f'href="{URL}"' not in client_for(province.supervisor).get("/tasks/").content.decode()


def test_a_chinese_diff_marks_the_changed_characters(province):
    """Chinese has no spaces: the preview marks the words added and removed, character by character."""
    task = province.signed()
    services.report_progress(province.liaison, task, text="完成了道路清理，正在排查隐患。", progress=40)
    task = Task.objects.get(pk=task.pk)
    html = client_for(province.liaison, "zh-hans").post(URL, form_of(
        (task, row(task, "完成了道路清理和隐患排查，正在整改。", 60)), preview="1")).content.decode()
    assert "完成了道路清理<ins>和隐患排查</ins>，正在<del>排查隐患</del><ins>整改</ins>。" in html
    assert "进度 40% → 60%" in html


def test_the_page_reads_the_same_number_of_queries_for_more_tasks(province):
    """The rows and their last reports are read in a fixed number of queries."""
    province.in_progress()
    province.signed()
    client = client_for(province.liaison)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    province.in_progress()
    province.in_progress()
    with CaptureQueriesContext(connection) as more:
        assert client.get(URL).content.decode().count('class="card report-row') == 4
    assert len(more) == len(few)
