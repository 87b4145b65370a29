"""Sharing a licence (亮证): purpose-bound, time-limited links; the public page; revocation."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.licences.models import Licence, LicenceUsage, ShareLink
from tongban.licences.services import sharing
from tongban.licences.tests.wallet_support import (
    agent,
    authorise,
    company,
    company_licence,
    personal_licence,
    private_media,
    set_status,
)

pytestmark = pytest.mark.django_db
__all__ = ["agent", "company", "company_licence", "personal_licence", "private_media"]


def share_page(share):
    return reverse("wallet:share_page", args=[share.token])


def share_pdf(share):
    return reverse("wallet:share_pdf", args=[share.token])


@pytest.fixture
def share(personal_licence, citizen):
    return sharing.create_share(personal_licence, actor=citizen, purpose="办理银行开户", hours=24)


# --- create -----------------------------------------------------------------------------------
def test_create_share_is_audited_with_a_strong_token(personal_licence, citizen):
    before = timezone.now()
    share = sharing.create_share(
        personal_licence, actor=citizen, purpose=" 办理 银行开户 ", hours=2
    )
    assert share.purpose == "办理 银行开户"
    assert len(share.token) >= 40
    assert before + datetime.timedelta(hours=2) <= share.expires_at
    assert share.expires_at <= timezone.now() + datetime.timedelta(hours=2)
    event = AuditEvent.objects.get(event_type="licences.share_created")
    assert event.actor_id == citizen.pk and event.data["share"] == share.pk
    other = sharing.create_share(personal_licence, actor=citizen, purpose="租房", hours=1)
    assert other.token != share.token


@pytest.mark.parametrize(
    ("purpose", "hours", "code"),
    [
        ("", 24, "share_purpose_required"),
        ("   ", 24, "share_purpose_required"),
        ("用" * 51, 24, "share_purpose_too_long"),
        ("办理银行开户", 0, "share_hours_invalid"),
        ("办理银行开户", 721, "share_hours_invalid"),
        ("办理银行开户", "abc", "share_hours_invalid"),
        ("办理银行开户", True, "share_hours_invalid"),
    ],
)
def test_bad_share_input_is_refused_and_nothing_changes(
    personal_licence, citizen, purpose, hours, code
):
    with pytest.raises(DomainError) as exc:
        sharing.create_share(personal_licence, actor=citizen, purpose=purpose, hours=hours)
    assert exc.value.code == code
    assert not ShareLink.objects.exists()
    assert not AuditEvent.objects.filter(event_type="licences.share_created").exists()


@pytest.mark.parametrize("status", [Licence.Status.REVOKED, Licence.Status.SUSPENDED])
def test_only_valid_licences_can_be_shared(personal_licence, citizen, status):
    set_status(personal_licence, status)
    with pytest.raises(DomainError) as exc:
        sharing.create_share(personal_licence, actor=citizen, purpose="办理银行开户", hours=24)
    assert exc.value.code == "licence_not_shareable" and exc.value.status == 409
    assert not ShareLink.objects.exists()


def test_outsider_cannot_share_someone_elses_licence(personal_licence, outsider, client):
    with pytest.raises(DomainError) as exc:
        sharing.create_share(personal_licence, actor=outsider, purpose="冒用", hours=24)
    assert exc.value.code == "licence_not_found"
    client.force_login(outsider)
    url = reverse("wallet:share_create", args=[personal_licence.identifier])
    response = client.post(url, {"purpose": "冒用", "hours": 24})
    assert response.status_code == 404
    assert not ShareLink.objects.exists()


def test_agent_with_scope_may_share_company_licence(agent, company, company_licence):
    authorise(company, agent, ["licences"])
    share = sharing.create_share(company_licence, actor=agent, purpose="投标", hours=24)
    assert share.created_by == agent


def test_agent_without_scope_may_not_share(agent, company, company_licence):
    authorise(company, agent, ["apply"])
    with pytest.raises(DomainError) as exc:
        sharing.create_share(company_licence, actor=agent, purpose="投标", hours=24)
    assert exc.value.code == "agent_scope_exceeded"
    assert not ShareLink.objects.exists()


def test_share_form_on_the_detail_page(client, citizen, personal_licence):
    client.force_login(citizen)
    url = reverse("wallet:share_create", args=[personal_licence.identifier])
    response = client.post(url, {"purpose": "办理银行开户", "hours": 72})
    assert response.status_code == 302
    share = ShareLink.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert share.token in detail and "<svg" in detail  # the link and its QR code
    bad = client.post(url, {"purpose": "", "hours": 72})
    assert bad.status_code == 400 and ShareLink.objects.count() == 1


# --- the public page --------------------------------------------------------------------------
def test_public_page_shows_watermarked_licence_and_logs_the_view(client, share, personal_licence):
    response = client.get(share_page(share))  # no login
    assert response.status_code == 200
    body = response.content.decode()
    assert "仅供办理银行开户使用" in body
    assert personal_licence.holder_name in body and "居民身份证" in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    usage = LicenceUsage.objects.get()
    assert usage.kind == "share_view" and usage.share == share
    assert usage.purpose == "办理银行开户"


def test_public_pdf_carries_the_purpose_watermark(client, share, private_media, tmp_path):
    response = client.get(share_pdf(share))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "inline" in response["Content-Disposition"]
    assert LicenceUsage.objects.filter(kind="share_view", share=share).count() == 1
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        path = tmp_path / "shared.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True
        ).stdout
        assert "仅供办理银行开户使用" in text.replace(" ", "")


def test_expired_link_is_410_and_nothing_logged(client, share):
    ShareLink.objects.filter(pk=share.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for url in (share_page(share), share_pdf(share)):
        response = client.get(url)
        assert response.status_code == 410
        body = response.content.decode()
        assert "已过期" in body and 'data-code="share_expired"' in body
        assert "居民身份证" not in body
    assert not LicenceUsage.objects.exists()


def test_revoked_link_is_410_and_nothing_logged(client, share, citizen):
    sharing.revoke_share(share, actor=citizen)
    response = client.get(share_page(share))
    assert response.status_code == 410
    assert "撤销" in response.content.decode()
    assert not LicenceUsage.objects.exists()


def test_unknown_token_is_404(client, share):
    response = client.get(reverse("wallet:share_page", args=["x" + share.token]))
    assert response.status_code == 404
    assert not LicenceUsage.objects.exists()


def test_share_of_a_licence_revoked_later_says_so(client, share, personal_licence):
    set_status(personal_licence, Licence.Status.REVOKED)
    body = client.get(share_page(share)).content.decode()
    assert "不能作为有效证照使用" in body and 'data-status="revoked"' in body


# --- revoke -----------------------------------------------------------------------------------
def test_holder_revokes_from_the_page(client, citizen, share):
    client.force_login(citizen)
    response = client.post(reverse("wallet:share_revoke", args=[share.pk]))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert AuditEvent.objects.filter(event_type="licences.share_revoked").count() == 1


def test_revoking_twice_is_refused(citizen, share):
    sharing.revoke_share(share, actor=citizen)
    with pytest.raises(DomainError) as exc:
        sharing.revoke_share(share, actor=citizen)
    assert exc.value.code == "share_already_revoked"
    assert AuditEvent.objects.filter(event_type="licences.share_revoked").count() == 1


def test_outsider_cannot_revoke(client, outsider, share):
    client.force_login(outsider)
    response = client.post(reverse("wallet:share_revoke", args=[share.pk]))
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None
    assert not AuditEvent.objects.filter(event_type="licences.share_revoked").exists()
