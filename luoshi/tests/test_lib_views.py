"""What views share from luoshi.lib: when a request wants a fragment, and how a service's
refusal reaches the user."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import RequestFactory

from luoshi.lib import (
    ConflictError,
    Forbidden,
    InvalidInput,
    NotFound,
    TransitionError,
    is_htmx,
    perform,
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
