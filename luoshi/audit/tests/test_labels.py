"""The audit viewer speaks people's words: every verb the code records has a label, object
types are model names, and the Chinese page shows no code identifier."""

from __future__ import annotations

import ast
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import translation

from luoshi.accounts.services import set_active
from luoshi.audit import labels
from luoshi.audit.models import AuditEvent
from luoshi.meetings.services import record_meeting, update_meeting
from luoshi.testing.fixtures import PASSWORD, Province
from luoshi.units.services import rename_unit

PACKAGE = Path(__file__).resolve().parents[2]
SKIPPED = {"tests", "migrations", "testing", "security_tests", "browser_tests"}
# The functions that write an event, and the position of their verb.
WRITERS = {"record_event": 1, "record_events": 1}


def _sources() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")
            if not SKIPPED & set(path.relative_to(PACKAGE).parts)}


def _called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _calls(tree: ast.Module) -> list[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Every call with the innermost function around it (None at module level)."""
    found = []

    def visit(node: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                found.append((child, function))
            visit(child, inner)

    visit(tree, None)
    return found


def collect_verbs() -> tuple[set[str], list[str]]:
    """Every verb passed to record_event / record_events, following a verb handed down as a
    parameter (tasks.services._change, audit.services.note_audit_read) to the callers' constants.
    Returns the verbs and the places where the verb cannot be read from the code."""
    trees = _sources()
    calls = {path: _calls(tree) for path, tree in trees.items()}
    writers = dict(WRITERS)  # function name → verb position
    names = {"record_event": "verb", "record_events": "verb"}
    verbs: set[str] = set()
    unknown: list[str] = []
    done: set[str] = set()
    while set(writers) - done:
        for function in sorted(set(writers) - done):
            done.add(function)
            for path, found in calls.items():
                for call, outer in found:
                    if _called(call) != function:
                        continue
                    params = [a.arg for a in outer.args.args] if outer is not None else []
                    pending = [_argument(call, writers[function], names[function])]
                    while pending:
                        expr = pending.pop()
                        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                            verbs.add(expr.value)
                        elif isinstance(expr, ast.IfExp):
                            pending += [expr.body, expr.orelse]
                        elif isinstance(expr, ast.Name) and outer is not None and expr.id in params:
                            shift = 1 if params[:1] in (["self"], ["cls"]) else 0
                            writers.setdefault(outer.name, params.index(expr.id) - shift)
                            names.setdefault(outer.name, expr.id)
                        elif expr is not None:
                            unknown.append(f"{path.relative_to(PACKAGE)}:{call.lineno}")
    # The test-data generator (luoshi/testing, not walked above) appends real events in bulk
    # from a list of (verb, objects) pairs.
    generator = ast.parse((PACKAGE / "testing" / "generate.py").read_text(encoding="utf-8"))
    for keyword in (n for n in ast.walk(generator) if isinstance(n, ast.keyword) and n.arg == "events"):
        for pair in ast.walk(keyword.value):
            if isinstance(pair, ast.Tuple) and pair.elts and isinstance(pair.elts[0], ast.Constant):
                verbs.add(pair.elts[0].value)
    return verbs, unknown


def test_every_verb_in_the_code_has_a_label():
    """A verb written anywhere in the code, directly or through a helper, has its words."""
    verbs, unknown = collect_verbs()
    assert not unknown, f"the verb cannot be read from the code at {unknown}: pass a string constant"
    assert {"deactivate_user", "reactivate_user", "roll_up_progress", "read_audit", "sign_in_failed",
            "update_meeting", "import_task"} <= verbs  # the walk finds direct, conditional and handed-down verbs
    missing = sorted(verbs - set(labels.VERBS))
    assert not missing, f"add these verbs to luoshi/audit/labels.py VERBS (and their Chinese): {missing}"


def test_the_labels_are_translated():
    """Each action and each object type has Chinese words of its own."""
    with translation.override("zh-hans"):
        untranslated = [verb for verb, label in labels.VERBS.items()
                        if not re.search(r"[\u4e00-\u9fff]", str(label))]
        types = [name for _value, name in labels.type_choices() if not re.search(r"[\u4e00-\u9fff]", name)]
    assert not untranslated and not types, (untranslated, types)
    with translation.override("en"):
        assert labels.verb_label("deactivate_user") == "deactivated an account"
        assert labels.type_label("tasks.taskcount") == "task count"
    with translation.override("zh-hans"):
        assert labels.verb_label("deactivate_user") == "停用账户"


class _Text(HTMLParser):
    """The text a reader sees: data outside <script> and <style>, with the labels of options."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"script", "style"}

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:accounts|audit|meetings|tasks|units|ledgers|notifications)\.[a-z]+\b")


