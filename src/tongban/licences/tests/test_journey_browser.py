"""可信电子证照 end to end in a real browser (Debian chromium), the citizen on a phone.

A citizen's 个体工商户设立登记 case is concluded at the window; the sole trader's 营业执照 is
issued automatically into the company wallet. The holder opens "我的证照", downloads the PDF,
scans its QR code and opens the URL: "有效"; then applies for 食品经营许可证核发 and supplies
the 营业执照 material from the wallet instead of uploading; the window clerk sees the licence
data inline, verified, on the workbench case page; the holder's usage log shows the use.

Only the data is set up directly (org units, catalogue, licence types, the department's seal,
registry persons, accounts); every step of the journey goes through the pages.
"""

import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.test_journey_browser import (
    CITIZEN_ID,
    CITIZEN_MOBILE,
    CITIZEN_NAME,
    staff_member,
    tiny_pdf,
)
from tongban.catalog.importer import import_catalog
from tongban.core.audit import verify_chain
from tongban.core.orgunits import department_unit, region_unit, seed_org_units
from tongban.identity.models import User
from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.services.seals import create_seal
from tongban.licences.services.types import import_licence_types
from tongban.registries.services import ensure_demo_people
from tongban.testing.browser import fits_phone, login_citizen, login_staff
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory, UserFactory
from tongban.testing.fixtures import skip_unless

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOLE_TRADER_ITEM, FOOD_ITEM = "个体工商户设立登记", "食品经营许可证核发"
TRADE_NAME = "张三便利店"
PREMISES = "广州市天河区体育东路1号首层"
# The citizen's household is in 天河区: the district's market regulation bureau handles both
# items and issues both licences with its seal.
DIVISION, DEPARTMENT = "440106", "市场监督管理局"


@pytest.fixture
def licence_province(db, settings, tmp_path):
    """Org units, the 45 catalogue items, the licence types, the bureau's seal, the people;
    uploads and rendered PDFs in the test's own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_org_units()
    import_catalog()
    import_licence_types()
    ensure_demo_people()
    operator = StaffFactory(username="operator", name="周运营")
    RoleAssignmentFactory(
        user=operator, org_unit=region_unit("440000"), role="operator", covers_children=True
    )
    unit = department_unit(DIVISION, DEPARTMENT)
    admin = staff_member("dept_admin", unit, "th_admin", "钱管理")
    create_seal(unit, actor=admin)
    citizen = UserFactory(
        username=CITIZEN_ID,
        id_number=CITIZEN_ID,
        name=CITIZEN_NAME,
        mobile=CITIZEN_MOBILE,
        realname_level=User.Level.L2,
    )
    staff_member("window_clerk", unit, "th_clerk", "王窗口")
    staff_member("approver", unit, "th_approver", "赵审批")
    return citizen, unit


def scan_qr(pdf_path, tmp_path) -> str:
    """The URL in the QR code of a PDF (poppler's pdftoppm + zbar's zbarimg, as in CI)."""
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    skip_unless(bool(pdftoppm and zbarimg), "pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
    subprocess.run(
        [pdftoppm, "-r", "100", "-png", str(pdf_path), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    scan = subprocess.run([zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True)
    return scan.stdout.strip()


def open_item(page, query, item_name, unit) -> None:
    """Search the catalogue, open the item's guide, apply online at ``unit``."""
    page.goto("/services/")
    page.get_by_role("searchbox").fill(query)
    page.get_by_role("searchbox").press("Enter")
    result = page.locator("#results article a", has_text=item_name).first
    expect(result).to_be_visible()  # the search has answered
    page.goto(result.get_attribute("href"))  # not a click that a late results swap can eat
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(item_name))
    page.get_by_label("选择办理地区").select_option(label=unit.full_name)
    page.get_by_role("button", name="在线办理").click()


def upload_missing(page, pdf) -> None:
    """One PDF for each material not yet supplied."""
    materials = page.locator("#materials .material")
    for index in range(materials.count()):
        material = materials.nth(index)
        if material.locator(".badge.ok").count():
            continue
        material.locator("input[type=file]").set_input_files(pdf)
        material.get_by_role("button", name="上传", exact=True).click()
        expect(materials.nth(index).locator(".badge.ok")).to_have_count(1)


def conclude_at_window(staff, number) -> None:
    """The clerk accepts; the approver approves every stage and concludes."""
    login_staff(staff, "th_clerk")
    staff.goto(f"/workbench/cases/{number}/")
    staff.get_by_role("button", name="受理").click()
    expect(staff.locator("#case-body")).to_contain_text("审查中")
    staff.get_by_role("button", name="退出").click()
    login_staff(staff, "th_approver")
    for _stage in ("审查", "决定"):
        staff.goto(f"/workbench/cases/{number}/")
        form = staff.locator("form[id^=action-decide-]").first
        form_id = form.get_attribute("id")
        form.get_by_label("同意", exact=True).check()
        form.get_by_label("审查意见").fill("材料齐全，符合条件")
        form.get_by_role("button", name="提交审查意见").click()
        expect(staff.locator(f"#{form_id}")).to_have_count(0)
    staff.goto(f"/workbench/cases/{number}/")
    staff.get_by_role("button", name="办结（送达结果）").click()
    expect(staff.locator("#case-body")).to_contain_text("已办结")
    staff.get_by_role("button", name="退出").click()


