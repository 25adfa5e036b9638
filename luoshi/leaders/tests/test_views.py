"""The instruction pages and the portfolio page: who sees what, the register form with its
errors, the reply's steps, wrong methods, and the stocktake's portfolio and source filters."""

from __future__ import annotations

from django.test import Client

from luoshi.accounts.services import create_user
from luoshi.audit.models import AuditEvent
from luoshi.leaders import services
from luoshi.leaders.models import InstructionDocument, LeaderInCharge
from luoshi.leaders.tests.helpers import days, docx_upload, register
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import PASSWORD, Province

Reply = InstructionDocument.Reply


def client_for(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def form_data(province: Province, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "leader": province.leader.pk, "leader_name": "", "date": days(0).isoformat(),
        "title": "关于冬季供暖准备情况的报告", "text": "请应急厅、卫健委抓紧落实。",
        "lead_unit": province.emergency.pk, "other_units": [province.health.pk], "priority_areas": [province.area.pk],
        "reply_due": days(10).isoformat(), "task_deadline": days(30).isoformat(),
    }
    data.update(changes)
    return data


def test_the_office_registers_an_instruction_with_its_document(province: Province) -> None:
    office = client_for(province.supervisor)
    assert office.get("/instructions/new/").status_code == 200
    response = office.post("/instructions/new/", form_data(province, file=docx_upload()))
    document = InstructionDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert Task.objects.filter(instruction_document=document).count() == 2
    page = office.get(document.get_absolute_url()).content.decode()
    assert "关于冬季供暖准备情况的报告" in page and "报告.docx" in page
    download = office.get(f"/instructions/{document.pk}/document/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_the_register_form_shows_errors_and_keeps_nothing(province: Province) -> None:
    office = client_for(province.supervisor)
    response = office.post("/instructions/new/", form_data(province, text="", reply_due="tomorrow"))
    assert response.status_code == 400
    assert "Please write the instruction." in response.content.decode()
    assert "Write the date as YYYY-MM-DD." in response.content.decode()
    bad_file = office.post("/instructions/new/", form_data(province, file=docx_upload(name="x.exe")))
    assert bad_file.status_code == 400 and "attach the document" in bad_file.content.decode()
    assert not InstructionDocument.objects.exists()


def test_a_double_submission_registers_once(province: Province) -> None:
    office = client_for(province.supervisor)
    office.post("/instructions/new/", form_data(province))
    second = office.post("/instructions/new/", form_data(province))
    assert second.status_code == 400 and "already registered" in second.content.decode()
    assert InstructionDocument.objects.count() == 1


def test_only_the_office_registers(province: Province) -> None:
    for user in (province.leader, province.liaison, province.secretary, province.sysadmin):
        client = client_for(user)
        assert client.get("/instructions/new/").status_code == 404
        assert client.post("/instructions/new/", form_data(province)).status_code == 404
    assert client_for(None).get("/instructions/new/").status_code == 302
    assert not InstructionDocument.objects.exists()


def test_who_reads_the_list_and_the_page(province: Province) -> None:
    document = register(province, other_units=[])
    for user in (province.supervisor, province.leader, province.liaison):
        assert document.title in client_for(user).get("/instructions/").content.decode()
        assert client_for(user).get(document.get_absolute_url()).status_code == 200
    assert document.title not in client_for(province.other_liaison).get("/instructions/").content.decode()
    for user in (province.other_liaison, province.secretary, province.auditadmin):
        assert client_for(user).get(document.get_absolute_url()).status_code == 404
    assert client_for(province.secretary).get("/instructions/").status_code == 404


def test_the_list_counts_its_queries(province: Province, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    register(province)
    register(province, text="第二条批示")
    client = client_for(province.supervisor)
    with django_assert_max_num_queries(12):
        assert client.get("/instructions/").status_code == 200
    register(province, text="第三条批示")
    register(province, text="第四条批示")
    with django_assert_max_num_queries(12):
        assert client.get("/instructions/").status_code == 200


def test_the_reply_is_drafted_reviewed_and_sent_through_the_pages(province: Province) -> None:
    document = register(province)
    liaison, office = client_for(province.liaison), client_for(province.supervisor)
    assert "reply/draft/" in liaison.get(document.get_absolute_url()).content.decode()
    assert "reply/draft/" not in office.get(document.get_absolute_url()).content.decode()
    assert liaison.post(f"/instructions/{document.pk}/reply/draft/",
                        {"text": "已落实", "version": document.version}).status_code == 302
    assert "reply/review/" in office.get(document.get_absolute_url()).content.decode()
    office.post(f"/instructions/{document.pk}/reply/review/", {"decision": "return", "note": "请补充"})
    assert InstructionDocument.objects.get(pk=document.pk).reply_state == Reply.AWAITING_DRAFT
    liaison.post(f"/instructions/{document.pk}/reply/draft/", {"text": "已落实，附数据"})
    office.post(f"/instructions/{document.pk}/reply/review/", {"decision": "approve", "note": ""})
    office.post(f"/instructions/{document.pk}/reply/send/", {})
    final = InstructionDocument.objects.get(pk=document.pk)
    assert final.reply_state == Reply.SENT and final.reply_text == "已落实，附数据"
    assert AuditEvent.objects.filter(object_type="leaders.instructiondocument", verb="send_instruction_reply").exists()


def test_a_step_in_the_wrong_state_says_so(province: Province) -> None:
    document = register(province)
    office = client_for(province.supervisor)
    response = office.post(f"/instructions/{document.pk}/reply/send/", {}, follow=True)
    assert "this step is not possible now" in response.content.decode()
    assert InstructionDocument.objects.get(pk=document.pk).reply_state == Reply.AWAITING_DRAFT


def test_the_reply_steps_refuse_the_wrong_people_and_methods(province: Province) -> None:
    document = register(province, other_units=[])
    base = f"/instructions/{document.pk}/reply/"
    assert client_for(province.other_liaison).post(base + "draft/", {"text": "x"}).status_code == 404
    assert client_for(province.leader).post(base + "draft/", {"text": "x"}).status_code == 404
    assert client_for(province.liaison).post(base + "review/", {"decision": "approve"}).status_code == 404
    assert client_for(province.liaison).post(base + "send/", {}).status_code == 404
    assert client_for(province.liaison).get(base + "draft/").status_code == 405
    assert InstructionDocument.objects.get(pk=document.pk).reply_state == Reply.AWAITING_DRAFT


def test_the_office_keeps_the_portfolios_on_its_page(province: Province) -> None:
    office = client_for(province.supervisor)
    response = office.post("/leaders/portfolios/", {"leader": province.leader.pk, "area": province.area.pk,
                                                     "valid_from": days(0).isoformat()})
    assert response.status_code == 302
    row = LeaderInCharge.objects.get()
    bad = office.post("/leaders/portfolios/", {"leader": province.leader.pk, "valid_from": days(0).isoformat()})
    assert bad.status_code == 400 and "either a priority area or a unit" in bad.content.decode()
    office.post(f"/leaders/portfolios/{row.pk}/end/", {"valid_to": days(3).isoformat()})
    assert LeaderInCharge.objects.get().valid_to == days(3)
    assert client_for(province.leader).get("/leaders/portfolios/").status_code == 200
    assert client_for(province.leader).post("/leaders/portfolios/", {}).status_code == 404
    assert client_for(province.liaison).get("/leaders/portfolios/").status_code == 404
    assert client_for(province.leader).post(f"/leaders/portfolios/{row.pk}/end/", {}).status_code == 404


def test_a_leaders_home_opens_on_their_portfolio_with_a_switch(province: Province) -> None:
    other = create_user(None, username="leader2", password=PASSWORD, role="leader", check_password=False)
    mine = province.signed(lead=province.health, title="卫健委的任务")
    province.signed(title="应急厅的任务")
    services.put_in_charge(province.supervisor, leader=other, unit=province.health, valid_from=days(0))
    client = client_for(other)
    home = client.get("/").content.decode()
    assert "My portfolio" in home and mine.title in home and "应急厅的任务" not in home
    everything = client.get("/?scope=all").content.decode()
    assert mine.title in everything and "应急厅的任务" in everything
    # A leader with no portfolio sees everything, with no switch.
    plain = client_for(province.leader).get("/").content.decode()
    assert "应急厅的任务" in plain and "scope-switch" not in plain


def test_the_stocktake_and_the_ledger_filter_by_source(province: Province) -> None:
    province.signed(title="会议的任务")
    document = register(province, other_units=[])
    from luoshi.tasks import services as task_services

    task = Task.objects.get(instruction_document=document)
    task_services.assign_task(province.supervisor, task)
    leader = client_for(province.leader)
    page = leader.get("/?source=instruction").content.decode()
    assert task.title in page and "会议的任务" not in page
    ledger = leader.get("/tasks/?source=instruction").content.decode()
    assert task.title in ledger and "会议的任务" not in ledger
    assert "会议的任务" in leader.get("/tasks/?source=meeting").content.decode()
    assert "is not a source" in leader.get("/tasks/?source=bogus").content.decode()


def test_a_task_page_says_which_instruction_it_comes_from(province: Province) -> None:
    document = register(province, other_units=[])
    task = Task.objects.get(instruction_document=document)
    page = client_for(province.supervisor).get(task.get_absolute_url()).content.decode()
    assert document.get_absolute_url() in page and document.text in page


def test_the_leader_in_charge_decides_a_long_extension_on_the_task_page(province: Province) -> None:
    from luoshi.taskrequests import services as requests
    from luoshi.taskrequests.models import TaskRequest

    services.put_in_charge(province.supervisor, leader=province.leader, unit=province.emergency, valid_from=days(0))
    task = province.signed()
    asked = requests.request_extension(province.liaison, task, deadline=days(120), reason="the site is flooded")
    leader, office = client_for(province.leader), client_for(province.supervisor)
    assert f"/requests/{asked.pk}/decide/" in leader.get(task.get_absolute_url()).content.decode()
    office_page = office.get(task.get_absolute_url()).content.decode()
    assert f"/requests/{asked.pk}/decide/" not in office_page and "leader in charge" in office_page
    refused = office.post(f"/requests/{asked.pk}/decide/", {"decision": "approve", "deadline": days(120).isoformat(),
                                                            "note": ""}, follow=True)
    assert "decided by the leader in charge" in refused.content.decode()
    assert TaskRequest.objects.get(pk=asked.pk).pending
    leader.post(f"/requests/{asked.pk}/decide/", {"decision": "approve", "deadline": days(100).isoformat(), "note": ""})
    assert Task.objects.get(pk=task.pk).deadline == days(100)


def test_a_liaison_sees_only_the_tasks_they_may_open(province: Province) -> None:
    from luoshi.tasks import services as task_services

    document = register(province)
    emerg, health = Task.objects.filter(instruction_document=document).order_by("id")
    assert emerg.get_absolute_url() not in client_for(province.liaison).get(document.get_absolute_url()).content.decode()
    task_services.assign_task(province.supervisor, Task.objects.get(pk=emerg.pk))
    task_services.assign_task(province.supervisor, Task.objects.get(pk=health.pk))
    page = client_for(province.other_liaison).get(document.get_absolute_url()).content.decode()
    assert health.get_absolute_url() in page and emerg.get_absolute_url() not in page
