"""The ledger import services: upload, configure, import (all or nothing, audited, once)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.ledgers import services
from luoshi.ledgers.models import ColumnMapping
from luoshi.lib import Forbidden, InvalidInput
from luoshi.tasks.lifecycle import Status
from luoshi.tasks.models import ProgressReport, Task

from .helpers import GOOD_ROWS, HEADERS, upload


def test_it_guesses_the_layout_and_checks_every_row(province):
    """An upload finds the sheet, the header row and the columns, and has no errors when the rows are good."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    assert ledger.header_row == 2
    assert ledger.columns["lead_unit"] == 2 and ledger.columns["deadline"] == 5
    assert ledger.checked["errors"] == [] and len(ledger.checked["rows"]) == 3
    assert AuditEvent.objects.filter(verb="upload_ledger", object_id=str(ledger.pk)).exists()


def test_it_reports_errors_by_row_and_column(province):
    """Unknown units, bad dates, bad progress, missing cells and repeated rows are each named."""
    rows = [HEADERS,
            [1, "任务甲", "省财政厅", "", "", "2030-06-30", "", "", ""],
            [2, "任务乙", "应急厅", "", "", "长期坚持", "", "", ""],
            [3, "任务丙", "应急厅", "", "", "2030-06-30", "", "150%", ""],
            [4, "", "应急厅", "", "", "2030-06-30", "", "", ""],
            [5, "任务丁", "应急厅", "", "", "2030-06-30", "", "", "不知道"],
            [6, "任务戊", "应急厅", "", "", "2030-06-30", "", "", ""],
            [7, "任务戊", "省应急管理厅", "", "", "2030/6/30", "", "", ""]]
    ledger = services.upload_ledger(province.supervisor, upload(rows))
    errors = {(e["row"], e["column"].split(" · ")[-1]): e["message"] for e in ledger.checked["errors"]}
    assert "No unit" in errors[(3, "牵头单位")]
    assert "not a deadline" in errors[(4, "完成时限")]
    assert "between 0% and 100%" in errors[(5, "进度")]
    assert "missing" in errors[(6, "督办事项")]
    assert "not a status" in errors[(7, "办理状态")]
    assert "repeats row 8" in errors[(9, "督办事项")]
    assert len(ledger.checked["rows"]) == 1


def test_it_imports_every_row_through_one_meeting_with_the_right_states(province):
    """Each row becomes a task in the state its status says, with its report, units and audit event."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    ledger = services.import_ledger(province.supervisor, ledger, token=ledger.token)
    assert ledger.task_count == 3 and ledger.state == "imported"
    tasks = {t.title: t for t in Task.objects.filter(directive__meeting=ledger.meeting)}
    check = tasks["开展安全生产大检查"]
    assert check.lead_unit == province.emergency and check.status == Status.IN_PROGRESS and check.progress == 40
    assert set(check.cooperating_units.all()) == {province.health, province.city}
    assert tasks["完善医疗救治体系"].progress == 60 and tasks["完善医疗救治体系"].status == Status.IN_PROGRESS
    done = tasks["推进老旧小区改造"]
    assert done.status == Status.COMPLETED and done.progress == 100 and done.completed_at is not None
    assert ProgressReport.objects.filter(task=check, text="已部署检查", outcome="accepted").exists()
    assert AuditEvent.objects.filter(verb="import_task").count() == 3
    assert AuditEvent.objects.filter(verb="import_ledger", object_id=str(ledger.pk)).exists()
    assert AuditEvent.objects.filter(verb="record_meeting").exists()
    assert verify_chain().ok


def test_it_imports_nothing_when_a_row_is_wrong(province):
    """One bad row stops the whole import."""
    rows = [*GOOD_ROWS, [4, "坏行", "不存在的单位", "", "", "2030-06-30", "", "", ""]]
    ledger = services.upload_ledger(province.supervisor, upload(rows))
    before = Task.objects.count()
    with pytest.raises(InvalidInput, match="1 problems"):
        services.import_ledger(province.supervisor, ledger, token=ledger.token)
    assert Task.objects.count() == before


def test_it_imports_only_once(province):
    """Submitting the same confirmation twice imports the rows once."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    token = ledger.token
    services.import_ledger(province.supervisor, ledger, token=token)
    with pytest.raises(InvalidInput, match="already been imported"):
        services.import_ledger(province.supervisor, ledger, token=token)
    assert Task.objects.filter(title="开展安全生产大检查").count() == 1


def test_it_refuses_a_stale_confirmation(province):
    """A confirmation from before the latest check is refused."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    old = ledger.token
    services.configure_import(province.supervisor, ledger, sheet_name="台账", header_row=2, columns=None,
                              default_year=2030)
    with pytest.raises(InvalidInput, match="changed"):
        services.import_ledger(province.supervisor, ledger, token=old)


def test_a_second_upload_of_an_imported_ledger_shows_every_row_as_already_there(province):
    """Importing the same ledger again is caught at the check."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    services.import_ledger(province.supervisor, ledger, token=ledger.token)
    again = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    assert len(again.checked["errors"]) == 3
    assert all("already in Luoshi" in e["message"] for e in again.checked["errors"])


def test_it_saves_and_reuses_a_column_mapping(province):
    """A saved mapping keeps header texts and applies to a file with its columns moved."""
    ledger = services.upload_ledger(province.supervisor, upload(GOOD_ROWS))
    services.configure_import(province.supervisor, ledger, sheet_name="台账", header_row=2,
                              columns=ledger.columns, default_year=2030, save_as="省政府台账")
    mapping = ColumnMapping.objects.get(name="省政府台账")
    assert mapping.columns["lead_unit"] == "牵头单位"
    moved = [[row[1], row[2], row[5], row[0]] for row in GOOD_ROWS]
    other = services.upload_ledger(province.supervisor, upload(moved))
    other = services.configure_import(province.supervisor, other, sheet_name="台账", header_row=2, columns={},
                                      default_year=2030, use_mapping=mapping)
    assert other.columns == {"title": 0, "lead_unit": 1, "deadline": 2, "number": 3}
    assert AuditEvent.objects.filter(verb="save_column_mapping").exists()


@pytest.mark.parametrize("name, data, message", [
    ("ledger.csv", b"a,b", "not an .xlsx"),
    ("ledger.xlsx", b"", "empty"),
    ("ledger.xlsx", b"PK\x03\x04 broken", "not an Excel workbook"),
])
def test_it_refuses_bad_files_clearly(province, name, data, message):
    """Wrong type, empty and corrupt files are refused with a message and nothing is stored."""
    with pytest.raises(InvalidInput, match=message):
        services.upload_ledger(province.supervisor, SimpleUploadedFile(name, data))


def test_it_refuses_an_oversized_file(province, settings):
    """A file over the size limit is refused."""
    settings.LUOSHI_LEDGER_MAX_MB = 0
    with pytest.raises(InvalidInput, match="larger than"):
        services.upload_ledger(province.supervisor, upload(GOOD_ROWS))


@pytest.mark.parametrize("persona", ["liaison", "leader", "secretary", "sysadmin", "outsider"])
def test_only_the_supervision_office_imports(province, persona):
    """Everyone but an active supervisor is refused."""
    with pytest.raises(Forbidden):
        services.upload_ledger(getattr(province, persona), upload(GOOD_ROWS))
