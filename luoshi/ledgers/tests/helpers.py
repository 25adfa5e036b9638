"""Building small .xlsx ledgers in memory for the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["序号", "督办事项", "牵头单位", "配合单位", "责任人", "完成时限", "进展情况", "进度", "办理状态"]


def xlsx(rows: Sequence[Sequence[object]], *, title_rows: int = 1, sheets: int = 1) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    for _ in range(title_rows):
        sheet.append(["2023年督办台账"])
    for row in rows:
        sheet.append(list(row))
    for n in range(1, sheets):
        book.create_sheet(f"空白{n}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(rows: Sequence[Sequence[object]], name: str = "台账.xlsx", **kwargs: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx(rows, **kwargs))  # type: ignore[arg-type]


GOOD_ROWS = [
    HEADERS,
    [1, "开展安全生产大检查", "应急厅", "省卫生健康委、沈阳市", "张三", "2030-06-30", "已部署检查", "40%", "推进中"],
    [2, "完善医疗救治体系", "省卫生健康委", "", "李四", "2030年12月31日", "", 0.6, ""],
    [3, "推进老旧小区改造", "沈阳市", "和平区", "王五", "2030/9/30", "已完成改造", "100%", "已完成"],
]
