"""Every tool a staff member reaches from their home page opens, in Chinese, on a phone.

Walks the workbench and console cards of the demo province's staff (operator, auditor,
department admin, window clerk, approver) in Debian chromium at 390×844: each page answers
200, has a Chinese heading and does not scroll sideways.
"""

import re

import pytest

from tongban.demo.services import DEMO_PASSWORD, seed_demo_province
from tongban.testing.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")


def _login(page, username):
    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/account/$"))


def _tool_links(page, home):
    page.goto(home)
    return page.eval_on_selector_all("main section.card h2 a", "links => links.map(a => a.href)")


@pytest.mark.parametrize(
    ("username", "home", "expected_tools"),
    [
        ("operator", "/console/", 8),
        ("auditor", "/console/", 1),
        ("gz_admin", "/console/", 5),
        ("th_clerk", "/workbench/", 3),
        ("th_approver", "/workbench/", 3),
    ],
)
def test_staff_tools_open_in_chinese_on_a_phone(
    browser, live_server, username, home, expected_tools
):
    seed_demo_province(persons=40, entities=5)
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    _login(page, username)
    links = _tool_links(page, home)
    assert len(links) >= expected_tools, links
    for link in links:
        response = page.goto(link)
        assert response.status == 200, link
        heading = page.locator("main h1").first.inner_text()
        assert CJK.search(heading), (link, heading)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, (link, width)
    context.close()
