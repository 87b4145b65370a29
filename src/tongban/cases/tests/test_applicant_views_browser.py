"""The application form in a phone-sized browser: registry values locked, autosave."""

import re

import pytest

from tongban.cases.models import Case
from tongban.cases.services import applications
from tongban.cases.tests._applicant import make_item, make_person, private_media  # noqa: F401
from tongban.testing.browser import sign_in


@pytest.mark.browser
def test_form_locks_registry_values_and_autosaves(phone_page, live_server, citizen, gz_market_dept):
    from playwright.sync_api import expect

    make_person(citizen)
    case = applications.start_draft(make_item(gz_market_dept), actor=citizen)
    page = phone_page
    sign_in(page, live_server, citizen)
    page.goto(f"/my/cases/{case.pk}/edit/")

    name = page.get_by_label(re.compile("经营者姓名"))
    expect(name).to_have_value("张三")
    expect(name).to_have_attribute("readonly", "")
    expect(page.locator("[data-source=registry]").first).to_have_text("政府核验")
    expect(page.locator("[data-source=applicant]").first).to_have_text("本人填写")

    page.get_by_label(re.compile("个体户名称")).fill("张三便利店")
    page.get_by_label(re.compile("个体户名称")).press("Tab")  # change → autosave after 1 s
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    case.refresh_from_db()
    assert case.form_data["shop_name"] == {"value": "张三便利店", "source": "applicant"}
    assert case.status == Case.Status.DRAFT
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
