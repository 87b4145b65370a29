"""The wallet API (/api/v1/licences/wallet): session auth, outsiders get 404, nothing changes."""

import pytest
from django.test import Client

from tongban.core.models import AuditEvent
from tongban.licences.models import LicenceUsage, ShareLink
from tongban.licences.services import sharing
from tongban.licences.tests.wallet_support import (
    agent,
    authorise,
    company,
    company_licence,
    personal_licence,
    private_media,
)

pytestmark = pytest.mark.django_db
__all__ = ["agent", "company", "company_licence", "personal_licence", "private_media"]

BASE = "/api/v1/licences/wallet"


def api(user=None, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def test_openapi_operation_ids():
    from tongban.config.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "licences_list_wallet",
        "licences_get_licence",
        "licences_download_licence",
        "licences_create_share",
        "licences_revoke_share",
        "licences_list_usages",
    } <= ids


def test_list_wallet(citizen, personal_licence, company_licence):
    body = api(citizen).get(BASE).json()
    identifiers = {row["identifier"] for row in body["items"]}
    assert identifiers == {personal_licence.identifier, company_licence.identifier}
    company_row = next(r for r in body["items"] if r["identifier"] == company_licence.identifier)
    assert company_row["holder_company"] == company_licence.holder_code
    assert company_row["status"] == "valid" and company_row["status_label"] == "有效"


def test_list_wallet_for_one_company(citizen, company, personal_licence, company_licence):
    body = api(citizen).get(BASE, {"company": company.uscc}).json()
    assert [r["identifier"] for r in body["items"]] == [company_licence.identifier]


def test_list_wallet_for_a_company_without_scope(agent, company, company_licence):
    authorise(company, agent, ["pay"])
    response = api(agent).get(BASE, {"company": company.uscc})
    assert response.status_code == 403 and response.json()["code"] == "agent_scope_exceeded"
    assert api(agent).get(BASE).json()["items"] == []


def test_anonymous_is_401(personal_licence):
    assert api().get(BASE).status_code == 401
    assert api().get(f"{BASE}/{personal_licence.identifier}").status_code == 401
    assert api().get(f"{BASE}/{personal_licence.identifier}/pdf").status_code == 401
    assert not LicenceUsage.objects.exists()


def test_get_licence(citizen, personal_licence):
    body = api(citizen).get(f"{BASE}/{personal_licence.identifier}").json()
    assert body["type_name"] == "居民身份证"
    assert body["holder_code"] == citizen.id_number and body["pii_masked"] is False
    assert {"name": "gender", "label": "性别", "value": "男"} in body["fields"]
    assert body["versions"][0]["identifier"] == personal_licence.identifier


def test_outsider_gets_404_on_every_endpoint_and_nothing_changes(
    outsider, citizen, personal_licence, private_media
):
    share = sharing.create_share(personal_licence, actor=citizen, purpose="办理银行开户", hours=24)
    events = AuditEvent.objects.count()
    client = api(outsider)
    ident = personal_licence.identifier
    responses = [
        client.get(f"{BASE}/{ident}"),
        client.get(f"{BASE}/{ident}/pdf"),
        client.get(f"{BASE}/{ident}/usages"),
        client.get(f"{BASE}/{ident}/shares"),
        client.post(
            f"{BASE}/{ident}/shares",
            {"purpose": "冒用", "hours": 1},
            content_type="application/json",
        ),
        client.delete(f"{BASE}/shares/{share.pk}"),
    ]
    assert [r.status_code for r in responses] == [404] * 6
    assert responses[0].json()["code"] == "licence_not_found"
    assert responses[-1].json()["code"] == "share_not_found"
    assert ShareLink.objects.count() == 1 and ShareLink.objects.get().revoked_at is None
    assert not LicenceUsage.objects.exists()
    assert AuditEvent.objects.count() == events


def test_download_pdf_logs_usage(citizen, personal_licence, private_media):
    response = api(citizen).get(f"{BASE}/{personal_licence.identifier}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert LicenceUsage.objects.get().kind == "download"


def test_create_list_and_revoke_share(citizen, personal_licence):
    client = api(citizen)
    response = client.post(
        f"{BASE}/{personal_licence.identifier}/shares",
        {"purpose": "办理银行开户", "hours": 48},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "active" and body["url"].endswith(
        f"/my/licences/s/{ShareLink.objects.get().token}/"
    )
    listed = client.get(f"{BASE}/{personal_licence.identifier}/shares").json()
    assert [s["id"] for s in listed] == [body["id"]]
    revoked = client.delete(f"{BASE}/shares/{body['id']}")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    again = client.delete(f"{BASE}/shares/{body['id']}")
    assert again.status_code == 409 and again.json()["code"] == "share_already_revoked"


def test_create_share_bad_input(citizen, personal_licence):
    response = api(citizen).post(
        f"{BASE}/{personal_licence.identifier}/shares",
        {"purpose": "办理银行开户", "hours": 1000},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "share_hours_invalid",
        "message": "有效时长须为 1 至 720 小时",
        "field": "hours",
    }
    assert not ShareLink.objects.exists()


def test_create_share_needs_csrf(citizen, personal_licence):
    response = api(citizen, csrf=True).post(
        f"{BASE}/{personal_licence.identifier}/shares",
        {"purpose": "办理银行开户", "hours": 24},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_usages(citizen, personal_licence):
    sharing.record_usage(personal_licence, kind="download", used_by="张三", actor=citizen)
    body = api(citizen).get(f"{BASE}/{personal_licence.identifier}/usages").json()
    assert body["count"] == 1
    assert body["items"][0]["kind"] == "download" and body["items"][0]["kind_label"] == "下载"


def test_list_query_count_does_not_grow_with_licences(citizen, company, gz_market_dept):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.licences.tests.wallet_support import issue_for_company, issue_for_person

    client = api(citizen)
    issue_for_person(citizen, gz_market_dept)
    issue_for_company(company, gz_market_dept)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE).json()["count"] == 2
    for _ in range(4):
        issue_for_person(citizen, gz_market_dept)
        issue_for_company(company, gz_market_dept)
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE).json()["count"] == 10
    assert len(many) == len(few)
