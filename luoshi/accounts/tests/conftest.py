import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):  # type: ignore[no-untyped-def]
    """The account tests read English text: pages and service messages are in English."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
