"""The foundation journey in a real browser (Debian chromium), phone-sized.

A newcomer registers with the SMS code from the simulator outbox, passes real-name L2, logs
out, logs in with password + SMS code, binds their company and authorises an agent, then
signs into the demo department system through single sign-on.
"""

import re

import pytest
from playwright.sync_api import expect

from tongban.core.audit import verify_chain
from tongban.core.models import AuditEvent
from tongban.identity.models import AgentAuthorisation, CompanyAccount, User
from tongban.identity.models.oidc import OidcConsent
from tongban.identity.oidc.services import ensure_demo_client
from tongban.registries.services import ensure_demo_people
from tongban.testing.browser import PHONE
from tongban.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWCOMER_ID, NEWCOMER_NAME, NEWCOMER_MOBILE = "440106199001011235", "张三", "13800138000"
COMPANY_USCC, COMPANY_NAME = "91440106739120115G", "广州市天河区通办示范科技有限公司"
AGENT_ID, AGENT_NAME = "440106199203150049", "王芳"
PASSWORD = "Zs!Tongban2026"


def _fits_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def _login_with_password(page, identifier, password) -> None:
    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(identifier)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="下一步").click()


def _latest_code(outbox_page, mobile) -> str:
    outbox_page.goto("/console/sms/")
    row = outbox_page.locator("#sms-outbox tbody tr", has_text=mobile).first
    return re.search(r"\d{6}", row.locator(".sms-text").inner_text()).group()


@pytest.fixture
def journey_data(live_server, operator):
    ensure_demo_people()
    ensure_demo_client(base_url=live_server.url)
    UserFactory(
        username=AGENT_ID,
        id_number=AGENT_ID,
        name=AGENT_NAME,
        mobile="13700137000",
        realname_level=User.Level.L2,
    )
    return operator


def test_newcomer_registers_verifies_logs_in_adds_agent_and_uses_sso(
    browser, live_server, phone_page, journey_data
):
    page = phone_page
    operator_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    outbox = operator_context.new_page()
    _login_with_password(outbox, "operator", "Tongban#2026")
    expect(outbox).not_to_have_url(re.compile(r"/login/"))

    # 1. Register with an SMS code read from the simulator outbox.
    page.goto("/account/register/")
    _fits_phone(page)
    page.get_by_label("身份证号").fill(NEWCOMER_ID)
    page.get_by_label("姓名").fill(NEWCOMER_NAME)
    page.get_by_label("手机号").fill(NEWCOMER_MOBILE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="获取短信验证码").click()
    expect(page.locator("#code-status")).not_to_be_empty()
    page.get_by_label("短信验证码").fill(_latest_code(outbox, NEWCOMER_MOBILE))
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("body")).to_contain_text("L1")

    # 2. Real-name L2 against the population registry.
    page.goto("/account/realname/")
    _fits_phone(page)
    page.get_by_label("姓名（与身份证一致）").fill(NEWCOMER_NAME)
    page.get_by_role("button", name="提交核验").click()
    expect(page.locator("body")).to_contain_text("L2")
    assert User.objects.get(id_number=NEWCOMER_ID).realname_level == User.Level.L2

    # 3. Log out, log in again with password + SMS code.
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="登录")).to_be_visible()
    _login_with_password(page, NEWCOMER_MOBILE, PASSWORD)
    expect(page.get_by_role("heading", name="短信验证")).to_be_visible()
    _fits_phone(page)
    page.get_by_label("短信验证码").fill(_latest_code(outbox, NEWCOMER_MOBILE))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    _fits_phone(page)

    # 4. Bind the company they represent and authorise an agent.
    page.goto("/account/companies/bind/")
    page.get_by_role("button", name=f"绑定 {COMPANY_NAME}").click()
    expect(page.locator("body")).to_contain_text(COMPANY_USCC)
    page.goto(f"/account/companies/{COMPANY_USCC}/")
    page.get_by_role("link", name="授权经办人").click()
    _fits_phone(page)
    page.get_by_label("经办人姓名").fill(AGENT_NAME)
    page.get_by_label("经办人身份证号").fill(AGENT_ID)
    expect(page.get_by_label("有效期至")).not_to_have_value("")  # the default expiry is offered
    page.get_by_role("button", name="授权").click()
    expect(page.locator("body")).to_contain_text(AGENT_NAME)
    company = CompanyAccount.objects.get(uscc=COMPANY_USCC)
    assert AgentAuthorisation.objects.filter(company=company, agent__id_number=AGENT_ID).exists()

    # 5. Single sign-on into the demo department system (code + PKCE, consent screen).
    page.goto("/demo-dept/")
    page.get_by_role("link", name="登录").click()
    _fits_phone(page)
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_text("已通过统一身份认证登录")).to_be_visible()
    expect(page.locator("[data-claim=name]")).to_have_text(NEWCOMER_NAME)
    expect(page.locator("[data-claim=realname_level]")).to_have_text("L2")
    sub = page.locator("[data-claim=sub]").inner_text()
    newcomer = User.objects.get(id_number=NEWCOMER_ID)
    assert sub and sub != str(newcomer.pk) and NEWCOMER_ID not in sub
    assert OidcConsent.objects.filter(user=newcomer, revoked_at__isnull=True).exists()

    # Every step left an intact audit trail.
    assert AuditEvent.objects.filter(event_type="identity.user_registered").exists()
    assert AuditEvent.objects.filter(event_type="identity.agent_authorised").exists()
    assert verify_chain().ok
    operator_context.close()
