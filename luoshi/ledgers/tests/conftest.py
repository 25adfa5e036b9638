import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages are asserted in English (the zh-hans catalogue translates some of them)."""
    with translation.override("en"):
        yield
