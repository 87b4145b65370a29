"""Reads of the licence wallet (我的证照): who holds which licence, who may see it.

A licence belongs to

* a person when ``holder_user`` is that person, or it is a natural-person licence whose
  ``holder_code`` is the person's verified ID number (real-name level L2 and above) — so
  licences imported by CSV before the person ever logged in show up too;
* a company when ``holder_company`` is that company account, or it is a legal-person
  licence whose ``holder_code`` is the company's USCC.

``access_licence(user, identifier, action)`` is the one gate for pages and the API:

* the holder, the company's legal representative and an agent whose authorisation includes
  the scope "licences" may do everything (``view``, ``download``, ``share``, ``usages``);
* an agent of the company *without* that scope gets ``agent_scope_exceeded`` (403);
* staff holding ``licences.view_licence`` in the issuing department may ``view`` and
  ``download`` (not share, not read the holder's usage log);
* everybody else gets ``licence_not_found`` (404): another person's licence is not revealed,
  not even its existence, and nothing is recorded.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core import masking, permissions
from tongban.licences.errors_wallet import WalletError, error
from tongban.licences.models import HolderType, Licence, LicenceUsage, ShareLink
from tongban.licences.permissions import LICENCES_VIEW_LICENCE

LICENCES_SCOPE = "licences"
APPLY_SCOPE = "apply"
VIEW, DOWNLOAD, SHARE, USAGES = "view", "download", "share", "usages"
ACTIONS = (VIEW, DOWNLOAD, SHARE, USAGES)
STAFF_ACTIONS = (VIEW, DOWNLOAD)
REALNAME_LEVEL = 2

# How the viewer relates to a licence (``licence.viewer_relation`` after access_licence).
HOLDER, LEGAL_REP, AGENT, STAFF = "holder", "legal_rep", "agent", "staff"


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _verified_id_number(user) -> str:
    if (user.realname_level or 0) >= REALNAME_LEVEL and user.id_number:
        return user.id_number
    return ""


def personal_q(user) -> Q:
    """Licences held by ``user`` as a natural person."""
    q = Q(holder_user=user)
    id_number = _verified_id_number(user)
    if id_number:
        q |= Q(holder_type=HolderType.NATURAL, holder_code=id_number)
    return q


def company_q(company) -> Q:
    """Licences held by ``company``."""
    return Q(holder_company=company) | Q(holder_type=HolderType.LEGAL, holder_code=company.uscc)


def _base() -> QuerySet:
    return Licence.objects.select_related("licence_type", "issuer__parent")


def is_usable(licence, today: datetime.date | None = None) -> bool:
    """Valid now: status valid and today inside the validity period."""
    today = today or timezone.localdate()
    return (
        licence.status == Licence.Status.VALID
        and licence.valid_from <= today
        and (licence.valid_to is None or licence.valid_to >= today)
    )


def effective_status(licence, today: datetime.date | None = None) -> str:
    """The status to show: a valid licence past its end date is shown expired even before
    the daily expiry task has run."""
    today = today or timezone.localdate()
    if licence.status == Licence.Status.VALID and licence.valid_to and licence.valid_to < today:
        return Licence.Status.EXPIRED
    return licence.status


def status_label(status: str) -> str:
    return str(Licence.Status(status).label)


def wallet_of(user, company=None) -> QuerySet:
    """Current licences (superseded versions excluded) of ``user`` or, with ``company``, of
    that company — ``agent_scope_exceeded`` unless the user may act for it with "licences"."""
    if not _active(user):
        return Licence.objects.none()
    if company is None:
        q = personal_q(user)
    else:
        from tongban.identity.services import companies

        companies.require_agent_scope(user, company, LICENCES_SCOPE)
        q = company_q(company)
    return _base().filter(q).exclude(status=Licence.Status.SUPERSEDED).order_by("-issued_on", "-id")


def wallet_companies(user) -> list[dict]:
    """Companies the user acts for: ``{"company", "allowed", "licences"}`` — licences only
    where the user is the legal representative or an agent with the scope "licences"."""
    if not _active(user):
        return []
    from tongban.identity.services import companies

    rows = []
    for company in companies.companies_for(user).order_by("name"):
        allowed = companies.acting_for(user, company, LICENCES_SCOPE)
        rows.append(
            {
                "company": company,
                "allowed": allowed,
                "is_legal_rep": company.legal_rep_id == user.pk,
                "licences": list(wallet_of(user, company)) if allowed else [],
            }
        )
    return rows


def _holding_company(licence):
    if licence.holder_company_id:
        return licence.holder_company
    from tongban.identity.models import CompanyAccount

    return CompanyAccount.objects.filter(uscc=licence.holder_code).first()


def relation_to(user, licence) -> str | None:
    """``holder`` / ``legal_rep`` / ``agent`` / ``staff`` or None; raises
    ``agent_scope_exceeded`` for an agent of the holding company without the scope."""
    if not _active(user):
        return None
    if licence.holder_type == HolderType.NATURAL:
        id_number = _verified_id_number(user)
        if licence.holder_user_id == user.pk or (id_number and licence.holder_code == id_number):
            return HOLDER
    else:
        company = _holding_company(licence)
        if company is not None:
            from tongban.identity.services import companies

            if company.legal_rep_id == user.pk:
                return LEGAL_REP
            if companies.companies_for(user).filter(pk=company.pk).exists():
                companies.require_agent_scope(user, company, LICENCES_SCOPE)
                return AGENT
    if permissions.has_perm_in(user, LICENCES_VIEW_LICENCE, licence.issuer):
        return STAFF
    return None


def _not_found():
    return error(WalletError.LICENCE_NOT_FOUND)


def access_licence(user, identifier, action: str = VIEW) -> Licence:
    """The licence ``identifier`` if ``user`` may perform ``action`` on it (see the module
    docstring), with ``viewer_relation`` set; otherwise ``licence_not_found`` (404) or
    ``agent_scope_exceeded`` (403). Reads only: nothing is recorded."""
    if action not in ACTIONS:
        raise ValueError(f"unknown licence action {action!r}")
    identifier = str(identifier or "").strip()
    if not _active(user) or not identifier:
        raise _not_found()
    licence = (
        _base()
        .select_related("holder_company", "seal_key__seal")
        .filter(identifier=identifier)
        .first()
    )
    if licence is None:
        raise _not_found()
    relation = relation_to(user, licence)
    if relation is None or (relation == STAFF and action not in STAFF_ACTIONS):
        raise _not_found()
    licence.viewer_relation = relation
    return licence


# --- presentation helpers (pages, API, PDF) ---------------------------------------------------
def _layout_order(licence_type) -> list[str]:
    layout = licence_type.layout or {}
    names = []
    for key in ("field_order", "fields", "order"):
        for entry in layout.get(key) or []:
            if isinstance(entry, dict):
                entry = entry.get("name")
            if isinstance(entry, str) and entry not in names:
                names.append(entry)
    return names


def field_rows(licence) -> list[dict]:
    """``[{"name", "label", "value", "role"}]`` in the type's layout order, then the schema's order,
    then any other stored field (nothing is hidden)."""
    schema = {
        spec["name"]: spec
        for spec in (licence.licence_type.field_schema or [])
        if isinstance(spec, dict) and spec.get("name")
    }
    order = _layout_order(licence.licence_type)
    order += [name for name in schema if name not in order]
    fields = licence.fields or {}
    order += [name for name in fields if name not in order]
    rows = []
    for name in order:
        if name not in fields:
            continue
        value = fields[name]
        rows.append(
            {
                "name": name,
                "label": str((schema.get(name) or {}).get("label") or name),
                "value": "" if value is None else str(value),
                "role": str((schema.get(name) or {}).get("role") or ""),
            }
        )
    return rows


def pii_visible(user, licence) -> bool:
    """Holders and legal representatives see the fields as issued; agents see ID numbers
    and mobile numbers masked; staff as ``core.view_pii`` allows in the issuing unit."""
    relation = getattr(licence, "viewer_relation", None)
    if relation in (HOLDER, LEGAL_REP):
        return True
    if relation == STAFF:
        return masking.can_view_pii(user, licence.issuer)
    return False


def display_rows(user, licence) -> list[dict]:
    rows = field_rows(licence)
    if pii_visible(user, licence):
        return rows
    return [dict(row, value=masking.mask_data(row["value"], key=row["name"])) for row in rows]


def display_holder_code(user, licence) -> str:
    if pii_visible(user, licence) or licence.holder_type == HolderType.LEGAL:
        return licence.holder_code
    return masking.mask_id_number(licence.holder_code)


def history_of(licence) -> list[Licence]:
    """Every version of the licence (newest first) following the ``supersedes`` chain both
    ways."""
    versions = [licence]
    seen = {licence.pk}
    current = licence
    while current.supersedes_id and current.supersedes_id not in seen:
        current = Licence.objects.get(pk=current.supersedes_id)
        seen.add(current.pk)
        versions.append(current)
    current = licence
    while True:
        newer = Licence.objects.filter(supersedes_id=current.pk).first()
        if newer is None or newer.pk in seen:
            break
        seen.add(newer.pk)
        versions.insert(0, newer)
        current = newer
    return versions


def usages_of(licence) -> QuerySet:
    return (
        LicenceUsage.objects.filter(licence=licence)
        .select_related("share")
        .order_by("-created_at", "-id")
    )


def shares_of(licence) -> QuerySet:
    return ShareLink.objects.filter(licence=licence).order_by("-created_at", "-id")


def share_state(share, now=None) -> str:
    """``active`` / ``expired`` / ``revoked``."""
    now = now or timezone.now()
    if share.revoked_at is not None:
        return "revoked"
    if share.expires_at <= now:
        return "expired"
    return "active"


# --- use in applications ----------------------------------------------------------------------
def licences_for_type(user, licence_type_key: str) -> list[Licence]:
    """The user's usable licences of a type: personal, and of every company the user acts
    for with the scope "licences" or "apply" (newest first)."""
    if not _active(user) or not licence_type_key:
        return []
    from tongban.identity.services import companies

    q = personal_q(user)
    for company in companies.companies_for(user):
        if companies.acting_for(user, company, LICENCES_SCOPE) or companies.acting_for(
            user, company, APPLY_SCOPE
        ):
            q |= company_q(company)
    today = timezone.localdate()
    rows = (
        _base()
        .filter(q, licence_type__key=licence_type_key, status=Licence.Status.VALID)
        .filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("-issued_on", "-id")
    )
    return list(rows)
