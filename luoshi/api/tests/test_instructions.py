"""GET /api/v1/instructions and /api/v1/instructions/{id} per persona, and the ledger's
source filter (GET /api/v1/tasks?source=)."""

from __future__ import annotations

import pytest

from luoshi.api.tests.conftest import api_client
from luoshi.leaders.tests.helpers import register
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task


@pytest.mark.parametrize(("persona", "sees"), [("supervisor", True), ("leader", True), ("liaison", True),
                                               ("other_liaison", False), ("secretary", False),
                                               ("auditadmin", False)])
def test_it_lists_and_shows_instructions_to_their_readers(province, persona, sees):
    """The office and the leaders read every document, a liaison those naming their unit."""
    document = register(province, other_units=[])
    client = api_client(getattr(province, persona))
    body = client.get("/api/v1/instructions").json()
    assert body["count"] == (1 if sees else 0)
    detail = client.get(f"/api/v1/instructions/{document.pk}")
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert body["results"][0]["title"] == document.title and body["results"][0]["reply_state"] == "awaiting_draft"
        assert detail.json()["lead_unit"]["code"] == "EMERG" and detail.json()["priority_areas"] == ["SAFETY"]


def test_the_detail_lists_only_the_tasks_the_user_may_see(province):
    document = register(province, other_units=[])
    task = Task.objects.get(instruction_document=document)
    liaison = api_client(province.liaison)
    assert api_client(province.supervisor).get(f"/api/v1/instructions/{document.pk}").json()["tasks"] == [task.pk]
    assert liaison.get(f"/api/v1/instructions/{document.pk}").json()["tasks"] == []  # a draft
    task_services.assign_task(province.supervisor, task)
    assert liaison.get(f"/api/v1/instructions/{document.pk}").json()["tasks"] == [task.pk]


def test_it_answers_404_for_an_instruction_that_does_not_exist(province):
    assert api_client(province.supervisor).get("/api/v1/instructions/999999").status_code == 404


def test_the_task_list_filters_by_source(province):
    province.signed()
    document = register(province, other_units=[])
    task_services.assign_task(province.supervisor, Task.objects.get(instruction_document=document))
    client = api_client(province.leader)
    assert client.get("/api/v1/tasks?source=instruction").json()["count"] == 1
    assert client.get("/api/v1/tasks?source=meeting").json()["count"] == 1
    assert client.get("/api/v1/tasks?source=nonsense").status_code in {400, 422}
