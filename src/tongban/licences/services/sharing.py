"""Sharing a licence with a third party (亮证) and the holder-readable usage log (用证记录).

* ``create_share(licence, *, actor, purpose, hours)`` — a time-limited (1–720 hours),
  purpose-bound link; the token is ``secrets.token_urlsafe`` (256 bits). Only a valid
  licence can be shared, only by whoever may share it (holder, legal representative, agent
  with the scope "licences").
* ``revoke_share(share, *, actor)`` — the link stops working at once.
* ``open_share(token)`` — the licence and share behind a working link; an unknown link is
  ``share_not_found`` (404), an expired or revoked one ``share_expired`` / ``share_revoked``
  (410). ``view_share(token)`` does the same and logs the view (``share_view``); a refused
  link logs nothing.
* ``record_usage(licence, *, kind, used_by, ...)`` — one row of the usage log. Every kind
  except the anonymous ``share_view`` is also written to the audit chain
  (``licences.licence_used``); share views are public and the usage row is their record.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core.exceptions import DomainError
from tongban.licences import selectors
from tongban.licences.errors_wallet import WalletError, error
from tongban.licences.models import Licence, LicenceUsage, ShareLink

MIN_HOURS = 1
MAX_HOURS = 720
PURPOSE_MAX_LENGTH = 50
SHARE_VIEWER = "凭分享链接查看"


def _clean_purpose(purpose) -> str:
    text = " ".join(str(purpose or "").split())
    if not text:
        raise error(WalletError.SHARE_PURPOSE_REQUIRED, field="purpose")
    if len(text) > PURPOSE_MAX_LENGTH:
        raise error(WalletError.SHARE_PURPOSE_TOO_LONG, field="purpose")
    return text


def _clean_hours(hours) -> int:
    if isinstance(hours, bool):
        raise error(WalletError.SHARE_HOURS_INVALID, field="hours")
    try:
        value = int(str(hours).strip())
    except (TypeError, ValueError):
        raise error(WalletError.SHARE_HOURS_INVALID, field="hours") from None
    if not MIN_HOURS <= value <= MAX_HOURS:
        raise error(WalletError.SHARE_HOURS_INVALID, field="hours")
    return value


def create_share(licence, *, actor, purpose, hours) -> ShareLink:
    """A new share link for ``licence`` (see the module docstring)."""
    purpose = _clean_purpose(purpose)
    hours = _clean_hours(hours)
    selectors.access_licence(actor, licence.identifier, selectors.SHARE)
    with transaction.atomic():
        fresh = Licence.objects.select_for_update().get(pk=licence.pk)
        if not selectors.is_usable(fresh):
            raise error(WalletError.LICENCE_NOT_SHAREABLE)
        expires_at = timezone.now() + datetime.timedelta(hours=hours)
        share = ShareLink.objects.create(
            licence=fresh,
            token=secrets.token_urlsafe(32),
            purpose=purpose,
            expires_at=expires_at,
            created_by=actor,
        )
        audit.record(
            "licences.share_created",
            actor=actor,
            target=fresh,
            org_unit=fresh.issuer,
            data={"share": share.pk, "purpose": purpose, "hours": hours, "expires_at": expires_at},
        )
    return share


def revoke_share(share, *, actor) -> ShareLink:
    """Revoke ``share`` now; ``share_already_revoked`` (409) the second time."""
    selectors.access_licence(actor, share.licence.identifier, selectors.SHARE)
    with transaction.atomic():
        now = timezone.now()
        updated = ShareLink.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if updated != 1:
            raise error(WalletError.SHARE_ALREADY_REVOKED)
        share.revoked_at = now
        audit.record(
            "licences.share_revoked",
            actor=actor,
            target=share.licence,
            org_unit=share.licence.issuer,
            data={"share": share.pk, "purpose": share.purpose},
        )
    return share


def access_share(user, share_id) -> ShareLink:
    """A share link of a licence the user may share; ``share_not_found`` (404) otherwise."""
    share = (
        ShareLink.objects.select_related("licence").filter(pk=share_id).first()
        if str(share_id).isdigit()
        else None
    )
    if share is None:
        raise error(WalletError.SHARE_NOT_FOUND)
    try:
        selectors.access_licence(user, share.licence.identifier, selectors.SHARE)
    except DomainError:
        raise error(WalletError.SHARE_NOT_FOUND) from None
    return share


def open_share(token) -> tuple[Licence, ShareLink]:
    """The licence and share of a working link (nothing recorded)."""
    token = str(token or "").strip()
    share = (
        ShareLink.objects.select_related(
            "licence__licence_type", "licence__issuer__parent", "licence__seal_key__seal"
        )
        .filter(token=token)
        .first()
        if token
        else None
    )
    if share is None:
        raise error(WalletError.SHARE_NOT_FOUND)
    if share.revoked_at is not None:
        raise error(WalletError.SHARE_REVOKED)
    if share.expires_at <= timezone.now():
        raise error(WalletError.SHARE_EXPIRED)
    return share.licence, share


def view_share(token) -> tuple[Licence, ShareLink]:
    """``open_share`` and log the view in the holder's usage log."""
    licence, share = open_share(token)
    record_share_view(licence, share)
    return licence, share


def record_share_view(licence, share) -> LicenceUsage:
    return record_usage(
        licence,
        kind=LicenceUsage.Kind.SHARE_VIEW,
        used_by=SHARE_VIEWER,
        purpose=share.purpose,
        share=share,
    )


def record_usage(
    licence, *, kind, used_by, purpose="", case=None, share=None, actor=None
) -> LicenceUsage:
    """Append one row to the licence's usage log (and the audit chain, see above)."""
    if kind not in LicenceUsage.Kind.values:
        raise error(WalletError.USAGE_KIND_INVALID, field="kind")
    with transaction.atomic():
        usage = LicenceUsage.objects.create(
            licence=licence,
            kind=kind,
            used_by=str(used_by or "")[:200],
            purpose=str(purpose or "")[:200],
            case=case,
            share=share,
        )
        if kind != LicenceUsage.Kind.SHARE_VIEW:
            audit.record(
                "licences.licence_used",
                actor=actor,
                target=licence,
                org_unit=licence.issuer,
                data={
                    "kind": kind,
                    "used_by": usage.used_by,
                    "purpose": usage.purpose,
                    "case": getattr(case, "number", None) or getattr(case, "pk", None),
                    "share": getattr(share, "pk", None),
                },
            )
    return usage


def share_url(share) -> str:
    """The absolute URL of the public share page."""
    from django.conf import settings
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse('wallet:share_page', args=[share.token])}"


def used_by_label(actor) -> str:
    """How a person appears in the usage log: their name, or the department for staff."""
    name = getattr(actor, "name", "") or str(actor)
    return name[:200]
