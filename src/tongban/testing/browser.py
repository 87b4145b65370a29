"""Playwright fixtures: Debian's chromium against pytest-django's live_server.

Browser tests carry ``@pytest.mark.browser`` and run with ``make test-browser`` (and in CI).
Never ``playwright install``: we drive the system chromium.

Helpers for the journeys: ``fits_phone(page)`` (no sideways scrolling at 390 px),
``login_staff(page, username)`` (staff without a mobile: password only),
``login_citizen(page, outbox_page, mobile)`` (password, then the SMS code read from the
simulator's outbox on ``outbox_page``, a page signed in as an operator) and
``latest_code(outbox_page, mobile)``; ``sign_in(page, live_server, user)`` skips the login
pages (a session cookie for ``user``, replacing the page's cookies). Passwords default to the
test factories' one.
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
PASSWORD = "Tongban#2026"  # the test factories' password


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


def fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def login_staff(page, username, password=PASSWORD) -> None:
    """Staff without a mobile number sign in with the password alone."""
    from playwright.sync_api import expect

    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="下一步").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def latest_code(outbox_page, mobile) -> str:
    """The newest SMS code sent to ``mobile``, read from the simulator's outbox."""
    outbox_page.goto("/console/sms/")
    row = outbox_page.locator("#sms-outbox tbody tr", has_text=mobile).first
    return re.search(r"\d{6}", row.locator(".sms-text").inner_text()).group()


def login_citizen(page, outbox_page, mobile, *, identifier=None, password=PASSWORD) -> None:
    """Password, then the SMS code read from the simulator outbox."""
    from playwright.sync_api import expect

    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(identifier or mobile)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="短信验证")).to_be_visible()
    page.get_by_label("短信验证码").fill(latest_code(outbox_page, mobile))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def sign_in(page, live_server, user) -> None:
    """Sign ``page``'s browser context in as ``user`` without the login pages."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
