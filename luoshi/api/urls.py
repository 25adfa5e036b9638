import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path
from django.utils.translation import gettext as _

from luoshi.api import views
from luoshi.api.api import api, error


def _json_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """django-ninja answers a wrong method with a plain-text 405; the API answers in JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error(request, 405, "method_not_allowed",
                             _("This address does not accept %(method)s; it accepts %(allowed)s.")
                             % {"method": request.method, "allowed": allowed})
            response["Allow"] = allowed
        return response

    return wrapper


_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    assert _pattern.callback is not None  # every pattern of the API is a view  # nosec B101
    _pattern.callback = _json_not_allowed(_pattern.callback)

urlpatterns = [
    path("api/tokens/", views.tokens, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", views.revoke_token, name="api_token_revoke"),
    path("api/", (_patterns, _app, _namespace)),
    path("api/<path:rest>", views.not_found),
]
