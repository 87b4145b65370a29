"""Revocation, suspension and expiry of licences, and the signed revocation list.

State machine (the statuses of ``Licence.Status``)::

    valid      → suspended (暂停)  → valid (恢复, or expired when its end date has passed)
    valid      → revoked  (撤销)
    suspended  → revoked
    expired    → revoked
    valid      → expired  (daily task, ``valid_to < today``)
    revoked and superseded are final.

Only staff holding ``licences.issue_licence`` in the issuing unit may revoke, suspend or
reinstate; a reason is required. Each change is audited (``licences.licence_revoked`` /
``_suspended`` / ``_reinstated``) and the holder gets an SMS (no personal data in it).

Revocation list (``signed_revocation_list()``): every revoked or suspended licence with its
status and the time of the change, as canonical JSON (``core.signing.canonical_json``: sorted
keys, compact, UTF-8) signed with the platform SM2 key (SM3, signer ID 1234567812345678,
DER signature, base64). A verifier recomputes the canonical JSON of ``list`` and checks the
signature against the platform public key whose fingerprint it has pinned
(``tongban keys public-key``).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, masking, permissions
from tongban.core.crypto import keys, sm2
from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.licences.errors_verification import RevocationError
from tongban.licences.models import Licence
from tongban.licences.permissions import LICENCES_ISSUE_LICENCE

log = logging.getLogger(__name__)
S = Licence.Status

REVOCATION_LIST_FORMAT = "tongban-licence-revocations/1"
REVOCATION_EVENTS = {
    S.REVOKED: "licences.licence_revoked",
    S.SUSPENDED: "licences.licence_suspended",
}


def _require_issuer_staff(actor, licence) -> None:
    if isinstance(actor, str) or actor is None:  # system / command line
        return
    if not permissions.has_perm_in(actor, LICENCES_ISSUE_LICENCE, licence.issuer):
        raise PermissionDenied(
            RevocationError.PERMISSION_DENIED, _("只有签发机构的审批人员可以变更证照状态。")
        )


def _holder_mobile(licence) -> str:
    if licence.holder_user_id and licence.holder_user.mobile:
        return licence.holder_user.mobile
    company = licence.holder_company
    if company is not None and company.legal_rep_id:
        return company.legal_rep.mobile or ""
    return ""


def _notify_holder(licence, text: str) -> None:
    mobile = _holder_mobile(licence)
    if not mobile:
        return
    from tongban.identity.sms import send_sms

    try:
        send_sms(mobile, text, purpose="licence_status")
    except DomainError as exc:  # SMS not configured: the change stands, the log says why
        log.warning("licence status SMS not sent: %s", exc.code)


def _change_status(licence, *, actor, reason, allowed_from, new_status, event, sms):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(RevocationError.REASON_REQUIRED, _("请填写原因。"), "reason")
    reason = reason[:200]
    _require_issuer_staff(actor, licence)
    with transaction.atomic():
        fresh = (
            Licence.objects.select_for_update(of=("self",))
            .select_related("licence_type", "issuer", "holder_user", "holder_company__legal_rep")
            .get(pk=licence.pk)
        )
        if fresh.status not in allowed_from:
            raise DomainError(
                RevocationError.ILLEGAL_TRANSITION,
                _("证照当前状态为“%(status)s”，不能执行该操作。")
                % {"status": S(fresh.status).label},
                status=409,
            )
        target = new_status
        if (
            new_status == S.VALID
            and fresh.valid_to is not None
            and fresh.valid_to < timezone.localdate()
        ):
            target = S.EXPIRED
        old = fresh.status
        fresh.status = target
        fresh.status_reason = reason if target in (S.REVOKED, S.SUSPENDED) else ""
        fresh.save(update_fields=["status", "status_reason"])
        audit.record(
            event,
            actor=actor,
            target=fresh,
            org_unit=fresh.issuer,
            target_label=f"{fresh.licence_type.name} {fresh.number}",
            data={
                "identifier": fresh.identifier,
                "old": {"status": old},
                "new": {"status": target},
                "reason": masking.mask_text(reason),
            },
        )
        text = sms % {
            "type": fresh.licence_type.name,
            "tail": fresh.number[-4:],
            "issuer": fresh.issuer.name,
            "reason": masking.mask_text(reason),
        }
        _notify_holder(fresh, text)
    licence.status = fresh.status
    licence.status_reason = fresh.status_reason
    return licence


def revoke_licence(licence, *, actor, reason: str):
    """valid | suspended | expired → revoked (final)."""
    return _change_status(
        licence,
        actor=actor,
        reason=reason,
        allowed_from={S.VALID, S.SUSPENDED, S.EXPIRED},
        new_status=S.REVOKED,
        event="licences.licence_revoked",
        sms=_("【通办】您的%(type)s（编号尾号%(tail)s）已被%(issuer)s撤销，原因：%(reason)s。"),
    )


def suspend_licence(licence, *, actor, reason: str):
    """valid → suspended."""
    return _change_status(
        licence,
        actor=actor,
        reason=reason,
        allowed_from={S.VALID},
        new_status=S.SUSPENDED,
        event="licences.licence_suspended",
        sms=_("【通办】您的%(type)s（编号尾号%(tail)s）已被%(issuer)s暂停使用，原因：%(reason)s。"),
    )


def reinstate_licence(licence, *, actor, reason: str):
    """suspended → valid (or expired when its validity ended meanwhile)."""
    return _change_status(
        licence,
        actor=actor,
        reason=reason,
        allowed_from={S.SUSPENDED},
        new_status=S.VALID,
        event="licences.licence_reinstated",
        sms=_("【通办】您的%(type)s（编号尾号%(tail)s）已由%(issuer)s恢复使用，说明：%(reason)s。"),
    )


def expire_due_licences(today: dt.date | None = None) -> int:
    """valid → expired for every licence with ``valid_to < today``; idempotent (a second run
    finds nothing). One audit event per run that changed something."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = Licence.objects.filter(status=S.VALID, valid_to__lt=today)
        identifiers = list(due.values_list("identifier", flat=True)[:1000])
        count = due.update(status=S.EXPIRED)
        if count:
            audit.record(
                "licences.licences_expired",
                actor="worker",
                target_type="licences.licence",
                target_label=_("到期证照"),
                data={"count": count, "today": today.isoformat(), "identifiers": identifiers},
            )
    return count


