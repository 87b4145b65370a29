"""The wallet pages (/my/licences/): who sees which licence, download, versions, usage log."""

import pytest
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.licences import selectors
from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.tests.wallet_support import (
    agent,
    authorise,
    company,
    company_licence,
    issue_for_person,
    make_company,
    personal_licence,
    private_media,
    set_status,
)

pytestmark = pytest.mark.django_db
__all__ = ["agent", "company", "company_licence", "personal_licence", "private_media"]


def client_for(client, user):
    client.force_login(user)
    return client


def detail_url(licence):
    return reverse("wallet:licence_detail", args=[licence.identifier])


def pdf_url(licence):
    return reverse("wallet:licence_pdf", args=[licence.identifier])


def nothing_recorded():
    return (
        not LicenceUsage.objects.exists()
        and not AuditEvent.objects.filter(
            event_type__in=["licences.licence_used", "licences.share_created"]
        ).exists()
    )


# --- list -------------------------------------------------------------------------------------
def test_list_shows_personal_and_company_licences(
    client, citizen, personal_licence, company_licence
):
    response = client_for(client, citizen).get(reverse("wallet:licence_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的证照" in body
    assert personal_licence.identifier in body and "居民身份证" in body
    assert company_licence.identifier in body and "营业执照" in body
    assert company_licence.holder_company.name in body


def test_list_requires_login(client):
    response = client.get(reverse("wallet:licence_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_outsider_sees_an_empty_wallet(client, outsider, personal_licence, company_licence):
    body = client_for(client, outsider).get(reverse("wallet:licence_list")).content.decode()
    assert personal_licence.identifier not in body
    assert company_licence.identifier not in body
    assert "您还没有电子证照" in body


def test_agent_with_scope_sees_company_licences(client, agent, company, company_licence):
    authorise(company, agent, ["licences"])
    body = client_for(client, agent).get(reverse("wallet:licence_list")).content.decode()
    assert company_licence.identifier in body and "经办人" in body


def test_agent_without_scope_sees_the_company_but_not_its_licences(
    client, agent, company, company_licence
):
    authorise(company, agent, ["apply"])
    body = client_for(client, agent).get(reverse("wallet:licence_list")).content.decode()
    assert company.name in body
    assert company_licence.identifier not in body
    assert "授权不含“证照”" in body


def test_superseded_versions_leave_the_list_but_stay_in_the_history(
    client, citizen, company_licence
):
    from tongban.licences.services.issuing import issue_new_version
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    issuer_admin = StaffFactory()
    RoleAssignmentFactory(user=issuer_admin, org_unit=company_licence.issuer, role="approver")
    fields = dict(company_licence.fields, address="广东省广州市天河区体育东路2号")
    new = issue_new_version(company_licence, fields=fields, actor=issuer_admin)
    company_licence.refresh_from_db()
    assert company_licence.status == Licence.Status.SUPERSEDED
    c = client_for(client, citizen)
    body = c.get(reverse("wallet:licence_list")).content.decode()
    assert new.identifier in body and company_licence.identifier not in body
    detail = c.get(detail_url(new)).content.decode()
    assert "历史版本" in detail and detail_url(company_licence) in detail
    old = c.get(detail_url(company_licence)).content.decode()
    assert "已被新版本替代" in old and detail_url(new) in old


# --- detail -----------------------------------------------------------------------------------
def test_holder_sees_detail_fields_unmasked(client, citizen, personal_licence):
    response = client_for(client, citizen).get(detail_url(personal_licence))
    assert response.status_code == 200
    body = response.content.decode()
    assert citizen.id_number in body and "广东省广州市天河区体育西路1号" in body
    assert "下载版式文件" in body and "亮证分享" in body and "用证记录" in body
    assert nothing_recorded()  # viewing the detail is not a use


def test_outsider_gets_404_and_nothing_recorded(
    client, outsider, personal_licence, company_licence
):
    c = client_for(client, outsider)
    for licence in (personal_licence, company_licence):
        for url in (detail_url(licence), pdf_url(licence)):
            response = c.get(url)
            assert response.status_code == 404
            assert licence.holder_name not in response.content.decode()
    assert nothing_recorded()


def test_unknown_identifier_is_404(client, citizen):
    response = client_for(client, citizen).get(
        reverse("wallet:licence_detail", args=["1.2.156.3005.2.nothing"])
    )
    assert response.status_code == 404


def test_anonymous_is_sent_to_login_and_nothing_recorded(client, personal_licence):
    response = client.get(pdf_url(personal_licence))
    assert response.status_code == 302 and "login" in response["Location"]
    assert nothing_recorded()


def test_agent_without_licences_scope_is_refused_with_the_scope_message(
    client, agent, company, company_licence
):
    authorise(company, agent, ["apply", "pay"])
    c = client_for(client, agent)
    response = c.get(detail_url(company_licence))
    assert response.status_code == 403
    assert "agent_scope_exceeded" in response.content.decode()
    assert c.get(pdf_url(company_licence)).status_code == 403
    assert nothing_recorded()


def test_agent_with_scope_sees_masked_id_numbers(client, agent, company, gz_market_dept):
    from tongban.licences.tests.wallet_support import issue_for_company

    licence = issue_for_company(company, gz_market_dept, legal_rep="张三 440106199001011235")
    authorise(company, agent, ["licences"])
    body = client_for(client, agent).get(detail_url(licence)).content.decode()
    assert "440106199001011235" not in body and "440***********1235" in body
    assert "个人信息已脱敏显示" in body


def test_legal_rep_sees_company_licence_unmasked(client, citizen, company, gz_market_dept):
    from tongban.licences.tests.wallet_support import issue_for_company

    licence = issue_for_company(company, gz_market_dept, legal_rep="张三 440106199001011235")
    body = client_for(client, citizen).get(detail_url(licence)).content.decode()
    assert "440106199001011235" in body


def test_issuer_staff_may_view_but_not_share_or_read_usages(client, clerk, personal_licence):
    c = client_for(client, clerk)
    response = c.get(detail_url(personal_licence))
    assert response.status_code == 200
    body = response.content.decode()
    assert "亮证分享" not in body and "用证记录" not in body
    usages = reverse("wallet:usage_list", args=[personal_licence.identifier])
    assert c.get(usages).status_code == 404


def test_other_city_staff_gets_404(client, other_city_clerk, personal_licence):
    response = client_for(client, other_city_clerk).get(detail_url(personal_licence))
    assert response.status_code == 404


def test_licence_found_by_verified_id_number_without_account_link(client, citizen, gz_market_dept):
    licence = issue_for_person(citizen, gz_market_dept)
    Licence.objects.filter(pk=licence.pk).update(holder_user=None)  # e.g. a CSV import
    assert client_for(client, citizen).get(detail_url(licence)).status_code == 200
    citizen.realname_level = 1
    citizen.save()
    assert client_for(client, citizen).get(detail_url(licence)).status_code == 404


def test_expired_by_date_shows_expired(client, citizen, personal_licence):
    import datetime

    set_status(personal_licence, Licence.Status.VALID, valid_to=datetime.date(2020, 1, 1))
    body = client_for(client, citizen).get(detail_url(personal_licence)).content.decode()
    assert 'data-status="expired"' in body and "只有有效的证照可以分享" in body


# --- download ---------------------------------------------------------------------------------
def test_download_returns_the_pdf_and_logs_the_usage(
    client, citizen, personal_licence, private_media
):
    response = client_for(client, citizen).get(pdf_url(personal_licence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    usage = LicenceUsage.objects.get()
    assert usage.kind == "download" and usage.used_by == citizen.name
    event = AuditEvent.objects.get(event_type="licences.licence_used")
    assert event.actor_id == citizen.pk and event.data["kind"] == "download"


def test_download_with_missing_font_is_503_and_nothing_logged(
    client, citizen, personal_licence, private_media, settings
):
    settings.PDF_FONT_PATH = "/nonexistent/font.ttc"
    from tongban.licences.services import rendering

    rendering._font_path_registered = None
    try:
        response = client_for(client, citizen).get(pdf_url(personal_licence))
    finally:
        rendering._font_path_registered = None
    assert response.status_code == 503
    assert nothing_recorded()


# --- usage log --------------------------------------------------------------------------------
def test_usage_log_page_lists_uses(client, citizen, personal_licence):
    from tongban.licences.services import sharing

    sharing.record_usage(
        personal_licence, kind="share_view", used_by="凭分享链接查看", purpose="办理银行开户"
    )
    response = client_for(client, citizen).get(
        reverse("wallet:usage_list", args=[personal_licence.identifier])
    )
    assert response.status_code == 200
    assert "办理银行开户" in response.content.decode()


def test_usage_log_of_someone_else_is_404(client, outsider, personal_licence):
    response = client_for(client, outsider).get(
        reverse("wallet:usage_list", args=[personal_licence.identifier])
    )
    assert response.status_code == 404


# --- selectors --------------------------------------------------------------------------------
def test_wallet_of_company_requires_scope(agent, company, company_licence):
    from tongban.core.exceptions import DomainError

    authorise(company, agent, ["pay"])
    with pytest.raises(DomainError) as exc:
        selectors.wallet_of(agent, company)
    assert exc.value.code == "agent_scope_exceeded" and exc.value.status == 403


def test_licences_for_type_only_usable_ones(citizen, agent, gz_market_dept):
    other = make_company(agent, name="王五便利店")
    from tongban.licences.tests.wallet_support import issue_for_company

    mine = issue_for_company(make_company(citizen), gz_market_dept)
    revoked = issue_for_company(make_company(citizen, name="张三二店"), gz_market_dept)
    set_status(revoked, Licence.Status.REVOKED)
    theirs = issue_for_company(other, gz_market_dept)
    found = selectors.licences_for_type(citizen, "business-licence")
    assert [lic.pk for lic in found] == [mine.pk]
    assert theirs not in found
    assert selectors.licences_for_type(citizen, "food-business-licence") == []
