from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi import lib
from luoshi.leaders import services
from luoshi.leaders.models import InstructionDocument
from luoshi.testing.fixtures import Province


def days(n: int) -> dt.date:
    return lib.today() + dt.timedelta(days=n)


def docx_upload(text: str = "关于冬季供暖准备情况的报告", name: str = "报告.docx") -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def register(province: Province, **changes: Any) -> InstructionDocument:
    fields: dict[str, Any] = {
        "leader": province.leader, "leader_name": "", "date": lib.today(),
        "title": "关于冬季供暖准备情况的报告", "text": "请应急厅、卫健委抓紧落实，确保群众温暖过冬。",
        "lead_unit": province.emergency, "other_units": [province.health], "priority_areas": [province.area],
        "reply_due": days(10), "task_deadline": days(30), "upload": None,
    }
    fields.update(changes)
    return services.register_instruction(province.supervisor, services.InstructionInput(**fields))
