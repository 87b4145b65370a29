"""并联审批 in a real browser: 建设工程规划许可证核发 with two joint departments.

A company (its legal representative on a phone) applies at the 广州市自然资源局; the window
clerk accepts; the review stage runs in parallel — the 自然资源局, the joint
住房和城乡建设局 and 生态环境局 each approve their own task, in an order of their choosing;
the decision stage opens only after all three, and the case is approved only then.

Only the data is set up directly (org units, catalogue, registry, accounts, the bound
company); every step goes through the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from tongban.cases.models import Case, CaseTask
from tongban.cases.tests.test_journey_browser import (
    CITIZEN_ID,
    CITIZEN_MOBILE,
    CITIZEN_NAME,
    province_data,  # noqa: F401  (fixture)
    staff_member,
    tiny_pdf,
)
from tongban.core.audit import verify_chain
from tongban.core.orgunits import department_unit
from tongban.identity.models import User
from tongban.identity.services.companies import bind_company
from tongban.testing.browser import fits_phone, login_citizen, login_staff
from tongban.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM_NAME = "建设工程规划许可证核发"
CITY = "440100"
LEAD, JOINT_HOUSING, JOINT_ENVIRONMENT = "自然资源局", "住房和城乡建设局", "生态环境局"
COMPANY_USCC, COMPANY_NAME = "91440106739120115G", "广州市天河区通办示范科技有限公司"


@pytest.fixture
def joint_people(province_data):  # noqa: F811
    citizen = UserFactory(
        username=CITIZEN_ID,
        id_number=CITIZEN_ID,
        name=CITIZEN_NAME,
        mobile=CITIZEN_MOBILE,
        realname_level=User.Level.L2,
    )
    bind_company(citizen, COMPANY_USCC, actor=citizen)
    lead = department_unit(CITY, LEAD)
    staff_member("window_clerk", lead, "nr_clerk", "林窗口")
    staff_member("approver", lead, "nr_approver", "陈规划")
    staff_member("approver", department_unit(CITY, JOINT_HOUSING), "hc_approver", "何住建")
    staff_member("approver", department_unit(CITY, JOINT_ENVIRONMENT), "ee_approver", "梁环保")
    return citizen, lead


def _status(case) -> str:
    return Case.objects.values_list("status", flat=True).get(pk=case.pk)


def _approve_own_task(browser, live_server, username, number) -> None:
    """One department's approver signs in, opens the case and approves the task(s) shown to
    them (only their own department's active task is offered)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login_staff(page, username)
    page.goto("/workbench/cases/")
    page.get_by_role("link", name=number).click()
    forms = page.locator("form[id^=action-decide-]")
    expect(forms).to_have_count(1)
    form_id = forms.first.get_attribute("id")
    forms.first.get_by_label("同意", exact=True).check()
    forms.first.get_by_label("审查意见").fill("经审查，同意")
    forms.first.get_by_role("button", name="提交审查意见").click()
    expect(page.locator(f"#{form_id}")).to_have_count(0)
    context.close()


def test_parallel_review_by_two_joint_departments(
    browser, live_server, phone_page, joint_people, tmp_path
):
    citizen, lead = joint_people
    pdf = tiny_pdf(tmp_path)
    page = phone_page
    operator_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    outbox = operator_context.new_page()
    login_staff(outbox, "operator")

    # 1. The legal representative finds the item and applies for the company at the city.
    login_citizen(page, outbox, CITIZEN_MOBILE)
    page.goto("/services/")
    page.get_by_role("searchbox").fill(ITEM_NAME)
    page.get_by_role("searchbox").press("Enter")
    result = page.locator("#results article a", has_text=ITEM_NAME).first
    expect(result).to_be_visible()  # the search has answered
    page.goto(result.get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(ITEM_NAME))
    page.get_by_label("选择办理地区").select_option(label=lead.full_name)
    page.get_by_role("button", name="在线办理").click()
    page.get_by_role("radio", name=re.compile(COMPANY_NAME)).check()
    page.get_by_role("button", name="开始填写").click()
    expect(page.get_by_label(re.compile("单位名称"))).to_have_value(COMPANY_NAME)
    fits_phone(page)
    page.get_by_label(re.compile("联系人")).fill(CITIZEN_NAME)
    page.get_by_label(re.compile("联系电话")).fill(CITIZEN_MOBILE)
    page.get_by_role("button", name="保存草稿").click()
    materials = page.locator("#materials .material")
    for index in range(materials.count()):
        materials.nth(index).locator("input[type=file]").set_input_files(pdf)
        materials.nth(index).get_by_role("button", name="上传", exact=True).click()
        expect(materials.nth(index)).to_contain_text("已上传")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    case = Case.objects.get(applicant=citizen)
    number = case.number
    assert case.company.uscc == COMPANY_USCC

    # 2. The 自然资源局 window clerk accepts: the review stage opens three parallel tasks.
    clerk_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    clerk = clerk_context.new_page()
    login_staff(clerk, "nr_clerk")
    clerk.goto(f"/workbench/cases/{number}/")
    clerk.get_by_role("button", name="受理").click()
    expect(clerk.locator("#case-body")).to_contain_text("审查中")
    clerk_context.close()
    active = CaseTask.objects.filter(case=case, status=CaseTask.Status.ACTIVE)
    assert sorted(active.values_list("org_unit__name", flat=True)) == sorted(
        [LEAD, JOINT_HOUSING, JOINT_ENVIRONMENT]
    )

    # 3. The joint departments approve first, in the order they get to it; the case waits.
    _approve_own_task(browser, live_server, "ee_approver", number)
    assert _status(case) == Case.Status.IN_REVIEW
    _approve_own_task(browser, live_server, "hc_approver", number)
    assert _status(case) == Case.Status.IN_REVIEW
    # The decision stage has not opened: the lead department's review task is still open.
    assert not CaseTask.objects.filter(
        case=case, stage_position=2, status=CaseTask.Status.ACTIVE
    ).exists()

    # 4. The lead department reviews (stage 1 complete), then decides (stage 2).
    _approve_own_task(browser, live_server, "nr_approver", number)
    assert _status(case) == Case.Status.IN_REVIEW
    _approve_own_task(browser, live_server, "nr_approver", number)
    assert _status(case) == Case.Status.APPROVED
    decided = CaseTask.objects.filter(case=case).values_list("org_unit__name", "status")
    assert set(decided) == {
        (LEAD, CaseTask.Status.APPROVED),
        (JOINT_HOUSING, CaseTask.Status.APPROVED),
        (JOINT_ENVIRONMENT, CaseTask.Status.APPROVED),
    }

    # 5. The applicant sees the approval on their phone.
    page.goto(f"/my/cases/{number}/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "approved")
    fits_phone(page)
    assert verify_chain().ok
    operator_context.close()
