"""The main pages' markup: every id is unique, and every `for`, `aria-describedby`,
`aria-labelledby` and `aria-controls` names an id that is on the page."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls")


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1
            elif name in REFERENCES and value:
                self.references.extend((tag, name, target) for target in value.split())


def problems(html: str) -> list[str]:
    parser = Ids()
    parser.feed(html)
    found = [f"id {name!r} appears {n} times" for name, n in parser.ids.items() if n > 1]
    found += [f"<{tag} {attribute}={target!r}> names no element"
              for tag, attribute, target in parser.references if target not in parser.ids]
    return found


def page(user, url: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_checker_finds_a_duplicate_and_a_dangling_reference():
    """The parser itself: two equal ids and an aria-describedby to nowhere are both reported."""
    assert len(problems('<p id="a"></p><p id="a"></p><input aria-describedby="b">')) == 2
    assert problems('<label for="x">X</label><input id="x">') == []


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "leader"])
def test_the_task_page_has_unique_ids_and_no_dangling_references(province, persona):
    """Every action form of the task page has ids of its own (reason, version, deadline …)."""
    in_progress = province.in_progress()
    asking = province.completion_requested()
    draft = province.draft()
    for task in (draft, in_progress, asking):
        if persona != "supervisor" and task is draft:
            continue
        assert problems(page(getattr(province, persona), task.get_absolute_url())) == [], task.status


@pytest.mark.parametrize("url", ["/", "/tasks/", "/tasks/?status=draft&meeting=常务会议", "/documents/", "/meetings/",
                                 "/search/?q=安全", "/scoring/",
                                 "/notifications/preferences/"])
def test_the_main_pages_have_unique_ids_and_no_dangling_references(province, url):
    """The home page, ledger, documents, meetings, search and scores, as the supervision office."""
    province.in_progress()
    province.completion_requested()
    province.draft()
    assert problems(page(province.supervisor, url)) == []


@pytest.mark.parametrize("persona", ["liaison", "leader", "secretary", "sysadmin"])
def test_each_home_has_unique_ids_and_no_dangling_references(province, persona):
    """Each role's home page."""
    province.in_progress()
    province.signed(deadline_days=2)
    assert problems(page(getattr(province, persona), "/")) == []


def test_the_task_page_with_a_failed_form_has_unique_ids_and_no_dangling_references(province):
    """After a refused report the page shows the form's errors, still with unique ids."""
    task = province.in_progress()
    client = Client()
    client.force_login(province.liaison)
    response = client.post(f"/tasks/{task.pk}/report/", {"version": task.version, "text": "", "progress": "120"})
    assert response.status_code == 422
    assert problems(response.content.decode()) == []
