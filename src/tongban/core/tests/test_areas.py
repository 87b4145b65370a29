"""Home pages of the workbench and the console: cards by role, 403 for non-staff."""

import pytest
from django.urls import reverse

from tongban.core.models import AuditEvent, RoleAssignment

pytestmark = pytest.mark.django_db

CONSOLE = reverse("console:home")
WORKBENCH = reverse("workbench:home")
STAFF_URL = reverse("staff:staff_list")
OIDC_URL = reverse("oidc_console:client_list")
AUDIT_URL = reverse("console:audit_list")
CALENDAR_URL = reverse("console:calendar_list")
SMS_URL = reverse("sms:outbox")
LOOKUP_URL = reverse("registries:lookup")
INPERSON_URL = reverse("identity:inperson_verify")
CONSOLE_ONLY = (STAFF_URL, OIDC_URL, AUDIT_URL, CALENDAR_URL, SMS_URL)


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def href(url):
    return f'href="{url}"'


def test_operator_sees_console_links(client, operator, settings):
    settings.SIMULATORS_ENABLED = True
    response, html = page(client, operator, CONSOLE)
    assert response.status_code == 200
    for url in CONSOLE_ONLY:
        assert href(url) in html, url
    assert "平台运营" in html and "广东省" in html  # role with org unit name


def test_sms_card_only_with_simulators(client, operator, settings):
    settings.SIMULATORS_ENABLED = False
    response, html = page(client, operator, CONSOLE)
    assert response.status_code == 200
    assert href(SMS_URL) not in html and href(STAFF_URL) in html


def test_auditor_sees_audit_but_not_management(client, auditor, settings):
    settings.SIMULATORS_ENABLED = True
    response, html = page(client, auditor, CONSOLE)
    assert response.status_code == 200
    assert href(AUDIT_URL) in html
    for url in (STAFF_URL, OIDC_URL, CALENDAR_URL, SMS_URL):
        assert href(url) not in html, url


def test_dept_admin_sees_staff_management_only(client, dept_admin):
    response, html = page(client, dept_admin, CONSOLE)
    assert response.status_code == 200
    assert href(STAFF_URL) in html
    for url in (OIDC_URL, AUDIT_URL, CALENDAR_URL, SMS_URL):
        assert href(url) not in html, url
    assert "广州市市场监督管理局" in html and "含下级机构" in html


def test_clerk_sees_workbench_links_and_no_console_links(client, clerk, settings):
    settings.SIMULATORS_ENABLED = True
    response, html = page(client, clerk, WORKBENCH)
    assert response.status_code == 200
    assert href(LOOKUP_URL) in html and href(INPERSON_URL) in html
    for url in (*CONSOLE_ONLY, CONSOLE):
        assert href(url) not in html, url
    assert "窗口受理员" in html and "广州市市场监督管理局" in html
    # the console has nothing for a clerk
    response, html = page(client, clerk, CONSOLE)
    assert response.status_code == 403
    for url in CONSOLE_ONLY:
        assert href(url) not in html, url


def test_approver_workbench_has_lookup_but_no_inperson_check(client, approver):
    response, html = page(client, approver, WORKBENCH)
    assert response.status_code == 200
    assert href(LOOKUP_URL) in html and href(INPERSON_URL) not in html


@pytest.mark.parametrize("persona", ["citizen", "outsider"])
@pytest.mark.parametrize("url", [CONSOLE, WORKBENCH])
def test_citizen_gets_403(request, client, persona, url, settings):
    settings.SIMULATORS_ENABLED = True
    user = request.getfixturevalue(persona)
    before = (RoleAssignment.objects.count(), AuditEvent.objects.count())
    response, html = page(client, user, url)
    assert response.status_code == 403
    assert "无权访问" in html
    for link in (*CONSOLE_ONLY, LOOKUP_URL, INPERSON_URL):
        assert href(link) not in html, link
    assert (RoleAssignment.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("url", [CONSOLE, WORKBENCH])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]


def test_inactive_org_unit_grants_nothing(client, clerk, gz_market_dept):
    gz_market_dept.is_active = False
    gz_market_dept.save(update_fields=["is_active"])
    response, _html = page(client, clerk, WORKBENCH)
    assert response.status_code == 403
