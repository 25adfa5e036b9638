"""Importing a 10,000-row Excel ledger (not a test).

Run:  .venv/bin/python bench/ledger_import_bench.py [--rows 10000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench .venv/bin/python bench/ledger_import_bench.py
(create that database first: createdb -h 127.0.0.1 -U postgres luoshi_bench)

It builds a province of about 215 units in a fresh database (SQLite in a temporary data
directory unless DATABASE_URL is set; on PostgreSQL the tables are flushed first), writes a
realistic ledger (Chinese headers, mixed date forms, percentages, statuses, cooperating
units), then times the check and the import (jieba's dictionary loaded first, as the web server
loads it when it starts). Target: the import under 5 seconds (issue 24).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-ledger-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

TARGET_SECONDS = 5.0  # issue 24
HEADERS = ["序号", "督办事项", "牵头单位", "配合单位", "责任人", "完成时限", "进展情况", "进度", "办理状态",
           "会议", "重点领域", "备注"]
VERBS = ["推进", "落实", "完善", "加快", "开展", "抓好", "强化", "组织"]
OBJECTS = ["安全生产大检查", "稳经济一揽子政策", "重点项目建设", "营商环境优化", "民生实事", "防汛备汛工作",
           "冬季供暖保障", "粮食安全责任制", "生态环境整治", "就业帮扶行动", "数字政府建设", "乡村振兴示范"]
STATUSES = ["推进中", "已完成", "已签收", "推进中", "逾期", "申请办结", "暂缓", ""]
AREAS = ["安全生产", "稳增长", "民生保障", "生态环保"]


def build_province() -> object:
    from luoshi.accounts.models import User
    from luoshi.accounts.services import create_user
    from luoshi.meetings.services import create_priority_area
    from luoshi.units.services import create_unit

    root = create_unit(None, code="P", name_zh="省政府", name_en="Provincial Government", kind="province")
    office = create_unit(None, code="DCS", name_zh="省政府督查室", name_en="Supervision Office", kind="office",
                         parent=root)
    for i in range(100):
        create_unit(None, code=f"D{i:03d}", name_zh=f"省第{i + 1}厅", name_en=f"Department {i + 1}",
                    kind="department", parent=root)
    for c in range(14):
        city = create_unit(None, code=f"C{c:02d}", name_zh=f"第{c + 1}市", name_en=f"City {c + 1}", kind="city",
                           parent=root)
        for k in range(7):
            create_unit(None, code=f"C{c:02d}-{k}", name_zh=f"第{c + 1}市第{k + 1}县", name_en=f"County {c}-{k}",
                        kind="county", parent=city)
    for n, name in enumerate(AREAS):
        create_priority_area(None, code=f"A{n}", name_zh=name, name_en=f"area {n}")
    return create_user(None, username="bench-supervisor", password="bench-password-1234", role=User.Role.SUPERVISOR,
                       unit=office, check_password=False)


def ledger_bytes(rows: int, seed: int = 7) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    departments = [f"省第{i + 1}厅" for i in range(100)]
    cities = [f"第{c + 1}市" for c in range(14)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办台账")
    sheet.append(["2023年省政府重点工作督办台账"])
    sheet.append([])
    sheet.append(HEADERS)
    for n in range(1, rows + 1):
        deadline: object
        form = n % 5
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        if form == 0:
            deadline = dt.datetime.combine(day, dt.time())
        elif form == 1:
            deadline = day.isoformat()
        elif form == 2:
            deadline = f"{day.year}年{day.month}月{day.day}日"
        elif form == 3:
            deadline = f"{day.year}/{day.month}/{day.day}"
        else:
            deadline = f"{day.month}月底"
        status = STATUSES[n % len(STATUSES)]
        progress = "100%" if status == "已完成" else rng.choice(["40%", 0.6, "75", 20, ""])
        lead = rng.choice(departments + cities)
        coop = "、".join(rng.sample(departments, k=rng.randrange(0, 3)))
        sheet.append([
            n, f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}（第{n}项）", lead, coop, f"张{n % 97}",
            deadline, f"已完成阶段性工作{n % 9}项，正在推进后续工作。" if status else "", progress, status,
            f"省政府第{n % 30 + 1}次常务会议", rng.choice(AREAS), "",
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from luoshi.ledgers import services
    from luoshi.tasks.models import Task

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    supervisor = build_province()

    start = time.perf_counter()
    data = ledger_bytes(args.rows)
    print(f"wrote a {args.rows}-row ledger ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    ledger = services.upload_ledger(supervisor, SimpleUploadedFile("台账.xlsx", data))  # type: ignore[arg-type]
    checked_in = time.perf_counter() - start
    if ledger.checked["errors"]:
        for error in ledger.checked["errors"][:10]:
            print("error:", error)
        return 1
    print(f"upload, read and check (the preview step): {checked_in:.2f} s "
          f"({len(ledger.checked['rows'])} rows, no errors)")

    # The web server loads jieba's dictionary when it starts (luoshi/wsgi.py), not in the import.
    from luoshi.search.text import load_dictionary

    load_dictionary()
    start = time.perf_counter()
    services.import_ledger(supervisor, ledger, token=ledger.token)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    assert Task.objects.count() == args.rows
    verdict = "OK" if seconds < TARGET_SECONDS else "TOO SLOW"
    print(f"import on {connection.vendor}: {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s "
          f"(target under {TARGET_SECONDS:.0f} s) {verdict}")
    return 0 if seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
