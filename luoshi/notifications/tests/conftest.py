import pytest


@pytest.fixture(autouse=True)
def local_receivers(settings):  # type: ignore[no-untyped-def]
    """The test receivers listen on 127.0.0.1 over plain HTTP: allowed here exactly as a deployment
    would allow its own internal receiver (test_targets.py turns this off to test the refusals)."""
    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
