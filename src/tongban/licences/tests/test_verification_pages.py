# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""Public verification pages: every status, identifier errors, the QR page, masked data only."""

import pytest
from django.test import Client
from django.urls import reverse

from tongban.licences.models import Licence, LicenceUsage
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    licence,
    permit_type,
)

pytestmark = pytest.mark.django_db


def _page(identifier):
    return Client().get(reverse("verify:verify_licence", args=[identifier]))


@pytest.mark.parametrize(
    "status,label",
    [
        ("valid", "有效"),
        ("expired", "已过期"),
        ("revoked", "已撤销"),
        ("suspended", "已暂停"),
        ("superseded", "已被新版本替代"),
    ],
)
def test_each_status_is_shown_big_and_clear(licence, citizen, status, label):
    Licence.objects.filter(pk=licence.pk).update(status=status, status_reason="经营者申请注销")
    response = _page(licence.identifier)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'class="verdict verdict-{status}"' in html
    assert f'data-status="{status}">{label}</span>' in html
    assert "食品经营许可证" in html and licence.issuer.full_name in html
    assert "张*（440***********1235）" in html
    # No personal data beyond the masked fields.
    assert citizen.id_number not in html and "张三" not in html
    assert "天河路1号" not in html  # licence fields are not shown
    assert (
        LicenceUsage.objects.filter(
            licence=licence, kind="verification", used_by="公众核验"
        ).count()
        == 1
    )


def test_superseded_page_links_the_new_version(licence, approver):
    from tongban.licences.services import issuing

    newer = issuing.issue_new_version(licence, fields={"scope": "散装食品销售"}, actor=approver)
    html = _page(licence.identifier).content.decode()
    assert reverse("verify:verify_licence", args=[newer.identifier]) in html


def test_tampered_licence_shows_invalid(licence):
    Licence.objects.filter(pk=licence.pk).update(holder_name="王五")
    html = _page(licence.identifier).content.decode()
    assert 'data-status="invalid">无效</span>' in html
    assert "篡改" in html


def test_mistyped_identifier_shows_the_precise_error(licence):
    wrong = licence.identifier[:-1] + ("0" if licence.identifier[-1] != "0" else "1")
    response = _page(wrong)
    assert response.status_code == 400
    assert "校验位错误" in response.content.decode()
    assert not LicenceUsage.objects.exists()


def test_unknown_identifier_is_404(licence):
    from tongban.core.codes import generate_licence_id

    parts = licence.identifier.split(".")
    other = generate_licence_id(type_code=parts[5], issuer_uscc=parts[6], number="7777777")
    response = _page(other)
    assert response.status_code == 404
    assert "未找到该证照" in response.content.decode()
    assert not LicenceUsage.objects.exists()


def test_form_redirects_to_the_verdict(licence):
    client = Client()
    response = client.get(reverse("verify:verify_form"))
    assert response.status_code == 200 and 'for="id_identifier"' in response.content.decode()
    response = client.get(reverse("verify:verify_form"), {"identifier": f" {licence.identifier} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:verify_licence", args=[licence.identifier])
    response = client.get(reverse("verify:verify_form"), {"identifier": "1.2.3"})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()


def test_qr_page_checks_the_signature_and_the_current_status(licence):
    url = verification.qr_url(licence)
    path = url[url.index("/verify/q/") :]
    html = Client().get(path).content.decode()
    assert 'data-status="valid">有效</span>' in html
    Licence.objects.filter(pk=licence.pk).update(status="revoked", status_reason="吊销")
    html = Client().get(path).content.decode()
    assert 'data-status="revoked">已撤销</span>' in html
    assert LicenceUsage.objects.filter(licence=licence, kind="verification").count() == 2


def test_qr_page_refuses_garbage(db):
    response = Client().get(reverse("verify:verify_qr", args=["bm90LWEtcGF5bG9hZA"]))
    assert response.status_code == 400
    assert not LicenceUsage.objects.exists()
