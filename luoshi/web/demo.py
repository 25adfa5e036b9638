"""The demo province: Liaoning's units, a user for every role, the canonical meeting read
from its readout by the extraction engine (the English readout, and a Chinese rendering of
the same meeting), and tasks in several states and lights.

The tasks follow the Chinese record, so the default (Chinese) interface shows Chinese titles;
both meetings are listed in either language. Their history starts a few days after the
meeting (7 October 2022): assigned, signed, decomposed then; reports, completions and urges
come in the last weeks, and deadlines are set from today so the lights show every colour.

Loading twice changes nothing: every part checks whether it is already there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.services import create_user
from luoshi.commitments import services as commitments
from luoshi.commitments.models import Commitment
from luoshi.extraction import Directory, extract, load_directory
from luoshi.leaders import services as leaders
from luoshi.leaders.models import InstructionDocument
from luoshi.meetings.models import AgendaItem, Meeting, PriorityArea
from luoshi.meetings.services import (
    AgendaItemEdit,
    AgendaItemInput,
    DirectiveInput,
    create_priority_area,
    record_meeting,
    update_meeting,
)
from luoshi.tasks import services as tasks
from luoshi.units.models import Unit
from luoshi.units.services import create_unit

DATA = Path(__file__).with_name("data")
READOUT = DATA / "en-liaoning-2022-10-07.txt"
READOUT_ZH = DATA / "zh-liaoning-2022-10-07.txt"  # the same meeting's readout in Chinese
DEMO_PASSWORD = "luoshi-demo-2022"  # nosec B105 # the public demo's documented password, demo data only
PUBLICATION_MARKER = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit: str | None
    name: str


DEMO_USERS = [
    DemoUser("supervisor", User.Role.SUPERVISOR, "DCS", "督查室 周敏"),
    DemoUser("leader", User.Role.LEADER, None, "省领导 李副省长"),
    DemoUser("secretary", User.Role.SECRETARY, "GO", "会务秘书 陈静"),
    DemoUser("emergency", User.Role.LIAISON, "EMERG", "应急厅联络员 王强"),
    DemoUser("health", User.Role.LIAISON, "HEALTH", "卫健委联络员 刘洋"),
    DemoUser("housing", User.Role.LIAISON, "HOUSING", "住建厅联络员 赵磊"),
    DemoUser("commerce", User.Role.LIAISON, "COMMERCE", "商务厅联络员 孙丽"),
    DemoUser("miit", User.Role.LIAISON, "MIIT", "工信厅联络员 吴昊"),
    DemoUser("drc", User.Role.LIAISON, "DRC", "发改委联络员 郑凯"),
    DemoUser("psb", User.Role.LIAISON, "PSB", "公安厅联络员 钱伟"),
    DemoUser("shenyang", User.Role.LIAISON, "SY", "沈阳市联络员 何静"),
    DemoUser("dalian", User.Role.LIAISON, "DL", "大连市联络员 冯涛"),
    DemoUser("sysadmin", User.Role.SYSTEM_ADMIN, None, "系统管理员"),
    DemoUser("secadmin", User.Role.SECURITY_ADMIN, None, "安全管理员"),
    DemoUser("auditadmin", User.Role.AUDIT_ADMIN, None, "审计管理员"),
]


def load_units(directory: Directory) -> None:
    province = directory.province
    root = Unit.objects.filter(code=province["code"]).first()
    if root is None:
        root = create_unit(None, code=province["code"], name_zh=province["name_zh"],
                           name_en=province["name_en"], kind=Unit.Kind.PROVINCE)
    existing = set(Unit.objects.values_list("code", flat=True))
    by_code = {u.code: u for u in Unit.objects.all()}
    for entry in directory.units:  # the file lists parents before their children
        if entry.code in existing:
            continue
        parent = by_code[entry.parent] if entry.parent else root
        by_code[entry.code] = create_unit(
            None, code=entry.code, name_zh=entry.name_zh, name_en=entry.name_en, kind=entry.kind,
            parent=parent, keywords_zh=list(entry.keywords_zh), keywords_en=list(entry.keywords_en),
        )
    for area in directory.priority_areas:
        if not PriorityArea.objects.filter(code=area.code).exists():
            create_priority_area(None, code=area.code, name_zh=area.name_zh, name_en=area.name_en,
                                 keywords_zh=area.keywords_zh, keywords_en=area.keywords_en)


def load_users() -> list[DemoUser]:
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue
        unit = Unit.objects.get(code=demo.unit) if demo.unit else None
        # Nobody of the demo reaches the Django admin: only a deliberately created superuser does.
        create_user(None, username=demo.username, password=DEMO_PASSWORD, role=demo.role,
                    unit=unit, first_name=demo.name)
    return DEMO_USERS


def load_meeting(directory: Directory, readout: Path = READOUT) -> Meeting:
    """The meeting of a readout, as the engine reads it, recorded by the secretary the day
    after the meeting."""
    text, published = split_publication_marker(readout.read_text(encoding="utf-8"))
    existing = Meeting.objects.filter(readout=text).first()
    if existing is not None:
        return existing
    result = extract(text, published=published, directory=directory)
    secretary = User.objects.get(username="secretary")
    areas = {a.code: a for a in PriorityArea.objects.all()}
    recorded = result.date + dt.timedelta(days=1) if result.date else lib.today()
    with lib.clock_at(recorded):
        meeting = record_meeting(
            secretary,
            kind=Meeting.Kind.ENLARGED,
            title=_sentence_case(result.meeting_type or "Provincial Government meeting"),
            date=result.date,
            chair_name=result.chair.name if result.chair else "",
            chair_title=result.chair.title if result.chair else "",
            readout=text,
            agenda_items=[AgendaItemInput(kind=a.kind, title=a.title, span=a.span) for a in result.agenda_items],
            directives=[
                DirectiveInput(
                    text=d.text, span=d.span,
                    priority_areas=[areas[m.code] for m in directory.match_areas(d.text, result.lang) if m.code in areas],
                )
                for d in result.directives
            ],
        )
    return meeting


def split_publication_marker(text: str) -> tuple[str, dt.date | None]:
    """The canonical file starts with 'date YYYY-MM-DD', the day it was published: keep that
    as a date and store the readout without it."""
    match = PUBLICATION_MARKER.match(text)
    if match is None:
        return text, None
    return text[match.end():], dt.date.fromisoformat(match.group(1))


def _sentence_case(title: str) -> str:
    return title[:1].upper() + title[1:]


def _suggested_unit(directive_text: str, directory: Directory, lang: str | None, fallback: str) -> Unit:
    matches = directory.match_units(directive_text, lang)
    codes = [m.code for m in matches] or [fallback]
    return Unit.objects.get(code=codes[0])


def load_tasks(meeting: Meeting, directory: Directory) -> None:
    """Tasks for each directive of the Chinese record: assigned three days after the meeting,
    reported on in the last weeks, so that the ledger shows every state and every light."""
    if meeting.directives.filter(tasks__isnull=False).exists():
        return
    officer = User.objects.get(username="supervisor")
    today = lib.today()
    start = meeting.date + dt.timedelta(days=3) if meeting.date else today - dt.timedelta(days=60)
    directives = list(meeting.directives.order_by("order"))
    # By directive, in the readout's order: (lead unit code or None for the engine's suggestion,
    # cooperating units, deadline in days from today, cadence).
    plan = [
        ("GO", ["DCS", "PSB"], 90, ""),  # 坚决贯彻落实“疫情要防住、经济要稳住、发展要安全”
        ("EMERG", ["HOUSING", "TRANSPORT"], 5, "monthly"),  # 安全生产
        ("HEALTH", [], -3, "weekly"),  # “即采即检”
        ("DRC", ["COMMERCE", "MIIT"], 120, "monthly"),  # 经济发展, decomposed to two cities
        ("HOUSING", ["LETTERS", "COMMERCE"], 30, "monthly"),  # “保交楼”、保供稳价、冬季供暖
        ("MIIT", ["COMMERCE"], 10, ""),  # 全球工业互联网大会
    ]
    created = []
    with lib.clock_at(start):
        for directive, (lead, cooperating, days, cadence) in zip(directives, plan, strict=False):
            unit = Unit.objects.get(code=lead) if lead else _suggested_unit(directive.text, directory, "zh", "GO")
            task = tasks.create_task(
                officer, directive, lead_unit=unit,
                cooperating_units=Unit.objects.filter(code__in=cooperating),
                deadline=today + dt.timedelta(days=days), cadence=cadence,
                person_responsible="分管副厅长", public=lead in {"EMERG", "MIIT"},
            )
            created.append(task)
        for task in created:
            tasks.assign_task(officer, task)
    users = {u.unit.code: u for u in User.objects.filter(role=User.Role.LIAISON).select_related("unit")
             if u.unit is not None}

    def liaison(task: tasks.Task) -> User:
        return users[task.lead_unit.code]

    with lib.clock_at(start + dt.timedelta(days=3)):
        for task in created[1:]:
            tasks.sign_task(liaison(task), fresh(task))
    with lib.clock_at(start + dt.timedelta(days=10)):
        economy = fresh(created[3])
        tasks.decompose_task(officer, economy, [
            tasks.SubTask(Unit.objects.get(code="SY"), "沈阳市：推进重大项目建设，促进投资消费外贸增长", weight=2),
            tasks.SubTask(Unit.objects.get(code="DL"), "大连市：推进重大项目建设，促进外贸外资增长", weight=1),
        ])
    housing = created[4]  # “保交楼”、保供稳价、冬季供暖: homes handed over, and heat sources ready
    with lib.clock_at(today - dt.timedelta(days=60)):
        homes = tasks.add_indicator(officer, fresh(housing), name="保交楼 交付套数", measure="套", baseline=0,
                                    target=12000, plan=[(today - dt.timedelta(days=90), 0),
                                                        (today - dt.timedelta(days=20), 7000),
                                                        (today + dt.timedelta(days=30), 12000)])
        heating = tasks.add_indicator(officer, fresh(housing), name="冬季供暖 热源到位率", measure="%", baseline=60,
                                      target=100, plan=[(today - dt.timedelta(days=90), 60),
                                                        (today - dt.timedelta(days=20), 90),
                                                        (today + dt.timedelta(days=30), 100)])
    with lib.clock_at(today - dt.timedelta(days=50)):
        tasks.record_actuals(liaison(housing), fresh(housing), [
            tasks.ActualRow(1, homes.name, lib.today(), Decimal(2900)),
            tasks.ActualRow(2, heating.name, lib.today(), Decimal(72))], source="住建厅月报.xlsx")
    with lib.clock_at(today - dt.timedelta(days=20)):
        tasks.report_progress(liaison(created[1]), fresh(created[1]), progress=40,
                              text="已开展安全生产大检查，排查整改隐患1,200余项。",
                              period=f"{lib.today():%Y-%m}")
        tasks.report_progress(liaison(created[2]), fresh(created[2]), progress=55,
                              text="“即采即检”措施已在全省推开，早发现能力持续提升。")
        for child in fresh(created[3]).children.all():
            tasks.sign_task(users[child.lead_unit.code], child)
        sy, dl = fresh(created[3]).children.order_by("id")
        tasks.report_progress(users["SY"], sy, progress=35, text="35个重大项目已开工。")
        tasks.report_progress(users["DL"], dl, progress=20, text="外贸进出口稳步回升。")
        tasks.report_progress(liaison(created[4]), fresh(created[4]), progress=80,
                              text="保交楼项目已交付6,500套，冬季供暖热源到位率92%。",
                              actuals={homes.pk: 6500, heating.pk: 92})
        tasks.report_progress(liaison(created[5]), fresh(created[5]), progress=90,
                              text="大会筹备工作基本完成，签约项目42个。")
    with lib.clock_at(today - dt.timedelta(days=10)):
        tasks.request_completion(liaison(created[5]), fresh(created[5]),
                                 text="大会已安全顺利举办，签约项目全部落地。")
        tasks.approve_completion(officer, fresh(created[5]), note="材料齐全，同意办结。", grade="good")
        tasks.request_completion(liaison(created[4]), fresh(created[4]),
                                 text="保交楼、保供稳价、冬季供暖任务全部完成。")
    with lib.clock_at(today - dt.timedelta(days=1)):
        tasks.urge_task(officer, fresh(created[2]), text="该事项已超期，请于三日内报送整改进展。")
        leader = User.objects.get(username="leader")
        tasks.write_instruction(leader, fresh(created[1]),
                                text="安全生产责任重于泰山，请应急厅逐项盯紧，确保不发生重特大事故。")
    tasks.refresh_lights()


# The commitments under the two China Railway framework agreements of the Chinese record: by
# agreement (a word of its title), (what, province side, counterparty side, stage, milestones).
COMMITMENTS = [
    ("中国铁建", [
        ("铁路及城际轨道交通项目合作", "TRANSPORT", "中国铁建股份有限公司", Commitment.Stage.STARTED,
         [("完成项目前期工作", -60), ("主体工程开工", -10), ("年度投资计划完成", 80)]),
        ("城市更新和保障性住房建设合作", "HOUSING", "中国铁建股份有限公司", Commitment.Stage.SIGNED,
         [("确定首批合作项目", 20)]),
    ]),
    ("中国中铁", [
        ("工程装备制造产业合作", "MIIT", "中国中铁股份有限公司", Commitment.Stage.DELIVERED,
         [("装备制造基地投产", -30)]),
        ("交通基础设施投资合作", "DRC", "中国中铁股份有限公司", Commitment.Stage.SIGNED, []),
    ]),
]


def load_commitments(meeting: Meeting) -> None:
    """The two framework agreements as ledgers of commitments. The engine reads the second as a
    report ("…制定情况汇报"): the office corrects its kind first, as it would on the review page."""
    if Commitment.objects.filter(agenda_item__meeting=meeting).exists():
        return
    officer = User.objects.get(username="supervisor")
    today = lib.today()
    signed_on = meeting.date + dt.timedelta(days=30) if meeting.date else today - dt.timedelta(days=60)
    items = {}
    for word, _rows in COMMITMENTS:
        item = meeting.agenda_items.filter(title__contains=word).first()
        if item is None:
            return  # a readout the engine read differently: no agreements to follow
        items[word] = item
    corrections = [AgendaItemEdit(id=i.pk, kind=AgendaItem.Kind.AGREEMENT,
                                  title=i.title.removesuffix("制定情况汇报").strip("《》") or i.title, outcome=i.outcome)
                   for i in items.values() if i.kind != AgendaItem.Kind.AGREEMENT]
    if corrections:
        update_meeting(officer, meeting, kind=meeting.kind, title=meeting.title, date=meeting.date,
                       number=meeting.number, chair_name=meeting.chair_name, chair_title=meeting.chair_title,
                       place=meeting.place, attendees=meeting.attendees, agenda_items=corrections)
    for word, rows in COMMITMENTS:
        item = AgendaItem.objects.get(pk=items[word].pk)
        for title, unit, counterparty, stage, milestones in rows:
            with lib.clock_at(signed_on):
                commitment = commitments.add_commitment(
                    officer, item, title=title, province_unit=Unit.objects.get(code=unit), counterparty=counterparty,
                    signed_on=signed_on, milestones=[(m, today + dt.timedelta(days=d)) for m, d in milestones])
            if stage in (Commitment.Stage.STARTED, Commitment.Stage.DELIVERED):
                commitment = commitments.advance_commitment(officer, commitment, expected_stage=Commitment.Stage.SIGNED,
                                                            on=today - dt.timedelta(days=40))
            if stage == Commitment.Stage.DELIVERED:
                commitments.advance_commitment(officer, commitment, expected_stage=Commitment.Stage.STARTED,
                                               on=today - dt.timedelta(days=20))
            for milestone in commitment.milestones.filter(due__lt=today):
                commitments.complete_commitment_milestone(officer, milestone, on=milestone.due)


def load_instructions() -> None:
    """A leader's instruction on a letter about delayed homes (保交楼), registered by the office
    a week ago: two tasks, and the housing department's draft reply awaiting review; and the
    demo leader's portfolio (分管): safe production and the housing department."""
    if InstructionDocument.objects.exists():
        return
    officer, leader = User.objects.get(username="supervisor"), User.objects.get(username="leader")
    housing, shenyang = Unit.objects.get(code="HOUSING"), Unit.objects.get(code="SY")
    today = lib.today()
    leaders.put_in_charge(officer, leader=leader, area=PriorityArea.objects.get(code="SAFETY"),
                          valid_from=today - dt.timedelta(days=365))
    leaders.put_in_charge(officer, leader=leader, unit=housing, valid_from=today - dt.timedelta(days=365))
    with lib.clock_at(today - dt.timedelta(days=7)):
        document = leaders.register_instruction(officer, leaders.InstructionInput(
            leader=leader, leader_name="", date=lib.today() - dt.timedelta(days=1),
            title="省信访局《关于沈阳市部分保交楼项目购房群众集中反映问题的报告》",
            text="请省住建厅牵头、沈阳市配合，逐个项目摸清底数，制定交付计划，依法依规化解群众诉求。"
                 "请于两周内报送办理情况。",
            lead_unit=housing, other_units=[shenyang],
            priority_areas=list(PriorityArea.objects.filter(code="LIVELIHOOD")),
            reply_due=lib.today() + dt.timedelta(days=14), task_deadline=today + dt.timedelta(days=45)))
        for task in leaders.document_tasks(document):
            tasks.assign_task(officer, task)
    with lib.clock_at(today - dt.timedelta(days=1)):
        housing_liaison = User.objects.get(username="housing")
        leaders.draft_reply(housing_liaison, document,
                            text="省住建厅会同沈阳市对涉及的12个项目逐一核查，已制定“一项目一方案”交付计划，"
                                 "其中5个项目年底前交付，其余明年6月底前全部交付；已约谈开发企业7家。")


def fresh(task: tasks.Task) -> tasks.Task:
    return tasks.Task.objects.get(pk=task.pk)


@transaction.atomic
def load_demo() -> list[DemoUser]:
    directory = load_directory()
    load_units(directory)
    users = load_users()
    load_meeting(directory, READOUT)
    seed = load_meeting(directory, READOUT_ZH)
    load_tasks(seed, directory)
    load_commitments(seed)


    load_tasks(load_meeting(directory, READOUT_ZH), directory)
    load_instructions()
    return users
