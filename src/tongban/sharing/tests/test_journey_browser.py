"""政务数据共享 end to end in a real browser, on phones.

广州市民政局's admin registers the 低保核对 system and requests 人口 data items from 广州市公安局
for 最低生活保障 checks; the 公安 admin approves with a row scope (广州 only, lookup by ID
number) and masking; the consumer system gets a token with its client credentials and queries
by ID number, receiving masked results; the citizen 王芳 sees that access — which department,
what, why — in "我的数据使用记录".

Only the data is set up directly (org units, registry people, the registry resources, staff
and the citizen's account); every step goes through the pages and the API.
"""

import base64
import re

import pytest
from playwright.sync_api import expect

from tongban.core.orgunits import department_unit, seed_org_units
from tongban.identity.models import User
from tongban.registries.services import ensure_demo_people
from tongban.sharing.models import AccessLogEntry
from tongban.sharing.services import access_log, catalogue
from tongban.testing.browser import PHONE, fits_phone
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongban#2026"
WANG_ID, WANG_NAME, WANG_MOBILE = "440106199203150049", "王芳", "13700137000"
POP_CODE = "440100-GA-RK-0001"


@pytest.fixture
def sharing_province(db, settings):
    # Citizens sign in with a password only here: the SMS second factor is not under test.
    settings.TONGBAN_LOGIN_OTP = "never"
    seed_org_units()
    ensure_demo_people()
    catalogue.ensure_registry_resources("440100")
    for username, name, department in (
        ("gz_psb_admin", "郑管理", "公安局"),
        ("gz_mca_admin", "黄管理", "民政局"),
    ):
        user = StaffFactory(username=username, name=name)
        RoleAssignmentFactory(
            user=user,
            org_unit=department_unit("440100", department),
            role="dept_admin",
            covers_children=True,
        )
    return UserFactory(
        username=WANG_ID,
        id_number=WANG_ID,
        name=WANG_NAME,
        mobile=WANG_MOBILE,
        realname_level=User.Level.L2,
    )


def new_phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def login(page, identifier) -> None:
    page.goto("/account/login/")
    page.get_by_label("身份证号或手机号").fill(identifier)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="下一步").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_mca_requests_psb_approves_system_queries_citizen_sees(
    browser, live_server, phone_page, sharing_province
):
    # 1. 民政局 registers its consumer system and notes the credentials shown once
    mca = phone_page
    login(mca, "gz_mca_admin")
    mca.goto("/workbench/sharing/")
    fits_phone(mca)
    mca.get_by_role("link", name="登记使用系统").click()
    mca.get_by_label("系统名称").fill("最低生活保障核对系统")
    mca.get_by_role("button", name="登记").click()
    expect(mca.get_by_role("heading", name="使用系统已登记")).to_be_visible()
    client_id = mca.locator("#client-id").inner_text().strip()
    secret = mca.locator("#client-secret").inner_text().strip()
    fits_phone(mca)

    # 2. finds 人口 in the catalogue and requests items for 最低生活保障 checks
    mca.goto("/data/")
    mca.get_by_label("关键词").fill("人口")
    mca.get_by_role("button", name="检索").click()
    result = mca.locator("#resource-results").get_by_role("link", name="广州市人口基础信息")
    expect(result).to_be_visible()
    fits_phone(mca)
    result.click()
    expect(mca.get_by_role("heading", name="广州市人口基础信息")).to_be_visible()
    fits_phone(mca)
    mca.get_by_role("link", name="申请共享").click()
    for item in ("公民身份号码（个人信息）", "姓名（个人信息）", "户籍地址（个人信息）"):
        mca.get_by_label(item).check()
    mca.get_by_label("权责事项").fill("最低生活保障审核确认")
    mca.get_by_label("用途").fill("最低生活保障家庭经济状况核对")
    fits_phone(mca)
    mca.get_by_role("button", name="提交申请").click()
    expect(mca.locator("#request-status")).to_have_text("待提供方审核")
    number = re.search(r"/requests/([^/]+)/", mca.url).group(1)

    # 3. the 公安 admin approves: 广州 persons only, lookup by ID number, masking
    psb = new_phone(browser, live_server)
    login(psb, "gz_psb_admin")
    psb.goto("/workbench/sharing/")
    psb.get_by_role("link", name="广州市人口基础信息").first.click()
    expect(psb.get_by_role("heading", name=re.compile(number))).to_be_visible()
    expect(psb.get_by_label("仅限以下行政区划的记录")).to_have_value("440100")
    psb.get_by_label("仅按关键字逐条查询（不可批量）").check()
    psb.get_by_label("“姓名”脱敏").select_option("name")
    psb.get_by_label("“公民身份号码”脱敏").select_option("id_number")
    fits_phone(psb)
    psb.get_by_role("button", name="同意共享").click()
    expect(psb.locator("#request-status")).to_have_text("已同意")
    expect(psb.locator("#grant")).to_contain_text("440100")
    fits_phone(psb)

    # 4. the consumer system: token by client credentials, then a lookup by ID number
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    token_response = mca.request.post(
        "/o/token/",
        form={"grant_type": "client_credentials", "scope": "sharing:gateway"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert token_response.ok, token_response.text()
    token = token_response.json()["access_token"]
    answer = mca.request.get(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/records/{WANG_ID}",
        params={"purpose": "最低生活保障家庭经济状况核对", "reference": "GZMZ2026001"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.ok, answer.text()
    record = answer.json()["records"][0]
    assert record["name"] == "王*"
    assert record["id_number"] == "440***********0049"
    assert WANG_ID not in answer.text() and "体育" not in record["address"]
    # a bulk listing is refused under this lookup-only grant, and recorded
    bulk = mca.request.post(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/query",
        data={
            "purpose": "批量导出",
            "reference": "GZMZ2026001",
            "filters": {"division_code": "440106"},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bulk.status == 403 and bulk.json()["code"] == "bulk_not_allowed"

    # 5. the 公安 admin sees who used the data
    psb.goto("/workbench/sharing/access-log/")
    expect(psb.locator(".usage-row").first).to_contain_text("广州市民政局")
    fits_phone(psb)

    # 6. the citizen sees the access in 我的数据使用记录
    citizen = new_phone(browser, live_server)
    login(citizen, WANG_ID)
    citizen.goto("/my/data-usage/")
    expect(citizen.get_by_role("heading", name="我的数据使用记录")).to_be_visible()
    row = citizen.locator(".usage-row").first
    expect(row).to_contain_text("广州市民政局")
    expect(row).to_contain_text("最低生活保障家庭经济状况核对")
    expect(row).to_contain_text("GZMZ2026001")
    expect(row).to_contain_text("姓名")
    fits_phone(citizen)
    assert citizen.locator(".usage-row").count() == 1  # the refused bulk call returned nothing

    assert access_log.verify_chain().ok
    assert AccessLogEntry.objects.filter(
        outcome="refused", refusal_code="bulk_not_allowed"
    ).exists()
    psb.context.close()
    citizen.context.close()
