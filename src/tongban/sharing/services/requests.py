"""Share requests by legal duty (依职能按需共享), decisions, arbitration and grants.

- ``submit_request``: the consumer department asks for items of a resource with its legal
  duty (权责事项), purpose and period. Unconditional resources are granted at once with the
  default terms (lookup by key only, personal items masked); conditional and not-shared ones
  go to the provider, who answers by ``due_on`` = 10 working days later (core calendar).
- ``approve_request`` / ``refuse_request``: the provider decides, with the grant's terms or
  with reasons.
- ``escalate_overdue_requests`` (periodic): past ``due_on`` an unanswered request goes to the
  platform operator; ``arbitrate_request`` is the operator's final, recorded decision.
- ``revoke_grant``: the provider (or the operator) ends a grant with a reason.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, calendar, masking
from tongban.core import permissions as core_permissions
from tongban.core.codes import divisions
from tongban.core.exceptions import PermissionDenied
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error
from tongban.sharing.models import ConsumerSystem, DataItem, Grant, Resource, ShareRequest

ANSWER_WORKING_DAYS = 10
MAX_PERIOD_DAYS = 3 * 366
DEFAULT_RATE_LIMIT = 60
REGION_BACKINGS = (Resource.Backing.PERSON_REGISTRY, Resource.Backing.ENTITY_REGISTRY)


@dataclass
class Terms:
    """The terms of a grant as the provider (or the arbitrator) sets them."""

    row_scope: str = Grant.RowScope.LOOKUP
    row_division: str = ""
    masking: dict = field(default_factory=dict)
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT
    expires_on: date | None = None  # default: the end of the requested period
    require_reference: bool = False


def default_masking(resource: Resource, items) -> dict:
    """Personal items of a known kind (ID number, name, mobile, address…) masked."""
    kinds = {}
    for item in resource.items.filter(key__in=list(items)):
        kind = masking.PII_KEYS.get(item.key)
        if (
            kind is None
            and item.key == "name"
            and item.sensitivity == DataItem.Sensitivity.PERSONAL
        ):
            kind = "name"
        if kind and item.sensitivity == DataItem.Sensitivity.PERSONAL:
            kinds[item.key] = kind
    return kinds


def _new_number() -> str:
    return f"GX{timezone.localdate():%Y%m%d}{secrets.token_hex(3).upper()}"


def _request_data(share_request: ShareRequest) -> dict:
    return {
        "number": share_request.number,
        "resource": share_request.resource.code,
        "consumer_unit": share_request.consumer_unit.code,
        "consumer_system": share_request.consumer_system.client_id,
        "items": list(share_request.items),
        "legal_duty": share_request.legal_duty,
        "purpose": share_request.purpose,
        "period": [share_request.period_from.isoformat(), share_request.period_to.isoformat()],
    }


def _clean_text(value, code, field_name, max_length) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_length:
        raise error(code, field=field_name)
    return value


def submit_request(
    *,
    actor,
    resource: Resource,
    consumer_system: ConsumerSystem,
    items,
    legal_duty: str,
    purpose: str,
    period_from: date,
    period_to: date,
    legal_basis: str = "",
    today: date | None = None,
) -> ShareRequest:
    """``today`` (default: the local date) is the day of submission the deadline counts from."""
    unit = consumer_system.org_unit
    core_permissions.check_perm(actor, permissions.SHARING_REQUEST_SHARE, unit)
    if consumer_system.status != ConsumerSystem.Status.ACTIVE:
        raise error(E.SYSTEM_SUSPENDED, field="consumer_system")
    if not resource.is_published:
        raise error(E.RESOURCE_NOT_PUBLISHED, field="resource")
    if resource.provider_id == unit.pk:
        raise error(E.OWN_RESOURCE, field="resource")
    items = list(dict.fromkeys(i for i in (items or []) if i))
    known = set(resource.item_keys())
    if not items:
        raise error(E.ITEMS_REQUIRED, field="items")
    if set(items) - known:
        raise error(E.ITEM_UNKNOWN, field="items")
    legal_duty = _clean_text(legal_duty, E.LEGAL_DUTY_REQUIRED, "legal_duty", 200)
    purpose = _clean_text(purpose, E.PURPOSE_REQUIRED, "purpose", 200)
    legal_basis = (legal_basis or "").strip()
    if resource.share_type == Resource.ShareType.NONE and not legal_basis:
        raise error(E.LEGAL_BASIS_REQUIRED, field="legal_basis")
    today = today or timezone.localdate()
    if (
        not period_from
        or not period_to
        or period_to < period_from
        or period_to < today
        or (period_to - period_from).days > MAX_PERIOD_DAYS
    ):
        raise error(E.PERIOD_INVALID, field="period_to")
    with transaction.atomic():
        share_request = ShareRequest.objects.create(
            number=_new_number(),
            resource=resource,
            consumer_unit=unit,
            consumer_system=consumer_system,
            items=[k for k in resource.item_keys() if k in set(items)],
            legal_duty=legal_duty,
            legal_basis=legal_basis,
            purpose=purpose,
            period_from=period_from,
            period_to=period_to,
            due_on=calendar.add_working_days(today, ANSWER_WORKING_DAYS),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            "sharing.request_submitted",
            actor=actor,
            target=share_request,
            org_unit=unit,
            data={**_request_data(share_request), "due_on": share_request.due_on.isoformat()},
        )
        if resource.share_type == Resource.ShareType.UNCONDITIONAL:
            ShareRequest.objects.filter(pk=share_request.pk).update(
                status=ShareRequest.Status.GRANTED
            )
            share_request.status = ShareRequest.Status.GRANTED
            _decide(
                share_request,
                actor=None,
                kind=ShareRequest.DecidedBy.PLATFORM,
                reason="无条件共享资源，按申请自动授权",
                terms=Terms(masking=default_masking(resource, share_request.items)),
                event="sharing.request_granted",
            )
    return share_request


def clean_terms(share_request: ShareRequest, terms: Terms) -> Terms:
    resource = share_request.resource
    if terms.row_scope not in Grant.RowScope.values:
        raise error(E.CHOICE_INVALID, field="row_scope")
    row_division = (terms.row_division or "").strip()
    if row_division:
        has_division = (
            resource.backing in REGION_BACKINGS
            or resource.items.filter(key="division_code").exists()
        )
        if not has_division or not row_division.isdigit() or divisions.get(row_division) is None:
            raise error(E.ROW_DIVISION_INVALID, field="row_division")
    cleaned_masking = {}
    for key, kind in (terms.masking or {}).items():
        if not kind:
            continue
        if key not in share_request.items or kind not in masking.MASKERS:
            raise error(E.MASKING_INVALID, field="masking")
        cleaned_masking[key] = kind
    try:
        rate = int(terms.rate_limit_per_minute)
    except (TypeError, ValueError):
        rate = 0
    if not 1 <= rate <= 6000:
        raise error(E.RATE_LIMIT_INVALID, field="rate_limit_per_minute")
    expires_on = terms.expires_on or share_request.period_to
    if expires_on < timezone.localdate() or expires_on > share_request.period_to:
        raise error(E.EXPIRY_INVALID, field="expires_on")
    return Terms(
        row_scope=terms.row_scope,
        row_division=row_division,
        masking=cleaned_masking,
        rate_limit_per_minute=rate,
        expires_on=expires_on,
        require_reference=bool(terms.require_reference),
    )


def _grant_data(grant: Grant) -> dict:
    return {
        "items": list(grant.items),
        "row_scope": grant.row_scope,
        "row_division": grant.row_division,
        "masking": dict(grant.masking),
        "rate_limit_per_minute": grant.rate_limit_per_minute,
        "require_reference": grant.require_reference,
        "expires_on": grant.expires_on.isoformat(),
    }


def _decide(share_request, *, actor, kind, reason, terms: Terms | None, event) -> Grant | None:
    """Record the decision on a request already claimed (status set by the caller)."""
    now = timezone.now()
    share_request.decided_by_kind = kind
    share_request.decided_by = actor if getattr(actor, "pk", None) else None
    share_request.decided_at = now
    share_request.decision_reason = reason
    share_request.save(
        update_fields=["decided_by_kind", "decided_by", "decided_at", "decision_reason"]
    )
    grant = None
    data = {"number": share_request.number, "decided_by": kind, "reason": reason}
    if terms is not None:
        terms = clean_terms(share_request, terms)
        grant = Grant.objects.create(
            request=share_request,
            resource=share_request.resource,
            consumer_unit=share_request.consumer_unit,
            consumer_system=share_request.consumer_system,
            items=list(share_request.items),
            row_scope=terms.row_scope,
            row_division=terms.row_division,
            masking=terms.masking,
            rate_limit_per_minute=terms.rate_limit_per_minute,
            require_reference=terms.require_reference,
            expires_on=terms.expires_on,
            granted_at=now,
        )
        data["grant"] = _grant_data(grant)
    audit.record(
        event,
        actor=actor,
        target=share_request,
        org_unit=share_request.resource.provider,
        data=data,
    )
    return grant


def _claim(share_request: ShareRequest, from_statuses, to_status) -> None:
    claimed = ShareRequest.objects.filter(pk=share_request.pk, status__in=from_statuses).update(
        status=to_status
    )
    if claimed != 1:
        raise error(E.REQUEST_NOT_OPEN)
    share_request.status = to_status


def _check_provider(actor, share_request: ShareRequest) -> None:
    """The provider department's admins decide (the operator only arbitrates)."""
    provider = share_request.resource.provider
    core_permissions.check_perm(actor, permissions.SHARING_APPROVE_SHARE, provider)
    if not permissions.decides_as_provider(actor, provider):
        raise PermissionDenied(
            core_permissions.Errors.PERMISSION_DENIED,
            _("只有提供部门可以审核；平台运营仅对逾期申请协调仲裁。"),
        )


