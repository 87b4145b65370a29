# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""Console pages: trust list (operators) and licence status (issuer staff)."""

import pytest
from django.test import Client
from django.urls import reverse

from tongban.core.crypto import sm2
from tongban.core.models import AuditEvent
from tongban.identity.models import SmsMessage
from tongban.licences.models import Licence, TrustedIssuer
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pem():
    return sm2.PrivateKey.generate().public_key.to_pem().decode()


def test_operator_imports_and_withdraws_trust(operator):
    client = client_for(operator)
    url = reverse("licences_console:trust_list")
    page = client.get(url)
    assert page.status_code == 200 and "信任列表为空" in page.content.decode()
    response = client.post(
        url,
        {
            "name": "北京市市场监督管理局",
            "issuer_code": "91110000600037341L",
            "public_pem": _pem(),
        },
    )
    assert response.status_code == 302
    issuer = TrustedIssuer.objects.get()
    assert issuer.fingerprint[:16] in client.get(url).content.decode()
    client.post(reverse("licences_console:trust_toggle", args=[issuer.pk]))
    assert not TrustedIssuer.objects.get().is_active


def test_bad_key_shows_the_error_and_changes_nothing(operator):
    response = client_for(operator).post(
        reverse("licences_console:trust_list"),
        {
            "name": "x",
            "issuer_code": "91110000600037341L",
            "public_pem": "garbage",
        },
    )
    assert response.status_code == 400
    assert "公钥无效" in response.content.decode()
    assert not TrustedIssuer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "clerk", "dept_admin"])
def test_others_cannot_see_or_change_the_trust_list(persona, request):
    client = client_for(request.getfixturevalue(persona))
    issuer = TrustedIssuer.objects.create(
        name="a", issuer_code="91110000600037341L", fingerprint="a" * 64, public_pem=_pem()
    )
    assert client.get(reverse("licences_console:trust_list")).status_code == 403
    response = client.post(
        reverse("licences_console:trust_list"),
        {
            "name": "x",
            "issuer_code": "91110000600037341L",
            "public_pem": _pem(),
        },
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("licences_console:trust_toggle", args=[issuer.pk])).status_code == 403
    )
    assert TrustedIssuer.objects.count() == 1 and TrustedIssuer.objects.get().is_active


def test_approver_suspends_a_licence_from_the_console(licence, approver, citizen):
    client = client_for(approver)
    response = client.get(
        reverse("licences_console:status_lookup"), {"identifier": licence.identifier}
    )
    url = reverse("licences_console:licence_status", args=[licence.identifier])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert 'data-status="valid"' in page and 'name="reason"' in page
    response = client.post(url, {"action": "suspend", "reason": "立案调查"})
    assert response.status_code == 302
    assert Licence.objects.get(pk=licence.pk).status == "suspended"
    assert AuditEvent.objects.filter(event_type="licences.licence_suspended").exists()
    assert SmsMessage.objects.filter(mobile=citizen.mobile, purpose="licence_status").exists()
    response = client.post(url, {"action": "suspend", "reason": "再次"})
    assert response.status_code == 400 and "不能执行该操作" in response.content.decode()


def test_clerk_sees_the_status_but_cannot_change_it(licence, clerk):
    client = client_for(clerk)
    url = reverse("licences_console:licence_status", args=[licence.identifier])
    page = client.get(url)
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()
    response = client.post(url, {"action": "revoke", "reason": "越权"})
    assert response.status_code == 400
    assert Licence.objects.get(pk=licence.pk).status == "valid"


@pytest.mark.parametrize(
    "persona,status", [("other_city_clerk", 404), ("outsider", 403), ("operator", 403)]
)
def test_outsiders_cannot_reach_the_licence_status(licence, persona, status, request):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("licences_console:licence_status", args=[licence.identifier])
    assert client.get(url).status_code == status
    assert client.post(url, {"action": "revoke", "reason": "x"}).status_code == status
    assert Licence.objects.get(pk=licence.pk).status == "valid"
    assert not AuditEvent.objects.filter(event_type="licences.licence_revoked").exists()
