"""非税支付 end to end in a real browser (Debian chromium), the citizen on a phone.

A citizen's 往来港澳通行证签发 case (广州市公安局, 60 元) is accepted by the window clerk and
asks for 60 元; the citizen opens the pay page from the case page, picks WeChat Pay, sees the
QR code, opens the simulator's cashier and pays; the simulator's signed callback arrives
asynchronously at the callback endpoint; the pay page updates itself, the case is back in
review, and the receipt appears in 我的票据.

Only the data is set up directly (org units, the catalogue, accounts, the accepted case);
every step of the citizen goes through the pages and the callback over HTTP.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongban.cases.models import Case
from tongban.cases.services.lifecycle import accept_case
from tongban.catalog.importer import import_catalog
from tongban.catalog.models import Implementation
from tongban.core.models import AuditEvent
from tongban.core.orgunits import department_unit, seed_org_units
from tongban.identity.models import User
from tongban.payments.models import CallbackRecord, PaymentOrder
from tongban.testing.browser import fits_phone
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory, UserFactory
from tongban.testing.factories_cases import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongban#2026"
CITIZEN_ID, CITIZEN_NAME = "440106199203150049", "王芳"


@pytest.fixture
def awaiting_case(settings, live_server):
    settings.TONGBAN_LOGIN_OTP = "never"
    settings.PAYMENTS_CALLBACK_BASE_URL = live_server.url  # the simulator calls back here
    seed_org_units()
    import_catalog()
    unit = department_unit("440100", "公安局")
    citizen = UserFactory(
        username=CITIZEN_ID,
        id_number=CITIZEN_ID,
        name=CITIZEN_NAME,
        mobile="13700137000",
        realname_level=User.Level.L2,
    )
    citizen.set_password(PASSWORD)
    citizen.save()
    clerk = StaffFactory(username="gz_psb_clerk", name="马窗口")
    RoleAssignmentFactory(user=clerk, org_unit=unit, role="window_clerk")
    implementation = Implementation.objects.get(item__key="hk-macao-permit", org_unit=unit)
    case = CaseFactory(
        implementation=implementation,
        applicant=citizen,
        status=Case.Status.SUBMITTED,
        number="4401002611230000001X",
        submitted_at=timezone.now(),
    )
    return accept_case(case, actor=clerk), citizen


def login(page) -> None:
    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(CITIZEN_ID)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="下一步").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_citizen_pays_the_case_fee_by_qr_and_the_case_resumes(phone_page, awaiting_case):
    case, citizen = awaiting_case
    assert case.status == Case.Status.AWAITING_PAYMENT
    page = phone_page
    login(page)

    # 1. The case page asks for 60 元.
    page.goto(f"/my/cases/{case.number}/")
    block = page.locator("#case-payments")
    expect(block).to_contain_text("待缴费")
    expect(block).to_contain_text("¥60.00")
    fits_phone(page)
    block.get_by_role("link", name="去缴费").click()

    # 2. The pay page: items, amount, channel choice; WeChat Pay gives a QR code.
    expect(page.locator("#order-amount")).to_have_text("¥60.00")
    expect(page.locator("#pay-status")).to_contain_text("待缴费")
    fits_phone(page)
    page.get_by_label(re.compile("微信支付")).check()
    page.get_by_role("button", name="生成付款码").click()
    expect(page.locator("#pay-qr svg")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("支付中")
    fits_phone(page)
    pay_url = page.locator("#open-pay-url").get_attribute("href")
    assert "/pay/sim/" in pay_url

    # 3. The QR opens the simulator's cashier (as the phone's wallet would); the payer pays.
    cashier = page.context.new_page()
    cashier.goto(pay_url)
    expect(cashier.locator("#sim-amount")).to_have_text("¥60.00")
    expect(cashier.get_by_text("广州市公安局").first).to_be_visible()
    fits_phone(cashier)
    cashier.get_by_role("button", name="确认支付").click()
    expect(cashier.locator("#sim-done")).to_contain_text("已提交支付")
    cashier.close()

    # 4. The pay page refreshes itself when the signed callback has arrived.
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "success")
    expect(page.locator("#order-status")).to_have_text("已缴费")
    order = PaymentOrder.objects.get(reference=case.number)
    assert order.status == "success" and order.paid_amount == 6000
    assert CallbackRecord.objects.filter(signature_ok=True, outcome="applied").count() == 1
    assert AuditEvent.objects.filter(event_type="cases.payment_received").count() == 1

    # 5. The case is back in review.
    page.goto(f"/my/cases/{case.number}/")
    expect(page.locator("dd [data-status]")).to_have_attribute("data-status", "in_review")
    expect(page.locator("#case-payments")).to_contain_text("已缴费")

    # 6. 我的缴费 lists it as paid; the receipt is in 我的票据.
    page.goto("/my/payments/")
    expect(page.locator(f"[data-code='{order.code}']")).to_have_attribute("data-status", "success")
    fits_phone(page)
    page.goto("/my/receipts/")
    expect(page.locator(".receipt-list li").first).to_contain_text("60.00")
    fits_phone(page)