def test_sole_trader_licence_is_held_verified_and_used_in_the_next_application(
    browser, live_server, phone_page, licence_province, tmp_path
):
    citizen, unit = licence_province
    pdf = tiny_pdf(tmp_path)
    page = phone_page
    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    operator_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    outbox = operator_context.new_page()
    login_staff(outbox, "operator")

    # 1. The citizen applies to register a sole trader (个体工商户) at the district bureau.
    login_citizen(page, outbox, CITIZEN_MOBILE)
    open_item(page, "开个体户", SOLE_TRADER_ITEM, unit)
    page.get_by_role("button", name="开始填写").click()
    page.get_by_label(re.compile("个体工商户名称")).fill(TRADE_NAME)
    page.get_by_label(re.compile("经营场所")).fill(PREMISES)
    page.get_by_role("button", name="保存草稿").click()
    upload_missing(page, pdf)
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    number = Case.objects.get(applicant=citizen).number

    # 2. The window accepts, approves and concludes: the 营业执照 is issued on conclusion.
    conclude_at_window(staff, number)
    licence = Licence.objects.get(licence_type__key="business-licence")
    assert licence.holder_company is not None and licence.holder_name == TRADE_NAME
    assert licence.issuer == unit and licence.status == Licence.Status.VALID

    # 3. "我的证照": the company wallet lists the 营业执照.
    page.goto("/my/licences/")
    fits_phone(page)
    page.get_by_role("link", name=re.compile("营业执照")).first.click()
    expect(page.locator("body")).to_contain_text(TRADE_NAME)
    expect(page.locator("body")).to_contain_text(licence.identifier)
    fits_phone(page)

    # 4. Download the PDF: a real PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("下载")).first.click()
    pdf_path = tmp_path / "licence.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")

    # 5. Scan the PDF's QR code and open its URL: "有效", holder masked. The verification
    #    link of the licence page says the same.
    qr_url = scan_qr(pdf_path, tmp_path)
    assert qr_url.startswith(f"{settings.SITE_URL.rstrip('/')}/verify/q/"), qr_url
    checker = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    checker.goto(urlsplit(qr_url).path)  # the QR carries SITE_URL; the server under test
    body = checker.locator("main")
    expect(body).to_contain_text("有效")
    expect(body).to_contain_text(unit.full_name)
    expect(body).not_to_contain_text(TRADE_NAME)  # only the masked holder name
    checker.context.close()
    page.get_by_role("link", name="证照核验").click()
    expect(page.locator("main")).to_contain_text("有效")
    expect(page.locator("main")).to_contain_text(licence.identifier)
    fits_phone(page)

    # 6. Apply for 食品经营许可证核发 as the sole trader: the 营业执照 from the wallet.
    open_item(page, "食品经营许可", FOOD_ITEM, unit)
    expect(page.get_by_text(TRADE_NAME)).to_be_visible()
    page.get_by_role("button", name="开始填写").click()
    page.get_by_label(re.compile("联系人")).fill(CITIZEN_NAME)
    page.get_by_label(re.compile("联系电话")).fill(CITIZEN_MOBILE)
    page.get_by_label(re.compile("经营场所")).fill(PREMISES)
    page.get_by_role("button", name="保存草稿").click()
    card = page.locator("#materials .material", has_text="营业执照")
    expect(card).to_contain_text("点击即表示同意本次申请调用")
    card.get_by_role("button", name=re.compile(f"使用电子证照：营业执照（{TRADE_NAME}）")).click()
    card = page.locator("#materials .material", has_text="营业执照")
    expect(card).to_contain_text("电子证照")
    fits_phone(page)
    upload_missing(page, pdf)
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    food_case = Case.objects.exclude(number=number).get(applicant=citizen)
    used = CaseMaterial.objects.get(case=food_case, source=CaseMaterial.Source.LICENCE)
    assert used.licence_ref == licence.identifier and used.consent_at is not None

    # 7. The window clerk sees the licence inline on the case page, verified.
    login_staff(staff, "th_clerk")
    staff.goto(f"/workbench/cases/{food_case.number}/")
    used_licence = staff.locator("#licence-materials article", has_text="营业执照")
    expect(used_licence).to_have_attribute("data-ref", licence.identifier)
    expect(used_licence.locator("[data-verification]")).to_have_attribute(
        "data-verification", "valid"
    )
    expect(used_licence).to_contain_text("核验通过")
    expect(used_licence).to_contain_text("电子印章签名有效")
    expect(used_licence).to_contain_text(TRADE_NAME)
    expect(used_licence.locator("[data-field=legal_rep]")).to_have_text(CITIZEN_NAME)

    # 8. The holder's usage log names the department, the item and the case.
    page.goto(f"/my/licences/{licence.identifier}/usages/")
    application_use = page.locator(".usage-list li[data-kind=application]")
    expect(application_use).to_have_count(1)
    expect(application_use).to_contain_text(unit.full_name)
    expect(application_use).to_contain_text(FOOD_ITEM)
    expect(application_use).to_contain_text(food_case.number)
    fits_phone(page)
    assert LicenceUsage.objects.filter(licence=licence, kind=LicenceUsage.Kind.DOWNLOAD).exists()
    assert verify_chain().ok
    staff_context.close()
    operator_context.close()
