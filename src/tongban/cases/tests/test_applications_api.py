# ruff: noqa: F811 (pytest fixtures imported from _applicant shadow their names)
"""/api/v1/cases/ applications and my cases — the same services as the pages, JSON errors,
outsiders get 404 and nothing changes."""

import json

import pytest
from django.test import Client

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services import applications
from tongban.cases.tests._applicant import (  # noqa: F401 (fixtures)
    COMPANY_SCHEMA,
    PDF,
    VALID_VALUES,
    draft,
    fill_materials,
    implementation,
    make_entity,
    make_item,
    material,
    ofd_bytes,
    person,
    private_media,
    snapshot,
    upload,
    wallet,
)
from tongban.catalog.models import Audience
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cases"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def send(client, method, url, data=None, **extra):
    return getattr(client, method)(
        url, json.dumps(data or {}), content_type="application/json", **extra
    )


def test_start_application_prefills(implementation, citizen, person):
    response = send(
        client_for(citizen),
        "post",
        f"{BASE}/applications",
        {"implementation_id": implementation.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["number"] is None
    form = {f["name"]: f for f in body["form"]}
    assert form["applicant_name"]["value"] == "张三"
    assert form["applicant_name"]["source"] == "registry"
    assert form["applicant_name"]["source_label"] == "政府核验"
    assert form["shop_name"]["source_label"] == "本人填写"
    assert [m["supplied"] for m in body["required_materials"]] == [False, False, False]


def test_start_refusals(implementation, citizen, gz_market_dept):
    client = client_for(citizen)
    implementation.item.is_withdrawn = True
    implementation.item.save()
    before = snapshot()
    response = send(
        client, "post", f"{BASE}/applications", {"implementation_id": implementation.pk}
    )
    assert response.status_code == 409 and response.json()["code"] == "item_withdrawn"
    legal = make_item(gz_market_dept, schema=COMPANY_SCHEMA, audience=Audience.LEGAL)
    response = send(client, "post", f"{BASE}/applications", {"implementation_id": legal.pk})
    assert response.status_code == 400 and response.json()["code"] == "company_required"
    response = send(client, "post", f"{BASE}/applications", {"implementation_id": 999999})
    assert response.status_code == 404
    assert snapshot() == before


def test_agent_scope_exceeded(gz_market_dept, citizen, outsider):
    import datetime

    from django.utils import timezone

    from tongban.identity.models import AgentAuthorisation
    from tongban.identity.services import companies

    company = companies.bind_company(citizen, make_entity(citizen).uscc, actor=citizen)
    AgentAuthorisation.objects.create(
        company=company,
        agent=outsider,
        scopes=["pay"],
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    legal = make_item(gz_market_dept, schema=COMPANY_SCHEMA, audience=Audience.LEGAL)
    before = snapshot()
    response = send(
        client_for(outsider),
        "post",
        f"{BASE}/applications",
        {"implementation_id": legal.pk, "company_uscc": company.uscc},
    )
    assert response.status_code == 403 and response.json()["code"] == "agent_scope_exceeded"
    assert snapshot() == before


def test_patch_saves_and_forged_value_is_refused(draft, citizen):
    client = client_for(citizen)
    url = f"{BASE}/applications/{draft.pk}"
    response = send(client, "patch", url, {"form": {"shop_name": "张三便利店"}})
    assert response.status_code == 200, response.content
    assert {f["name"]: f["value"] for f in response.json()["form"]}["shop_name"] == "张三便利店"
    before = snapshot(draft)
    response = send(client, "patch", url, {"form": {"shop_name": "改名", "id_number": "1"}})
    assert response.status_code == 400
    assert response.json()["code"] == "registry_value_forged"
    assert response.json()["field"] == "id_number"
    assert snapshot(draft) == before


def test_upload_material_multipart(draft, citizen):
    m = material(draft.implementation, "经营者身份证明")
    client = client_for(citizen)
    url = f"{BASE}/applications/{draft.pk}/materials"
    response = client.post(url, {"material_id": m.pk, "file": upload(ofd_bytes(), "id.ofd")})
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/ofd"
    before = snapshot(draft)
    response = client.post(url, {"material_id": m.pk, "file": upload(b"text", "fake.pdf")})
    assert response.status_code == 415 and response.json()["code"] == "file_type_not_allowed"
    response = client.post(url, {"material_id": m.pk, "file": upload(b"", "empty.pdf")})
    assert response.status_code == 400 and response.json()["code"] == "file_empty"
    assert snapshot(draft) == before


def test_attach_licence_needs_consent(draft, citizen, wallet):
    m = material(draft.implementation, "经营者身份证明")
    client = client_for(citizen)
    url = f"{BASE}/applications/{draft.pk}/licences"
    before = snapshot(draft)
    payload = {"material_id": m.pk, "licence_ref": f"LIC-{citizen.pk}-1", "consent": False}
    response = send(client, "post", url, payload)
    assert response.status_code == 400 and response.json()["code"] == "consent_required"
    assert snapshot(draft) == before
    response = send(client, "post", url, {**payload, "consent": True})
    assert response.status_code == 201 and response.json()["consent_at"]


def test_submit_is_idempotent(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    client = client_for(citizen)
    url = f"{BASE}/applications/{draft.pk}/submit"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 200, first.content
    second = client.post(url, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert second.status_code == 200
    assert first.json()["number"] == second.json()["number"] and first.json()["number"]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="cases.case_submitted").count() == 1


def test_submit_incomplete_is_refused(draft, citizen):
    before = snapshot(draft)
    response = client_for(citizen).post(f"{BASE}/applications/{draft.pk}/submit")
    assert response.status_code == 400 and response.json()["code"] == "field_required"
    assert snapshot(draft) == before


def _submitted(draft, citizen):
    applications.save_draft(draft, dict(VALID_VALUES), actor=citizen)
    fill_materials(draft, citizen)
    return applications.submit_application(draft, actor=citizen, idempotency_key="k")


def test_my_cases_list_and_detail(draft, citizen, outsider):
    case = _submitted(draft, citizen)
    listing = client_for(citizen).get(f"{BASE}/cases").json()
    assert [c["number"] for c in listing["items"]] == [case.number]
    assert client_for(outsider).get(f"{BASE}/cases").json()["items"] == []
    detail = client_for(citizen).get(f"{BASE}/cases/{case.number}")
    assert detail.status_code == 200 and detail.json()["status"] == "submitted"
    assert len(detail.json()["materials"]) == 2


def test_withdraw_and_correction(draft, citizen, clerk):
    from tongban.cases.services import lifecycle

    case = _submitted(draft, citizen)
    client = client_for(citizen)
    lifecycle.request_correction(
        case, actor=clerk, items=[{"material": "经营者身份证明", "problem": "不清晰"}]
    )
    detail = client.get(f"{BASE}/cases/{case.number}").json()
    assert detail["correction"]["items"][0]["problem"] == "不清晰"
    m = material(draft.implementation, "经营者身份证明")
    client.post(
        f"{BASE}/applications/{case.pk}/materials", {"material_id": m.pk, "file": upload(PDF)}
    )
    response = client.post(f"{BASE}/cases/{case.number}/correction")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = send(client, "post", f"{BASE}/cases/{case.number}/withdraw", {"reason": "不办了"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = send(client, "post", f"{BASE}/cases/{case.number}/withdraw", {})
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


def test_outsiders_get_404_and_nothing_changes(draft, citizen, outsider, other_city_clerk):
    m = material(draft.implementation, "其他材料")
    case = _submitted(draft, citizen)
    before = snapshot(case)
    for user in (outsider, other_city_clerk):
        client = client_for(user)
        assert client.get(f"{BASE}/applications/{case.pk}").status_code == 404
        assert (
            send(
                client, "patch", f"{BASE}/applications/{case.pk}", {"form": {"shop_name": "x"}}
            ).status_code
            == 404
        )
        response = client.post(
            f"{BASE}/applications/{case.pk}/materials", {"material_id": m.pk, "file": upload(PDF)}
        )
        assert response.status_code == 404
        assert client.post(f"{BASE}/applications/{case.pk}/submit").status_code == 404
        assert client.get(f"{BASE}/cases/{case.number}").status_code == 404
        assert send(client, "post", f"{BASE}/cases/{case.number}/withdraw").status_code == 404
        assert client.post(f"{BASE}/cases/{case.number}/correction").status_code == 404
    assert snapshot(case) == before
    assert CaseMaterial.objects.filter(case=case).count() == 2


def test_anonymous_is_401(draft):
    before = snapshot(draft)
    assert Client().get(f"{BASE}/cases").status_code == 401
    assert (
        send(Client(), "patch", f"{BASE}/applications/{draft.pk}", {"form": {}}).status_code == 401
    )
    assert snapshot(draft) == before


def test_operation_ids_are_documented():
    from tongban.config.api import api

    schema = api.get_openapi_schema()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "cases_start_application",
        "cases_update_application",
        "cases_upload_material",
        "cases_submit_application",
        "cases_list_cases",
        "cases_get_case",
        "cases_withdraw_case",
        "cases_submit_correction",
    } <= ids
