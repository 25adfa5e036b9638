"""links.numbered gives what reverse() gives, for any id and under a script prefix."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix

from luoshi.links import numbered


@pytest.mark.parametrize("name", ["task_detail", "meeting_detail", "api:task"])
@pytest.mark.parametrize("prefix", ["/", "/luoshi/"])
def test_numbered_is_reverse(name, prefix):
    set_script_prefix(prefix)
    try:
        url = numbered(name)
        for pk in [1, 7, 10, 2**31, 2**63 - 1, "42"]:
            assert url(pk) == reverse(name, args=[pk])  # type: ignore[arg-type]
    finally:
        set_script_prefix("/")


def test_numbered_refuses_what_is_not_an_id():
    with pytest.raises(ValueError):
        numbered("task_detail")("1/../../admin")  # type: ignore[arg-type]


@pytest.mark.parametrize("prefix", ["/", "/luoshi/", "/"])
def test_tasks_and_meetings_link_to_their_pages_under_any_script_prefix(prefix):
    """get_absolute_url reuses the reversed pattern of its script prefix, never another's."""
    from luoshi.meetings.models import Meeting
    from luoshi.tasks.models import Task

    set_script_prefix(prefix)
    try:
        assert Task(pk=12).get_absolute_url() == reverse("task_detail", args=[12]) == f"{prefix}tasks/12/"
        assert Meeting(pk=3).get_absolute_url() == reverse("meeting_detail", args=[3])
    finally:
        set_script_prefix("/")


def test_numbered_takes_the_arguments_after_the_id():
    """Each (name, further arguments) has its own pattern: task actions by name."""
    for action in ("report", "sign", "report"):
        assert numbered("task_action", action)(9) == reverse("task_action", args=[9, action])
