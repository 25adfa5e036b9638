"""What views share from luoshi.lib: when a request wants a fragment, and how a service's
refusal reaches the user."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from luoshi.accounts.models import User
from luoshi.lib import (
    ConflictError,
    Forbidden,
    InvalidInput,
    NotFound,
    TransitionError,
    field_of,
    is_htmx,
    perform,
    signed_in,
)


@pytest.mark.parametrize(("headers", "fragment"), [
    ({}, False),
    ({"HTTP_HX_REQUEST": "true"}, True),
    ({"HTTP_HX_REQUEST": "false"}, False),
    # htmx restoring a page missing from its history cache asks for the whole page.
    ({"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, False),
])
def test_is_htmx_wants_a_fragment_only_for_an_ordinary_htmx_request(headers: dict[str, str], fragment: bool):
    assert is_htmx(RequestFactory().get("/", **headers)) is fragment


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_perform_returns_the_result_of_a_call_that_succeeds():
    assert perform(_request(), lambda: 42) == (42, "")


@pytest.mark.parametrize("error", [ConflictError, TransitionError, InvalidInput])
def test_perform_turns_a_refusal_into_a_message(error: type[Exception]):
    request = _request()

    def refuse() -> None:
        raise error("The task was changed by somebody else.")

    assert perform(request, refuse) == (None, "The task was changed by somebody else.")
    assert [str(m) for m in get_messages(request)] == ["The task was changed by somebody else."]


@pytest.mark.parametrize("error", [Forbidden, NotFound])
def test_perform_answers_not_yours_like_not_there(error: type[Exception]):
    def refuse() -> None:
        raise error("task")

    with pytest.raises(Http404):
        perform(_request(), refuse)


@pytest.mark.django_db
def test_signed_in_gives_the_user_and_refuses_an_anonymous_request():
    request = RequestFactory().get("/")
    request.user = User.objects.create_user("signed-in", password="x-unused-1")
    assert signed_in(request) == request.user
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in(request)


class _Form(forms.Form):
    unit = forms.ModelChoiceField(queryset=User.objects.none())
    name = forms.CharField()


def test_field_of_gives_a_field_of_the_class_asked_and_refuses_another():
    form = _Form()
    assert field_of(form, "unit", forms.ModelChoiceField) is form.fields["unit"]
    assert field_of(form, "name", forms.Field) is form.fields["name"]
    with pytest.raises(TypeError, match="_Form.name is a CharField, not a ModelChoiceField"):
        field_of(form, "name", forms.ModelChoiceField)