def approve_request(*, actor, share_request: ShareRequest, terms: Terms, reason: str = "") -> Grant:
    _check_provider(actor, share_request)
    with transaction.atomic():
        _claim(share_request, [ShareRequest.Status.SUBMITTED], ShareRequest.Status.GRANTED)
        return _decide(
            share_request,
            actor=actor,
            kind=ShareRequest.DecidedBy.PROVIDER,
            reason=(reason or "").strip()[:1000],
            terms=terms,
            event="sharing.request_granted",
        )


def refuse_request(*, actor, share_request: ShareRequest, reason: str) -> ShareRequest:
    _check_provider(actor, share_request)
    reason = _clean_text(reason, E.REASON_REQUIRED, "reason", 1000)
    with transaction.atomic():
        _claim(share_request, [ShareRequest.Status.SUBMITTED], ShareRequest.Status.REFUSED)
        _decide(
            share_request,
            actor=actor,
            kind=ShareRequest.DecidedBy.PROVIDER,
            reason=reason,
            terms=None,
            event="sharing.request_refused",
        )
    return share_request


def withdraw_request(*, actor, share_request: ShareRequest) -> ShareRequest:
    core_permissions.check_perm(
        actor, permissions.SHARING_REQUEST_SHARE, share_request.consumer_unit
    )
    with transaction.atomic():
        _claim(share_request, ShareRequest.OPEN_STATUSES, ShareRequest.Status.WITHDRAWN)
        audit.record(
            "sharing.request_withdrawn",
            actor=actor,
            target=share_request,
            org_unit=share_request.consumer_unit,
            data={"number": share_request.number},
        )
    return share_request


