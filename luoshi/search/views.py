from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from luoshi.lib import signed_in
from luoshi.meetings.services import may_read_meetings
from luoshi.search.forms import SearchForm
from luoshi.search.models import SearchDocument
from luoshi.search.results import Results, search


@login_required
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """/search/?q=…&kind=…&page=…: the documents the user may read, best first."""
    if not may_read_meetings(signed_in(request)):
        raise Http404
    form = SearchForm(request.GET)
    query, kind, page = "", "", 1
    if form.is_valid():
        query, kind, page = form.cleaned_data["q"], form.cleaned_data["kind"], form.cleaned_data["page"] or 1
    else:
        query = (request.GET.get("q") or "")[:200]
    results = search(signed_in(request), query, kind=kind, page=page) if query else Results(query="", kind=kind)
    tabs = [("", _("All"), results.tab_count(""))] + [
        (value, label, results.tab_count(value)) for value, label in SearchDocument.Kind.choices
    ]
    return render(request, "search/search.html", {
        "form": form, "results": results, "tabs": tabs, "cap": settings.LUOSHI_SEARCH_MAX_COUNTED,
        "base_query": urlencode({"q": query}),
        "page_query": urlencode({"q": query, **({"kind": results.kind} if results.kind else {})}),
    })

