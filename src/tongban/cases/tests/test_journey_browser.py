"""一网通办 end to end in a real browser (Debian chromium), the citizen on a phone.

A citizen searches "开个体户", opens 个体工商户设立登记, applies with the data pre-filled from
the population registry and uploads the materials; the window clerk asks for a correction
(一次性告知), the citizen corrects, the clerk accepts, the approver approves both stages and
concludes; the citizen rates the result 不满意 and the department finds the rectification
item in its workbench.

Only the data is set up directly (org units, the catalogue, registry persons, accounts);
every step of the journey goes through the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from tongban.cases.models import Case, Evaluation, Rectification
from tongban.catalog.importer import import_catalog
from tongban.core.audit import verify_chain
from tongban.core.models import AuditEvent
from tongban.core.orgunits import department_unit, region_unit, seed_org_units
from tongban.identity.models import User
from tongban.registries.services import ensure_demo_people
from tongban.testing.browser import fits_phone, login_citizen, login_staff
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongban#2026"
CITIZEN_ID, CITIZEN_NAME, CITIZEN_MOBILE = "440106199001011235", "张三", "13800138000"
ITEM_NAME = "个体工商户设立登记"
# The citizen's household is in 天河区: the district's market regulation bureau handles it.
DIVISION, DEPARTMENT = "440106", "市场监督管理局"


def tiny_pdf(tmp_path, name="material.pdf"):
    """A minimal, valid one-page PDF (the upload check reads the content, not the name)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path = tmp_path / name
    path.write_bytes(body)
    return path


def staff_member(role, unit, username, name):
    user = StaffFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org_unit=unit, role=role)
    return user


@pytest.fixture
def province_data(db):
    """The demo province: org units, the 45 catalogue items, the registry's demo people."""
    seed_org_units()
    import_catalog()
    ensure_demo_people()
    operator = StaffFactory(username="operator", name="周运营")
    RoleAssignmentFactory(
        user=operator, org_unit=region_unit("440000"), role="operator", covers_children=True
    )
    return operator


@pytest.fixture
def journey_people(province_data):
    citizen = UserFactory(
        username=CITIZEN_ID,
        id_number=CITIZEN_ID,
        name=CITIZEN_NAME,
        mobile=CITIZEN_MOBILE,
        realname_level=User.Level.L2,
    )
    unit = department_unit(DIVISION, DEPARTMENT)
    clerk = staff_member("window_clerk", unit, "th_clerk", "王窗口")
    approver = staff_member("approver", unit, "th_approver", "赵审批")
    return citizen, clerk, approver


