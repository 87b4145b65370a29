"""Playwright fixtures: Debian's chromium against pytest-django's live_server.

Browser tests carry ``@pytest.mark.browser`` and run with ``make test-browser`` (and in CI).
Never ``playwright install``: we drive the system chromium.
"""

import os
import re
import shutil

import pytest

CHROMIUM = os.environ.get("TONGBAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def phone_page(browser, live_server, request):
    """A phone-sized page (390×844, touch) with zh-CN locale, based at the live server.

    With ``TONGBAN_SCREENSHOTS=<folder>`` the last screen of each test is saved there."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if os.environ.get("TONGBAN_SCREENSHOTS"):
        target = os.environ["TONGBAN_SCREENSHOTS"]
        os.makedirs(target, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:100]
        page.screenshot(path=os.path.join(target, f"{name}.png"), full_page=True)
    context.close()
