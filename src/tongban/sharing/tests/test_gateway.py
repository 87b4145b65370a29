"""The gateway through its API with real client-credentials tokens: grant enforcement (items,
rows, masking, expiry, revocation, rate limit, reference), lookup-only grants refusing bulk
queries, outsiders, and every call — served or refused — in the access log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.sharing.models import AccessLogEntry, AccessSubject, Grant
from tongban.sharing.services import access_log, gateway
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import (
    LI_ID,
    POP_CODE,
    WANG_ID,
    ZHAO_ID,
    submit,
    token_for,
)

pytestmark = pytest.mark.django_db

PURPOSE = "最低生活保障家庭经济状况核对"


def lookup(client, token, id_number, **params):
    params.setdefault("purpose", PURPOSE)
    params.setdefault("reference", "MZ2026000123")
    return client.get(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/records/{id_number}",
        params,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def query(client, token, body):
    body = {"purpose": PURPOSE, "reference": "MZ2026000123", **body}
    return client.post(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/query",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def last_entry():
    return AccessLogEntry.objects.order_by("-seq").first()


def test_lookup_returns_granted_items_masked_and_is_logged(client, granted, mca_system):
    token = token_for(client, mca_system)
    response = lookup(client, token, WANG_ID)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["items"] == ["id_number", "name", "address"]
    record = body["records"][0]
    assert record["id_number"] == WANG_ID  # not masked by this grant
    assert record["name"] == "王*"
    assert record["address"] == "广州市天河区****"
    assert "phone" not in record and "birth_date" not in record
    entry = last_entry()
    assert entry.seq == body["log_seq"] and entry.outcome == "allowed"
    assert entry.purpose == PURPOSE and entry.reference == "MZ2026000123"
    assert entry.row_count == 1 and entry.items == ["id_number", "name", "address"]
    assert entry.query == {"id_number": "440***********0049"}
    assert entry.consumer_unit_id == granted[1].consumer_unit_id
    assert AccessSubject.objects.get(entry=entry).subject_digest == access_log.subject_digest(
        WANG_ID
    )
    assert WANG_ID not in str(entry.subject_digests)


def test_items_outside_the_grant_are_refused_and_logged(client, granted, mca_system):
    token = token_for(client, mca_system)
    response = lookup(client, token, WANG_ID, items="id_number,phone")
    assert response.status_code == 403 and response.json()["code"] == "item_not_granted"
    entry = last_entry()
    assert entry.outcome == "refused" and entry.refusal_code == "item_not_granted"
    assert not AccessSubject.objects.exists()
    response = lookup(client, token, WANG_ID, items="name")
    assert response.status_code == 200 and list(response.json()["records"][0]) == ["name"]


def test_rows_outside_the_grant_division_are_not_served(client, granted, mca_system):
    token = token_for(client, mca_system)
    # 李四 lives in 深圳: outside both the 广州 公安局's resource and the grant's row scope
    response = lookup(client, token, LI_ID)
    assert response.status_code == 404 and response.json()["code"] == "record_not_found"
    entry = last_entry()
    assert entry.row_count == 0 and not AccessSubject.objects.filter(entry=entry).exists()
    assert lookup(client, token, ZHAO_ID).status_code == 200  # 白云区 is in 广州


def test_narrower_row_division(client, population, mca_system, mca_admin, psb_admin):
    system, _ = mca_system
    share_request = submit(mca_admin, population, system)
    share_requests.approve_request(
        actor=psb_admin,
        share_request=share_request,
        terms=share_requests.Terms(row_division="440106"),  # 天河区 only
    )
    token = token_for(client, mca_system)
    assert lookup(client, token, WANG_ID).status_code == 200
    assert lookup(client, token, ZHAO_ID).status_code == 404


def test_lookup_only_grant_refuses_bulk_listing(client, granted, mca_system):
    token = token_for(client, mca_system)
    response = query(client, token, {"filters": {"division_code": "440106"}})
    assert response.status_code == 403 and response.json()["code"] == "bulk_not_allowed"
    assert last_entry().refusal_code == "bulk_not_allowed"


def test_filter_grant_allows_bulk_on_granted_items(
    client, population, mca_system, mca_admin, psb_admin
):
    system, _ = mca_system
    share_request = submit(
        mca_admin, population, system, items=["id_number", "name", "division_code"]
    )
    share_requests.approve_request(
        actor=psb_admin,
        share_request=share_request,
        terms=share_requests.Terms(row_scope="filter", masking={"id_number": "id_number"}),
    )
    token = token_for(client, mca_system)
    response = query(client, token, {"filters": {"division_code": "440106"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["records"][0]["id_number"] == "440***********0049"
    response = query(client, token, {"filters": {"phone": "13700137000"}})
    assert response.status_code == 403 and response.json()["code"] == "filter_not_granted"


def test_purpose_and_reference_are_required(client, granted, mca_system):
    token = token_for(client, mca_system)
    response = lookup(client, token, WANG_ID, purpose=" ")
    assert response.status_code == 400 and response.json()["code"] == "purpose_required"
    response = lookup(client, token, WANG_ID, reference="")
    assert response.status_code == 400 and response.json()["code"] == "reference_required"
    refused = list(AccessLogEntry.objects.order_by("seq").values_list("refusal_code", flat=True))
    assert refused == ["purpose_required", "reference_required"]


def test_expired_grant(client, granted, mca_system):
    _, grant = granted
    Grant.objects.filter(pk=grant.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    token = token_for(client, mca_system)
    response = lookup(client, token, WANG_ID)
    assert response.status_code == 403 and response.json()["code"] == "grant_expired"
    assert last_entry().refusal_code == "grant_expired" and last_entry().grant_id == grant.pk


def test_revoked_grant(client, granted, mca_system, psb_admin):
    _, grant = granted
    token = token_for(client, mca_system)
    assert lookup(client, token, WANG_ID).status_code == 200
    share_requests.revoke_grant(actor=psb_admin, grant=grant, reason="核对工作已结束")
    response = lookup(client, token, WANG_ID)
    assert response.status_code == 403 and response.json()["code"] == "grant_revoked"
    assert last_entry().outcome == "refused"


def test_rate_limit(client, granted, mca_system):
    token = token_for(client, mca_system)
    for _ in range(5):  # the grant allows 5 calls a minute
        assert lookup(client, token, WANG_ID).status_code == 200
    response = lookup(client, token, WANG_ID)
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert last_entry().refusal_code == "rate_limited"
    assert AccessLogEntry.objects.filter(outcome="allowed").count() == 5


def test_other_city_system_without_grant(client, granted, sz_system):
    token = token_for(client, sz_system)
    response = lookup(client, token, WANG_ID)
    assert response.status_code == 403 and response.json()["code"] == "no_grant"
    entry = last_entry()
    assert entry.outcome == "refused" and entry.row_count == 0
    assert not AccessSubject.objects.exists()


def test_without_token_nothing_is_served_or_logged(client, granted):
    response = client.get(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/records/{WANG_ID}", {"purpose": PURPOSE}
    )
    assert response.status_code == 401
    assert not AccessLogEntry.objects.exists()


def test_a_staff_session_is_not_a_consumer_system(client, granted, psb_admin):
    client.force_login(psb_admin)
    response = client.get(
        f"/api/v1/sharing/gateway/resources/{POP_CODE}/records/{WANG_ID}", {"purpose": PURPOSE}
    )
    assert response.status_code == 401
    assert not AccessLogEntry.objects.exists()


def test_unknown_resource(client, granted, mca_system):
    token = token_for(client, mca_system)
    response = client.get(
        "/api/v1/sharing/gateway/resources/NOPE/records/1",
        {"purpose": PURPOSE},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404 and response.json()["code"] == "resource_not_found"
    assert last_entry().resource_code == "NOPE"


def test_any_data_about_a_person_is_recorded_for_that_person(
    client, population, mca_system, mca_admin, psb_admin
):
    """Reading only the 人口状态 (internal item) of a person is still reading about them."""
    system, _ = mca_system
    share_request = submit(mca_admin, population, system, items=["status"])
    share_requests.approve_request(
        actor=psb_admin, share_request=share_request, terms=share_requests.Terms()
    )
    token = token_for(client, mca_system)
    response = lookup(client, token, WANG_ID, reference="")
    assert response.status_code == 200 and response.json()["records"] == [{"status": "normal"}]
    assert AccessSubject.objects.get().subject_digest == access_log.subject_digest(WANG_ID)


def test_public_entity_items_do_not_record_the_legal_representative(
    registry_resources, mca_system, mca_admin
):
    _, entity = registry_resources
    system, _ = mca_system
    submit(mca_admin, entity, system, items=["uscc", "name"])  # unconditional: granted at once
    result = gateway.lookup(
        application=system.application,
        resource_code=entity.code,
        key="91440106MA5D000001",
        purpose="核对",
    )
    assert result.rows == [{"uscc": "91440106MA5D000001", "name": "广州示例科技有限公司"}]
    assert not AccessSubject.objects.exists()
    submit(mca_admin, entity, system, items=["uscc", "legal_rep_id_number"])
    result = gateway.lookup(
        application=system.application,
        resource_code=entity.code,
        key="91440106MA5D000001",
        purpose="核对",
    )
    assert result.rows[0]["legal_rep_id_number"] == "440***********0049"
    assert AccessSubject.objects.get().subject_digest == access_log.subject_digest(WANG_ID)


def test_suspended_system_cannot_call(client, granted, mca_system, mca_admin, sz_mca_admin):
    from tongban.core.models import AuditEvent
    from tongban.sharing.models import ConsumerSystem

    system, _ = mca_system
    token = token_for(client, mca_system)
    client.force_login(sz_mca_admin)
    url = f"/workbench/sharing/systems/{system.pk}/status/"
    assert client.post(url, {"action": "suspend"}).status_code == 404
    client.force_login(mca_admin)
    assert client.post(url, {"action": "suspend"}).status_code == 302
    client.logout()
    assert ConsumerSystem.objects.get().status == "suspended"
    assert lookup(client, token, WANG_ID).status_code == 401  # its tokens were revoked
    assert AuditEvent.objects.filter(event_type="sharing.consumer_system_suspended").count() == 1
    client.force_login(mca_admin)
    client.post(url, {"action": "resume"})
    client.logout()
    assert lookup(client, token_for(client, mca_system), WANG_ID).status_code == 200