def test_citizen_applies_corrects_gets_approved_and_rates_badly(
    browser, live_server, phone_page, journey_people, tmp_path
):
    citizen, clerk, approver = journey_people
    unit = department_unit(DIVISION, DEPARTMENT)
    pdf = tiny_pdf(tmp_path)
    page = phone_page
    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    operator_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    outbox = operator_context.new_page()
    login_staff(outbox, "operator")

    # 1. Signed in, the citizen searches the catalogue in everyday words; the registration
    #    comes first.
    login_citizen(page, outbox, CITIZEN_MOBILE)
    page.goto("/services/")
    fits_phone(page)
    page.get_by_role("searchbox").fill("开个体户")
    page.get_by_role("searchbox").press("Enter")
    first_result = page.locator("#results article a").first
    expect(first_result).to_have_text(re.compile(ITEM_NAME))
    page.goto(first_result.get_attribute("href"))

    # 2. The guide page; apply online at the citizen's district.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(ITEM_NAME))
    fits_phone(page)
    expect(page.locator("#rating")).to_contain_text("暂无评价")
    page.get_by_label("选择办理地区").select_option(label=unit.full_name)
    page.get_by_role("button", name="在线办理").click()

    # 3. Start the application in their own name; registry data is pre-filled and locked.
    page.get_by_role("button", name="开始填写").click()
    expect(page.get_by_label(re.compile("申请人姓名"))).to_have_value(CITIZEN_NAME)
    expect(page.locator("[data-source=registry]").first).to_have_text("政府核验")
    fits_phone(page)
    page.get_by_label(re.compile("个体工商户名称")).fill("张三便利店")
    page.get_by_label(re.compile("经营场所")).fill("广州市天河区体育东路1号首层")
    page.get_by_role("button", name="保存草稿").click()
    materials = page.locator("#materials .material")
    for index in range(materials.count()):  # one PDF for each required material
        material = materials.nth(index)
        material.locator("input[type=file]").set_input_files(pdf)
        material.get_by_role("button", name="上传", exact=True).click()
        expect(materials.nth(index)).to_contain_text("已上传")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    case = Case.objects.get(applicant=citizen)
    number = case.number
    fits_phone(page)

    # 4. The window clerk asks, once, for everything missing.
    login_staff(staff, "th_clerk")
    staff.goto("/workbench/cases/")
    staff.get_by_role("link", name=number).click()
    staff.get_by_text("一次性告知补正").click()
    staff.get_by_label("经营场所使用证明", exact=True).check()
    staff.get_by_label("“经营场所使用证明”的问题").fill("租赁合同缺少出租方签章")
    staff.get_by_role("button", name="发出补正告知").click()
    expect(staff.locator("#case-body")).to_contain_text("待补正")

    # 5. The citizen reads the notice and corrects.
    page.goto(f"/my/cases/{number}/")
    expect(page.locator("#correction-notice")).to_contain_text("租赁合同缺少出租方签章")
    page.get_by_role("link", name="去补正").click()
    fits_phone(page)
    premises = page.locator(".material", has_text="经营场所使用证明")
    premises.locator("input[type=file]").set_input_files(tiny_pdf(tmp_path, "lease.pdf"))
    premises.get_by_role("button", name="上传", exact=True).click()
    page.get_by_role("button", name="提交补正").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "submitted")

    # 6. The clerk accepts.
    staff.goto(f"/workbench/cases/{number}/")
    staff.get_by_role("button", name="受理").click()
    expect(staff.locator("#case-body")).to_contain_text("审查中")

    # 7. The approver approves each stage and concludes.
    staff.get_by_role("button", name="退出").click()
    login_staff(staff, "th_approver")
    for _stage in ("审查", "决定"):
        staff.goto(f"/workbench/cases/{number}/")
        form = staff.locator("form[id^=action-decide-]").first
        form_id = form.get_attribute("id")
        form.get_by_label("同意", exact=True).check()
        form.get_by_label("审查意见").fill("材料齐全，符合条件")
        form.get_by_role("button", name="提交审查意见").click()
        expect(staff.locator(f"#{form_id}")).to_have_count(0)  # the task is decided
    staff.goto(f"/workbench/cases/{number}/")
    staff.get_by_role("button", name="办结（送达结果）").click()
    expect(staff.locator("#case-body")).to_contain_text("已办结")
    assert Case.objects.get(pk=case.pk).status == Case.Status.CONCLUDED

    # 8. The citizen rates the result: 不满意, 时间长.
    page.goto(f"/my/cases/{number}/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "concluded")
    page.get_by_role("link", name="评价本次办理（好差评）").click()
    page.get_by_role("radio", name="★★☆☆☆ 不满意", exact=True).check()
    page.get_by_role("checkbox", name="时间长").check()
    page.get_by_label("评价内容（选填）").fill("补正来回两次，希望一次说清楚")
    fits_phone(page)
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#my-rating")).to_contain_text("不满意")
    page.goto("/my/ratings/")
    expect(page.locator("#rating-list li", has_text=number)).to_contain_text("不满意")
    fits_phone(page)
    evaluation = Evaluation.objects.get(case=case)
    assert evaluation.level == Evaluation.Level.DISSATISFIED and evaluation.tags == ["时间长"]

    # 9. The department sees the rectification item with the rating.
    staff.goto("/workbench/rectifications/")
    row = staff.locator("#rectifications tr", has_text=number)
    expect(row).to_contain_text("不满意")
    expect(row).to_contain_text("待整改")
    row.get_by_role("link", name=number).click()
    expect(staff.locator("body")).to_contain_text("补正来回两次")
    rectification = Rectification.objects.get(evaluation=evaluation)
    assert rectification.org_unit == case.org_unit

    assert AuditEvent.objects.filter(event_type="cases.rectification_opened").exists()

    # 10. The guide page now shows the item's rating.
    page.goto("/services/")
    page.get_by_role("searchbox").fill("开个体户")
    page.get_by_role("searchbox").press("Enter")
    first_result = page.locator("#results article a").first
    expect(first_result).to_have_text(re.compile(ITEM_NAME))  # the search has answered
    page.goto(first_result.get_attribute("href"))
    expect(page.locator("#rating")).to_contain_text("1 条评价")
    assert verify_chain().ok
    staff_context.close()
    operator_context.close()
