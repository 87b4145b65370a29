"""The workbench in a real browser (Debian chromium): the clerk's queue and case page on a
phone, accepting through the HTMX form, an approver's decision, and the desktop queue.

With ``TONGBAN_SCREENSHOTS=<folder>`` the screens used by the staff guide are saved there
(``workbench-*.png``).
"""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongban.cases.models import Case, CaseTask
from tongban.cases.services import lifecycle
from tongban.cases.tests._workbench_setup import make_case, make_item
from tongban.testing.browser import PHONE, sign_in
from tongban.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("TONGBAN_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)


def _fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


@pytest.fixture
def queue_data(citizen, gz_market_dept, clerk, approver):
    item = make_item(gz_market_dept)
    other = make_item(gz_market_dept, name="食品经营许可")
    applicants = [
        citizen,
        UserFactory(name="李四", id_number="440304198505050020"),
        UserFactory(name="欧阳娜娜", id_number="440103199512120028"),
    ]
    submitted = [make_case(a, item) for a in applicants]
    reviewed = lifecycle.accept_case(make_case(citizen, other), actor=clerk)
    # an older acceptance, now close to its promised deadline (yellow), and an overdue one
    for days, implementation in ((1, other), (-12, item)):
        case = lifecycle.accept_case(make_case(applicants[1], implementation), actor=clerk)
        Case.objects.filter(pk=case.pk).update(
            promised_deadline=timezone.localdate() + datetime.timedelta(days=days)
        )
    return {"submitted": submitted, "reviewed": reviewed}


def test_clerk_accepts_from_the_queue_on_a_phone(phone_page, live_server, clerk, queue_data):
    page = phone_page
    sign_in(page, live_server, clerk)
    page.goto("/workbench/cases/")
    expect(page.get_by_role("heading", name="办件队列")).to_be_visible()
    first = queue_data["submitted"][0]
    expect(page.locator(f'tr[data-number="{first.number}"]')).to_be_visible()
    _fits_phone(page)
    _shot(page, "workbench-queue-phone")

    page.get_by_label("搜索").fill("李四")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(f'tr[data-number="{first.number}"]')).to_have_count(0)
    expect(page.locator(f'tr[data-number="{queue_data["submitted"][1].number}"]')).to_be_visible()

    page.goto(f"/workbench/cases/{first.number}/")
    expect(page.get_by_text("政府核验").first).to_be_visible()
    _fits_phone(page)
    _shot(page, "workbench-case-phone")

    page.get_by_text("一次性告知补正").click()
    page.locator("#action-correction").get_by_role("checkbox", name="经营场所证明").check()
    expect(page.locator("#action-correction")).to_be_visible()
    _shot(page, "workbench-correction-phone")

    page.locator("#action-accept").get_by_role("button", name="受理").click()
    expect(page.locator('[data-status="in_review"]')).to_be_visible()
    expect(page.get_by_text("已受理。")).to_be_visible()
    first.refresh_from_db()
    assert first.status == Case.Status.IN_REVIEW


def test_approver_decides_and_batch_accept_on_desktop(
    browser, live_server, approver, clerk, queue_data
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, clerk)
        page.goto("/workbench/cases/?view=all")
        _shot(page, "workbench-queue-desktop")
        for case in queue_data["submitted"][1:]:
            page.locator(f"#pick-{case.number}").check()
        page.get_by_role("button", name="批量受理所选办件").click()
        expect(page.locator('.batch-results [data-outcome="accepted"]')).to_have_count(2)
        _shot(page, "workbench-batch-desktop")

        reviewed = queue_data["reviewed"]
        task = reviewed.tasks.get()
        context.clear_cookies()
        sign_in(page, live_server, approver)
        page.goto(f"/workbench/cases/{reviewed.number}/")
        form = page.locator(f"#action-decide-{task.pk}")
        form.get_by_label("同意", exact=True).check()
        form.get_by_label("审查意见").fill("材料齐全，符合条件，同意。")
        _shot(page, "workbench-decision-desktop")
        form.get_by_role("button", name="提交审查意见").click()
        expect(page.locator('[data-status="approved"]')).to_be_visible()
        task.refresh_from_db()
        assert task.status == CaseTask.Status.APPROVED
    finally:
        context.close()
