"""The header: each role's links, the current page marked, the unread count."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.notifications.models import Notification
from luoshi.notifications.services import mark_read, unread_count

NAV = re.compile(r'<nav class="main-nav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')

LINKS = {
    "supervisor": ["home", "meeting_list", "ledger", "instruction_list", "task_requests", "scoring", "documents", "search"],
    "leader": ["home", "meeting_list", "ledger", "instruction_list", "scoring", "documents", "search"],
    "liaison": ["home", "meeting_list", "ledger", "instruction_list", "task_requests", "scoring", "search"],
    "secretary": ["home", "meeting_list", "search"],
    "sysadmin": ["home", "unit_list", "webhooks", "account_requests"],
    "secadmin": ["home", "account_list", "account_requests"],
    "auditadmin": ["home", "audit_log", "account_requests"],
}


def _links(client: Client, url: str) -> list[tuple[str, bool, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    found = NAV.search(response.content.decode())
    assert found, "no main navigation"
    return [(href, bool(current), label) for href, current, label in LINK.findall(found.group(1))]


@pytest.mark.parametrize("persona", sorted(LINKS))
def test_each_role_sees_its_own_links_and_home_is_current_on_home(province, persona):
    client = Client()
    client.force_login(getattr(province, persona))
    links = _links(client, reverse("home"))
    assert [href for href, _, _ in links] == [reverse(name) for name in LINKS[persona]]
    assert [current for _, current, _ in links] == [name == "home" for name in LINKS[persona]]


def test_the_section_a_page_belongs_to_is_current_and_labels_follow_the_language(province):
    client = Client()
    client.force_login(province.supervisor)
    task = province.assigned()
    on_task = dict((href, current) for href, current, _ in _links(client, task.get_absolute_url()))
    assert on_task == {reverse(name): name == "ledger" for name in LINKS["supervisor"]}, "a task is under the ledger"
    assert [label for _, _, label in _links(client, reverse("ledger"))][:3] == ["概览", "会议", "台账"]
    client.cookies["django_language"] = "en"
    assert [label for _, _, label in _links(client, reverse("ledger"))][:3] == ["Overview", "Meetings", "Ledger"]


def test_the_units_link_is_current_anywhere_under_system(province):
    client = Client()
    client.force_login(province.sysadmin)
    links = _links(client, reverse("area_list"))
    assert [(href, current) for href, current, _ in links if current] == [(reverse("unit_list"), True)]


def test_the_unread_count_counts_only_the_users_unread_notifications(province):
    province.assigned()  # notifies the lead unit's liaison
    mine = Notification.objects.filter(recipient=province.liaison)
    assert mine.exists()
    assert unread_count(province.liaison) == mine.filter(read_at__isnull=True).count() > 0
    assert unread_count(province.other_liaison) == 0
    mark_read(province.liaison, mine.first().pk)
    assert unread_count(province.liaison) == mine.filter(read_at__isnull=True).count()
    mark_read(province.liaison)
    assert unread_count(province.liaison) == 0
