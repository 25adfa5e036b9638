"""Browser tests: Playwright for Python driving the machine's chromium (never a downloaded one).

Without chromium these tests are skipped, unless LUOSHI_REQUIRE_BROWSER=True (as in CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from luoshi.lib import envbool

# Playwright's sync API runs an event loop in this thread; the tests also use the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if envbool("LUOSHI_REQUIRE_BROWSER", "False"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# htmx marks an element while its request runs, while the answer is swapped in and while it
# settles (htmx.config's requestClass, swappingClass, settlingClass and addedClass).
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until htmx has swapped in every answer. The page's "networkidle" state was reached
    when it first loaded, so waiting for it again returns at once, while an answer may still be
    on its way into the page: a test that goes on would act on the part about to be replaced."""
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def signed_in(browser, base: str, username: str, password: str):  # type: ignore[no-untyped-def]
    """A new Chinese browser context signed in as `username`, and its page."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url
    return context, page
