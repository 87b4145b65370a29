"""Seal console pages: department admins manage their own seals; nobody else can."""

import pytest
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.licences.models import Seal, SealKey
from tongban.licences.services import seals
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(gz_market_dept, dept_admin):
    return seals.create_seal(gz_market_dept, actor=dept_admin)


@pytest.fixture
def sz_dept_admin(sz_market_dept):
    user = StaffFactory(username="sz_dept_admin", name="深管理")
    RoleAssignmentFactory(
        user=user, org_unit=sz_market_dept, role="dept_admin", covers_children=True
    )
    return user


def url(name, seal=None, **kwargs):
    if seal is not None:
        kwargs["esid"] = seal.esid
    return reverse(f"licences_console:{name}", kwargs=kwargs)


def snapshot():
    return (
        list(Seal.objects.order_by("pk").values_list("pk", "status", "status_reason")),
        list(SealKey.objects.order_by("pk").values_list("pk", "is_active")),
        AuditEvent.objects.count(),
    )


def test_console_home_shows_the_seal_card(client, dept_admin, clerk):
    client.force_login(dept_admin)
    assert url("seal_list") in client.get(reverse("console:home")).content.decode()


def test_list_shows_seal_with_image(client, dept_admin, seal):
    client.force_login(dept_admin)
    response = client.get(url("seal_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert seal.name in page and seal.esid in page and "<svg" in page
    assert "有效" in page


def test_create_seal_page(client, dept_admin, gz_market_dept):
    client.force_login(dept_admin)
    page = client.get(url("seal_create")).content.decode()
    assert "广州市市场监督管理局" in page and 'for="id_name"' in page
    response = client.post(
        url("seal_create"),
        {"org_unit": str(gz_market_dept.pk), "name": "", "valid_to": "2099-12-31"},
    )
    seal = Seal.objects.get()
    assert response.status_code == 302 and response["Location"] == url("seal_detail", seal)
    assert seal.valid_to.isoformat() == "2099-12-31"
    assert AuditEvent.objects.filter(
        event_type="licences.seal_created", actor_id=dept_admin.pk
    ).exists()
    detail = client.get(url("seal_detail", seal)).content.decode()
    key = SealKey.objects.get(seal=seal)
    assert key.fingerprint in detail and "平台签名有效" in detail


def test_create_seal_bad_input(client, dept_admin, gz_market_dept):
    client.force_login(dept_admin)
    response = client.post(
        url("seal_create"), {"org_unit": str(gz_market_dept.pk), "valid_to": "2001-01-01"}
    )
    assert response.status_code == 200
    assert "有效期截止日期不能早于" in response.content.decode()
    assert not Seal.objects.exists()


def test_create_for_a_department_out_of_reach(client, dept_admin, sz_market_dept):
    client.force_login(dept_admin)
    response = client.post(url("seal_create"), {"org_unit": str(sz_market_dept.pk)})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Seal.objects.exists()


def test_suspend_reactivate_revoke(client, dept_admin, seal):
    client.force_login(dept_admin)
    response = client.post(url("seal_status", seal), {"action": "suspend", "reason": "遗失补办"})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.status == "suspended" and seal.status_reason == "遗失补办"
    assert "恢复使用" in client.get(url("seal_detail", seal)).content.decode()
    client.post(url("seal_status", seal), {"action": "reactivate"})
    seal.refresh_from_db()
    assert seal.status == "active"
    client.post(url("seal_status", seal), {"action": "revoke", "reason": "机构撤并"})
    seal.refresh_from_db()
    assert seal.status == "revoked"
    assert AuditEvent.objects.filter(
        event_type="licences.seal_revoked", actor_id=dept_admin.pk
    ).exists()


def test_suspend_without_reason_changes_nothing(client, dept_admin, seal):
    client.force_login(dept_admin)
    before = snapshot()
    response = client.post(url("seal_status", seal), {"action": "suspend", "reason": ""})
    assert response.status_code == 400 and "请填写原因" in response.content.decode()
    assert snapshot() == before


def test_rotate_key_page(client, dept_admin, seal):
    client.force_login(dept_admin)
    old = SealKey.objects.get(seal=seal)
    response = client.post(url("seal_rotate", seal))
    assert response.status_code == 302
    assert SealKey.objects.filter(seal=seal).count() == 2
    assert SealKey.objects.get(seal=seal, is_active=True).pk != old.pk
    page = client.get(url("seal_detail", seal)).content.decode()
    assert "仅用于验证" in page and old.fingerprint in page


def test_renew_page(client, dept_admin, seal):
    client.force_login(dept_admin)
    response = client.post(url("seal_renew", seal), {"valid_to": "2099-06-30"})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.valid_to.isoformat() == "2099-06-30"
    assert SealKey.objects.filter(seal=seal).count() == 2
    before = snapshot()
    response = client.post(url("seal_renew", seal), {"valid_to": "2001-01-01"})
    assert response.status_code == 400 and "有效期截止日期不能早于" in response.content.decode()
    assert snapshot() == before


def test_download_public_key_and_certificate(client, dept_admin, seal):
    client.force_login(dept_admin)
    key = SealKey.objects.get(seal=seal)
    response = client.get(url("seal_key_pem", seal, fingerprint=key.fingerprint))
    assert response.status_code == 200
    assert response.content.decode() == key.public_pem
    assert "attachment" in response["Content-Disposition"]
    response = client.get(url("seal_certificate_der", seal, fingerprint=key.fingerprint))
    assert response.content == bytes(key.certificate_der)
    svg = client.get(url("seal_image", seal))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content
    assert client.get(url("seal_key_pem", seal, fingerprint="0" * 64)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["citizen", "outsider", "clerk", "approver", "other_city_clerk"]
)
def test_people_without_the_permission_get_403_and_nothing_changes(client, request, seal, persona):
    client.force_login(request.getfixturevalue(persona))
    key = SealKey.objects.get(seal=seal)
    before = snapshot()
    for name, kwargs in [
        ("seal_list", {}),
        ("seal_create", {}),
        ("seal_detail", {"esid": seal.esid}),
        ("seal_image", {"esid": seal.esid}),
        ("seal_key_pem", {"esid": seal.esid, "fingerprint": key.fingerprint}),
    ]:
        assert client.get(reverse(f"licences_console:{name}", kwargs=kwargs)).status_code == 403
    assert (
        client.post(url("seal_status", seal), {"action": "revoke", "reason": "x"}).status_code
        == 403
    )
    assert client.post(url("seal_rotate", seal)).status_code == 403
    assert client.post(url("seal_renew", seal), {"valid_to": "2099-01-01"}).status_code == 403
    assert client.post(url("seal_create"), {"org_unit": str(seal.org_unit_id)}).status_code == 403
    assert snapshot() == before


def test_other_city_dept_admin_gets_404_and_nothing_changes(client, seal, sz_dept_admin):
    client.force_login(sz_dept_admin)
    key = SealKey.objects.get(seal=seal)
    before = snapshot()
    page = client.get(url("seal_list")).content.decode()
    assert seal.esid not in page
    for name, kwargs in [
        ("seal_detail", {"esid": seal.esid}),
        ("seal_image", {"esid": seal.esid}),
        ("seal_key_pem", {"esid": seal.esid, "fingerprint": key.fingerprint}),
        ("seal_certificate_der", {"esid": seal.esid, "fingerprint": key.fingerprint}),
    ]:
        assert client.get(reverse(f"licences_console:{name}", kwargs=kwargs)).status_code == 404
    assert (
        client.post(url("seal_status", seal), {"action": "revoke", "reason": "x"}).status_code
        == 404
    )
    assert client.post(url("seal_rotate", seal)).status_code == 404
    assert client.post(url("seal_renew", seal), {"valid_to": "2099-01-01"}).status_code == 404
    assert snapshot() == before


def test_anonymous_redirected_to_login(client, seal):
    before = snapshot()
    response = client.post(url("seal_status", seal), {"action": "revoke", "reason": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(url("seal_list")).status_code == 302
    assert snapshot() == before
