"""The API token page (/api/tokens/): create a token (shown once), list and revoke them;
and the JSON 404 for addresses under /api/ that do not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.api import services
from luoshi.api.forms import TokenForm
from luoshi.lib import perform, signed_in

NEW_TOKEN_KEY = "luoshi_new_api_token"  # nosec B105 # a session key's name, not a secret



@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            result, _error = perform(request, lambda: services.create_token(signed_in(request), name=form.cleaned_data["name"]))
            if result is not None:
                # Shown on the next page only (kept in the server-side session, not a cookie).
                request.session[NEW_TOKEN_KEY] = {"name": result[0].name, "token": result[1]}
                return redirect("api_tokens")
        status = 400
    return render(request, "api/tokens.html", {
        "form": form if form.is_bound else TokenForm(),
        "tokens": services.active_tokens(signed_in(request)),
        "new_token": request.session.pop(NEW_TOKEN_KEY, None),
        "docs_url": reverse("api:openapi-view"),
        "schema_url": reverse("api:openapi-json"),
        "base_url": request.build_absolute_uri("/api/v1/"),
    }, status=status)


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token, _error = perform(request, lambda: services.revoke_token(signed_in(request), pk))
    if token is not None:
        messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("api_tokens")


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"error": "not_found", "message": _("There is no such address in the API.")}, status=404)