def test_the_chinese_page_shows_no_code_identifier(province: Province):
    """Actions, object types, field names and coded values are all words on the Chinese page."""
    province.completed()
    province.cancelled()
    meeting = record_meeting(province.secretary, kind="executive", title="第2次常务会议", date=None)
    update_meeting(province.secretary, meeting, kind="executive", title="第2次常务会议", date=dt.date(2022, 10, 8),
                   expected_version=1)
    rename_unit(None, province.city, name_zh="沈阳", name_en="Shenyang")
    set_active(province.secadmin, province.leader, active=False)
    Client().post("/login/", {"username": "liaison", "password": "wrong-password"})
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username="auditadmin", password=PASSWORD)
    response = client.get(reverse("audit_log"))
    parser = _Text()
    parser.feed(response.content.decode())
    text = " ".join(parser.parts)
    assert "停用账户" in text and "登录失败" in text and "更正会议" in text and "批准办结" in text
    assert "“liaison”（登录时输入）" in text
    assert not CODE.findall(text), sorted(set(CODE.findall(text)))
    unnamed = set()
    for event in AuditEvent.objects.all():
        for snapshot in (event.before, event.after):
            for key in snapshot if isinstance(snapshot, dict) else ():
                model = labels.model_of(event.object_type)
                fields = {f.name for f in model._meta.get_fields()} if model else set()
                if key not in labels.FIELDS and key not in fields:
                    unnamed.add((event.object_type, key))
    assert not unnamed, f"add these keys to luoshi/audit/labels.py FIELDS: {sorted(unnamed)}"


def test_it_names_the_objects_of_a_page_in_one_query_per_kind(province: Province, django_assert_num_queries):
    """A page of events names its tasks, users, units and meetings with one query per kind;
    a deleted object is named from its snapshot."""
    task = province.assigned()
    set_active(province.secadmin, province.leader, active=False)
    events = list(AuditEvent.objects.order_by("-id"))
    kinds = {e.object_type for e in events} & {"tasks.task", "accounts.user", "units.unit", "meetings.meeting",
                                               "meetings.priorityarea"}
    with translation.override("en"), django_assert_num_queries(len(kinds)):
        names = labels.object_names(events)
    assert names[("tasks.task", str(task.pk))] == task.title
    assert names[("units.unit", str(province.city.pk))] == "Shenyang"
    assert names[("accounts.user", str(province.leader.pk))] == "leader"
    gone = AuditEvent(object_type="meetings.meeting", object_id="999999", verb="delete_meeting",
                      before={"title": "重复录入的会议"})
    assert labels.object_names([gone]) == {("meetings.meeting", "999999"): "重复录入的会议"}


def test_the_filters_offer_the_words_and_filter_by_the_code(province: Province):
    """The action filter lists labels; choosing one filters the events with that verb."""
    province.assigned()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username="auditadmin", password=PASSWORD)
    response = client.get(reverse("audit_log"), {"verb": "assign_task", "object_type": "tasks.task"})
    html = response.content.decode()
    assert '<option value="assign_task" selected>交办督办事项</option>' in html
    assert [shown.event.verb for shown in response.context["events"]] == ["assign_task"]
    assert "督办事项" in dict(response.context["form"].fields["object_type"].choices)["tasks.task"]
    bad = client.get(reverse("audit_log"), {"verb": "no_such_verb"})
    assert bad.status_code == 400


def test_unit_codes_in_snapshots_show_as_unit_names(province: Province):
    """A task's lead and cooperating units are named, not coded, in its before and after."""
    from luoshi.audit.views import changes

    province.assigned(cooperating_units=[province.health, province.city])
    event = AuditEvent.objects.filter(verb="assign_task").get()
    with translation.override("zh-hans"):
        rows = {row.field: row for row in changes(event, labels.unit_names([event]))}
    assert rows["牵头单位"].after == "省应急管理厅"
    assert rows["配合单位"].after == "省卫生健康委、沈阳市"  # the snapshot sorts by code: HEALTH, SY
    assert rows["状态"].before == "草稿" and rows["状态"].after == "已交办"
