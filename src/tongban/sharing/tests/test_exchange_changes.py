"""Change detection per backing (dataset versions diffed by lookup key; registries by
``updated_at``) and the consumer's pull of change events through the API: grant enforcement,
masking, cursors, and every pull — served or refused — in the access log."""

import pytest
from django.utils import timezone

from tongban.registries.models import Person
from tongban.sharing.models import AccessLogEntry, Grant
from tongban.sharing.services import changes
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.exchange_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.exchange_support import PURPOSE, reimport
from tongban.sharing.tests.opendata_support import _media_in_tmp, pharmacy_rows  # noqa: F401
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import POP_CODE, WANG_ID, ZHAO_ID, token_for

pytestmark = pytest.mark.django_db


def pull(client, token, code=POP_CODE, **params):
    params.setdefault("purpose", PURPOSE)
    return client.get(
        f"/api/v1/sharing/gateway/resources/{code}/changes",
        params,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def last_entry():
    return AccessLogEntry.objects.order_by("-seq").first()


def test_dataset_diff_by_lookup_key(pharmacies, market_admin):
    rows = pharmacy_rows(5)
    v1 = changes.changes_since(pharmacies, "", limit=100)
    assert [c.op for c in v1.changes] == ["added"] * 5
    changed = [list(r) for r in rows[:4]]
    changed[0][4] = "9"  # pharmacists of the first row
    added = pharmacy_rows(6)[5:]
    reimport(pharmacies, market_admin, changed + [r for r in added])
    batch = changes.changes_since(pharmacies, v1.next_cursor, limit=100)
    ops = {c.key: c.op for c in batch.changes}
    assert ops == {
        rows[0][1]: "changed",
        rows[4][1]: "removed",
        added[0][1]: "added",
    }
    assert batch.counts == {"added": 1, "changed": 1, "removed": 1}
    changed_row = next(c for c in batch.changes if c.op == "changed")
    assert changed_row.row["pharmacists"] == 9
    # the next cursor is the present: nothing more
    assert changes.changes_since(pharmacies, batch.next_cursor, limit=100).changes == []


def test_dataset_changes_page_through_one_diff(pharmacies, market_admin):
    first = changes.changes_since(pharmacies, "", limit=2)
    assert first.has_more and len(first.changes) == 2
    second = changes.changes_since(pharmacies, first.next_cursor, limit=2)
    third = changes.changes_since(pharmacies, second.next_cursor, limit=2)
    assert not third.has_more
    keys = [c.key for c in first.changes + second.changes + third.changes]
    assert sorted(keys) == sorted(r[1] for r in pharmacy_rows(5))


def test_registry_changes_by_updated_at(population, persons):
    start = changes.changes_since(population, "", limit=100)
    # the provider's own region only (广州): 王芳 and 赵六, not 李四 (深圳)
    assert {c.key for c in start.changes} == {WANG_ID, ZHAO_ID}
    assert all(c.op == "added" for c in start.changes)
    assert changes.changes_since(population, start.next_cursor, limit=100).changes == []
    wang = Person.objects.get(id_number=WANG_ID)
    wang.address = "广州市天河区新地址9号"
    wang.save()
    batch = changes.changes_since(population, start.next_cursor, limit=100)
    assert [(c.op, c.key) for c in batch.changes] == [("changed", WANG_ID)]


def test_cursor_garbage_and_wrong_kind_are_refused(population, pharmacies):
    from tongban.core.exceptions import DomainError

    for cursor in ["%%%", "bm90LWpzb24", changes.encode_cursor({"k": "d", "v": 1})]:
        with pytest.raises(DomainError) as excinfo:
            changes.changes_since(population, cursor, limit=10)
        assert excinfo.value.code == "cursor_invalid"
    with pytest.raises(DomainError) as excinfo:
        changes.changes_since(pharmacies, changes.encode_cursor({"k": "d", "v": 7}), limit=10)
    assert excinfo.value.code == "cursor_invalid"


def test_pull_through_api_is_masked_scoped_and_logged(client, bulk_grant, mca_system):
    token = token_for(client, mca_system)
    response = pull(client, token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["items"] == ["id_number", "name", "division_code"]
    records = {c["key"]: c["record"] for c in body["changes"]}
    assert set(records) == {WANG_ID, ZHAO_ID}
    assert records[WANG_ID]["name"] == "王*"
    assert "address" not in records[WANG_ID]
    entry = last_entry()
    assert entry.outcome == "allowed" and entry.row_count == 2 and entry.grant_id == bulk_grant.pk
    assert entry.purpose == PURPOSE and len(entry.subject_digests) == 2
    again = pull(client, token, since=body["next_cursor"])
    assert again.status_code == 200 and again.json()["changes"] == []


def test_pull_without_grant_lookup_grant_revoked_and_expired(
    client, granted, mca_system, sz_system, psb_admin, population
):
    # sz_system has no grant
    response = pull(client, token_for(client, sz_system))
    assert response.status_code == 403 and response.json()["code"] == "no_grant"
    assert last_entry().refusal_code == "no_grant"
    # a lookup-only grant cannot read changes (bulk)
    token = token_for(client, mca_system)
    response = pull(client, token, reference="MZ1")
    assert response.status_code == 403 and response.json()["code"] == "bulk_not_allowed"
    assert last_entry().refusal_code == "bulk_not_allowed"
    _request, grant = granted
    Grant.objects.filter(pk=grant.pk).update(
        row_scope="filter", expires_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    response = pull(client, token, reference="MZ1")
    assert response.json()["code"] == "grant_expired"
    Grant.objects.filter(pk=grant.pk).update(expires_on=timezone.localdate())
    share_requests.revoke_grant(actor=psb_admin, grant=grant, reason="不再需要")
    response = pull(client, token, reference="MZ1")
    assert response.status_code == 403 and response.json()["code"] == "grant_revoked"
    assert last_entry().refusal_code == "grant_revoked"
    assert not AccessLogEntry.objects.filter(outcome="allowed").exists()


def test_pull_bad_input(client, bulk_grant, mca_system):
    token = token_for(client, mca_system)
    assert pull(client, token, code="NO-SUCH").json()["code"] == "resource_not_found"
    response = pull(client, token, since="%%%")
    assert response.status_code == 400 and response.json()["code"] == "cursor_invalid"
    assert last_entry().refusal_code == "cursor_invalid"
    response = pull(client, token, purpose=" ")
    assert response.json()["code"] == "purpose_required"
    assert client.get(f"/api/v1/sharing/gateway/resources/{POP_CODE}/changes").status_code == 401
    assert not AccessLogEntry.objects.filter(outcome="allowed").exists()


def test_dataset_pull_and_http_api_resource_unsupported(
    client, pharmacy_grant, mca_system, market_admin, pharmacies
):
    token = token_for(client, mca_system)
    body = pull(client, token, code=pharmacies.code, purpose="医保定点核查").json()
    assert len(body["changes"]) == 5 and set(body["changes"][0]["record"]) == {
        "name",
        "uscc",
        "district",
        "pharmacists",
    }
    pharmacies.backing = "http_api"
    pharmacies.api_url = "https://93.184.216.34/api"
    pharmacies.save()
    response = pull(client, token, code=pharmacies.code, purpose="医保定点核查")
    assert response.status_code == 409 and response.json()["code"] == "changes_unsupported"
    assert last_entry().refusal_code == "changes_unsupported"
