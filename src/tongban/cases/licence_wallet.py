"""The licence wallet in applications (用证): the cases app plugs licences in here
(licences never imports cases). Registered from ``CasesConfig.ready`` by ``register()``.

* ``provider`` — the wallet provider of ``applications.register_wallet_provider``:
  ``licences_for(user, licence_type_key)`` lists the user's *usable* licences of the type
  (status valid, inside the validity period): personal ones and those of every company the
  user acts for with the scope "licences" or "apply". ``ref`` is the licence identifier.
* ``check_attached_licences(case)`` — a submission validator (and run again when corrections
  are submitted): every attached e-licence that is one of ours must still be usable and
  belong to the applying party — a natural-person licence to the applicant, a legal-person
  licence to the company applied for (or, for a personal application, to a company the
  applicant acts for). Otherwise ``licence_not_usable`` and nothing changes.
* ``record_application_usage`` — a status listener. The usage is recorded when the
  application is *submitted* (draft → submitted, and correction → submitted/in review for a
  licence attached during the correction), not at the moment of attaching: until then the
  department has not received the licence and the applicant may still replace it. One
  ``LicenceUsage(kind="application", case=…)`` per licence and case; ``used_by`` is the
  department handling the case, ``purpose`` the item's name. Refs that are not licence
  identifiers (another provider) are left alone.
"""

from __future__ import annotations

from tongban.licences import selectors
from tongban.licences.errors_wallet import WalletError, error
from tongban.licences.models import HolderType, Licence, LicenceUsage


class WalletProvider:
    """``licences_for(user, licence_type_key) -> [{"ref", "name", "issued_on", ...}]``."""

    def licences_for(self, user, licence_type_key):
        rows = []
        for licence in selectors.licences_for_type(user, licence_type_key):
            rows.append(
                {
                    "ref": licence.identifier,
                    "name": f"{licence.licence_type.name}（{licence.holder_name}）",
                    "issued_on": licence.issued_on.isoformat(),
                    "holder_name": licence.holder_name,
                    "number": licence.number,
                    "issuer": licence.issuer.full_name,
                }
            )
        return rows


provider = WalletProvider()


def _licence_materials(case):
    from tongban.cases.models import CaseMaterial

    refs = list(
        case.materials.current()
        .filter(source=CaseMaterial.Source.LICENCE)
        .exclude(licence_ref="")
        .values_list("licence_ref", flat=True)
    )
    if not refs:
        return []
    return list(
        Licence.objects.select_related("licence_type", "issuer").filter(identifier__in=refs)
    )


def _belongs_to_party(licence, case) -> bool:
    if licence.holder_type == HolderType.NATURAL:
        q = selectors.personal_q(case.applicant)
    elif case.company_id is not None:
        q = selectors.company_q(case.company)
    else:
        usable = selectors.licences_for_type(case.applicant, licence.licence_type.key)
        return any(other.pk == licence.pk for other in usable)
    return Licence.objects.filter(pk=licence.pk).filter(q).exists()


def check_attached_licences(case) -> None:
    for licence in _licence_materials(case):
        if not selectors.is_usable(licence) or not _belongs_to_party(licence, case):
            raise error(WalletError.LICENCE_NOT_USABLE, field="materials")


def record_application_usage(case, old_status, new_status, *, actor) -> None:
    from tongban.cases.models import Case

    S = Case.Status
    if old_status not in (S.DRAFT, S.CORRECTION_REQUESTED):
        return
    if new_status not in (S.SUBMITTED, S.IN_REVIEW):
        return
    licences = _licence_materials(case)
    if not licences:
        return
    if old_status == S.CORRECTION_REQUESTED:
        check_attached_licences(case)
    from tongban.licences.services import sharing

    already = set(
        LicenceUsage.objects.filter(
            case=case, kind=LicenceUsage.Kind.APPLICATION, licence__in=licences
        ).values_list("licence_id", flat=True)
    )
    item_name = case.item_version.item.name if case.item_version_id else ""
    for licence in licences:
        if licence.pk in already:
            continue
        sharing.record_usage(
            licence,
            kind=LicenceUsage.Kind.APPLICATION,
            used_by=case.org_unit.full_name,
            purpose=item_name,
            case=case,
            actor=actor,
        )


def register() -> None:
    from tongban.cases.services import applications, hooks

    applications.register_wallet_provider(provider)
    hooks.register_submission_validator(check_attached_licences)
    hooks.register_status_listener(record_application_usage)