# --- signed revocation list -----------------------------------------------------------------
def _changed_at(licence_ids) -> dict[str, str]:
    """Time of the latest revocation/suspension of each licence, from the audit chain."""
    from tongban.core.models import AuditEvent

    found: dict[str, str] = {}
    rows = (
        AuditEvent.objects.filter(
            event_type__in=REVOCATION_EVENTS.values(),
            target_type="licences.licence",
            target_id__in=[str(pk) for pk in licence_ids],
        )
        .order_by("seq")
        .values_list("target_id", "created_at")
    )
    for target_id, created_at in rows:
        found[target_id] = created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return found


def revocation_entries() -> list[dict]:
    licences = list(
        Licence.objects.filter(status__in=[S.REVOKED, S.SUSPENDED])
        .order_by("identifier")
        .values("pk", "identifier", "status")
    )
    times = _changed_at([row["pk"] for row in licences])
    return [
        {
            "identifier": row["identifier"],
            "status": row["status"],
            "since": times.get(str(row["pk"]), ""),
        }
        for row in licences
    ]


def signed_revocation_list(*, now: dt.datetime | None = None) -> dict:
    """``{"list": {...}, "signature", "algorithm", "signer_id", "key_fingerprint",
    "public_key_pem"}`` — see the module docstring for how to verify it."""
    from tongban.core.signing import canonical_json

    now = now or timezone.now()
    body = {
        "format": REVOCATION_LIST_FORMAT,
        "generated_at": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "entries": revocation_entries(),
    }
    key = keys.platform_signing_key()
    signature = key.sign(canonical_json(body))
    return {
        "list": body,
        "signature": base64.b64encode(signature).decode("ascii"),
        "algorithm": "SM2-with-SM3",
        "signer_id": sm2.DEFAULT_SIGNER_ID.decode("ascii"),
        "key_fingerprint": key.public_key.fingerprint(),
        "public_key_pem": key.public_key.to_pem().decode("ascii"),
    }


def verify_revocation_list(document: dict, public_key: sm2.PublicKey) -> bool:
    """Check a ``signed_revocation_list()`` document against a pinned platform key."""
    from tongban.core.signing import canonical_json

    try:
        signature = base64.b64decode(document["signature"], validate=True)
        message = canonical_json(document["list"])
    except (KeyError, TypeError, ValueError):
        return False
    return public_key.verify(message, signature)
