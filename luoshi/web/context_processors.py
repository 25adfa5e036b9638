"""The header's navigation, decided in Python: which links the user's role shows and which is
the current page. (As template tags, eleven reversed URLs and a dozen role comparisons cost
every page about a millisecond and a half.)"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import User

R = User.Role
EVERYONE = frozenset(R.values)
BUSINESS = frozenset({R.SUPERVISOR, R.LEADER, R.LIAISON, R.SECRETARY})  # not one of the three administrators


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool


@dataclass(frozen=True)
class Entry:
    name: str  # URL name
    label: Promise
    roles: frozenset[str]
    exact: bool = False  # current on its own page only, not on the pages under it
    section: str = ""  # current on every page under this path, rather than under its URL

    def link(self, path: str) -> Link:
        url = reverse(self.name)
        current = path == url if self.exact else (self.section or url) in path
        return Link(url, str(self.label), current)


MAIN = (
    Entry("home", _("Overview"), EVERYONE, exact=True),
    Entry("meeting_list", _("Meetings"), BUSINESS),
    Entry("ledger", _("Ledger"), BUSINESS - {R.SECRETARY}),
    Entry("instruction_list", _("Instructions"), frozenset({R.SUPERVISOR, R.LEADER, R.LIAISON})),
    Entry("task_requests", _("Requests"), frozenset({R.SUPERVISOR, R.LIAISON})),
    Entry("scoring", _("Scores"), frozenset({R.SUPERVISOR, R.LEADER, R.LIAISON})),
    Entry("documents", _("Documents"), frozenset({R.SUPERVISOR, R.LEADER})),
    Entry("account_list", _("Accounts"), frozenset({R.SECURITY_ADMIN})),
    Entry("unit_list", _("Units and areas"), frozenset({R.SYSTEM_ADMIN}), section="/system/"),
    Entry("audit_log", _("Audit trail"), frozenset({R.AUDIT_ADMIN})),
    Entry("search", _("Search"), BUSINESS, exact=True),
    Entry("webhooks", _("Webhooks"), frozenset({R.SYSTEM_ADMIN})),
    Entry("account_requests", _("Approvals"), frozenset({R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDIT_ADMIN})),
)


def main_links(role: str, path: str) -> list[Link]:
    return [entry.link(path) for entry in MAIN if role in entry.roles]


class FixedUrls:
    """`urls.home` in a template: the address of a URL name without arguments."""

    def __getitem__(self, name: str) -> str:
        return reverse(name)


URLS = FixedUrls()


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav`: the main navigation's links for the signed-in user (a callable, so pages that
    do not show the header do not pay for it); `urls`: the header's other addresses."""
    def links() -> list[Link]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return main_links(user.role, request.path)

    return {"nav": links, "urls": URLS}