def escalate_overdue_requests(*, today: date | None = None) -> int:
    """Requests still unanswered after their ``due_on`` go to the platform operator."""
    today = today or timezone.localdate()
    escalated = 0
    overdue = ShareRequest.objects.filter(
        status=ShareRequest.Status.SUBMITTED, due_on__lt=today
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            claimed = ShareRequest.objects.filter(
                pk=pk, status=ShareRequest.Status.SUBMITTED
            ).update(status=ShareRequest.Status.ESCALATED, escalated_at=timezone.now())
            if claimed != 1:
                continue
            share_request = ShareRequest.objects.select_related("resource__provider").get(pk=pk)
            audit.record(
                "sharing.request_escalated",
                actor=None,
                target=share_request,
                org_unit=share_request.resource.provider,
                data={
                    "number": share_request.number,
                    "due_on": share_request.due_on.isoformat(),
                    "working_days_overdue": calendar.working_days_between(
                        share_request.due_on, today
                    ),
                },
            )
            escalated += 1
    return escalated


def arbitrate_request(
    *, actor, share_request: ShareRequest, grant: bool, reason: str, terms: Terms | None = None
) -> ShareRequest:
    """The platform operator's final decision on an escalated request (reasons required)."""
    core_permissions.check_perm(actor, permissions.SHARING_ARBITRATE_SHARE)
    reason = _clean_text(reason, E.REASON_REQUIRED, "reason", 1000)
    if share_request.status != ShareRequest.Status.ESCALATED:
        raise error(E.REQUEST_NOT_ESCALATED)
    with transaction.atomic():
        new = ShareRequest.Status.GRANTED if grant else ShareRequest.Status.REFUSED
        claimed = ShareRequest.objects.filter(
            pk=share_request.pk, status=ShareRequest.Status.ESCALATED
        ).update(status=new)
        if claimed != 1:
            raise error(E.REQUEST_NOT_ESCALATED)
        share_request.status = new
        _decide(
            share_request,
            actor=actor,
            kind=ShareRequest.DecidedBy.ARBITRATION,
            reason=reason,
            terms=(
                terms or Terms(masking=default_masking(share_request.resource, share_request.items))
            )
            if grant
            else None,
            event="sharing.request_arbitrated",
        )
    return share_request


def revoke_grant(*, actor, grant: Grant, reason: str) -> Grant:
    provider = grant.resource.provider
    if not (
        core_permissions.has_perm_in(actor, permissions.SHARING_APPROVE_SHARE, provider)
        or core_permissions.has_perm(actor, permissions.SHARING_ARBITRATE_SHARE)
    ):
        core_permissions.check_perm(actor, permissions.SHARING_APPROVE_SHARE, provider)
    reason = _clean_text(reason, E.REASON_REQUIRED, "reason", 1000)
    with transaction.atomic():
        claimed = Grant.objects.filter(pk=grant.pk, status=Grant.Status.ACTIVE).update(
            status=Grant.Status.REVOKED,
            revoked_at=timezone.now(),
            revoked_by=actor if getattr(actor, "pk", None) else None,
            revoke_reason=reason,
        )
        if claimed != 1:
            raise error(E.GRANT_ALREADY_REVOKED)
        grant.refresh_from_db()
        audit.record(
            "sharing.grant_revoked",
            actor=actor,
            target=grant.request,
            org_unit=provider,
            data={"number": grant.request.number, "reason": reason},
        )
    return grant


def working_days_left(share_request: ShareRequest, today: date | None = None) -> int | None:
    if share_request.due_on is None or not share_request.is_open:
        return None
    return calendar.working_days_between(today or timezone.localdate(), share_request.due_on)


__all__ = [
    "Terms",
    "approve_request",
    "arbitrate_request",
    "clean_terms",
    "default_masking",
    "escalate_overdue_requests",
    "refuse_request",
    "revoke_grant",
    "submit_request",
    "withdraw_request",
    "working_days_left",
]
