"""Licences issued when an approved case concludes (办结即发证).

``issue_case_outputs(case, outputs, *, actor)`` is registered with
``cases.services.hooks.register_output_issuer`` (from ``CasesConfig.ready``). It runs inside
the concluding transaction; for each licence-type key of the item version's outputs it maps
the type's fields (``source`` of each field in the type's field schema) from the case and
the registries and calls ``licences.services.issuing.issue_licence`` with the implementing
department as issuer. Any ``DomainError`` refuses the conclusion: the case stays approved and
nothing is issued. Output keys without an active licence type in the licence directory are
skipped (that result is not issued electronically; the e-licence rate shows it).

Holders:
* natural-person types → the applicant (``holder_user``);
* legal-person types → the company the case was applied for (``holder_company``);
* a legal-person 营业执照 applied for by a natural person without a company (个体工商户设立登记)
  → the sole trader is a new market entity: it is registered in the legal-entity registry
  (type 个体工商户, a new USCC with authority 9 / type 2 of the case's division), a company
  account is bound for the applicant as its operator (经营者), and the licence is issued to it.

The cases app plugs licences in (licences never imports cases).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.exceptions import DomainError
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import HolderType, LicenceType

NEW_ENTITY_OUTPUTS = {"business-licence"}


def _fail(message: str) -> DomainError:
    return DomainError(IssuingError.OUTPUT_MAPPING_FAILED, message)


def _form_value(case, name: str):
    value = (case.form_data or {}).get(name)
    if isinstance(value, dict):
        value = value.get("value")
    return value


class _Context:
    """Where field ``source`` paths read from."""

    def __init__(self, case, *, person=None, entity=None):
        self.case = case
        self.person = person
        self.entity = entity

    def person_value(self, attr: str):
        person, user = self.person, self.case.applicant
        if person is not None:
            if attr == "gender":
                return person.get_gender_display()
            if attr == "phone":
                return person.phone
            if hasattr(person, attr):
                return getattr(person, attr)
        fallback = {
            "name": user.name,
            "id_number": user.id_number,
            "phone": user.mobile,
        }
        return fallback.get(attr)

    def entity_value(self, attr: str):
        if self.entity is None:
            return None
        if attr == "entity_type":
            return self.entity.get_entity_type_display()
        return getattr(self.entity, attr, None)

    def value(self, source: str):
        head, _dot, attr = (source or "").partition(".")
        if head == "person":
            return self.person_value(attr)
        if head == "entity":
            return self.entity_value(attr)
        if head == "case":
            return _form_value(self.case, attr)
        if head == "applicant" and attr == "name":
            return self.case.applicant_name
        if head == "today":
            return timezone.localdate()
        return None


def map_fields(licence_type: LicenceType, context: _Context) -> dict:
    fields = {}
    for spec in licence_type.field_schema or []:
        source = spec.get("source") or ""
        if not source:
            continue
        value = context.value(source)
        if value not in (None, ""):
            fields[spec["name"]] = value
    return fields


def _person_of(user):
    from tongban.registries.selectors import find_person

    return find_person(user.id_number) if user.id_number else None


def _register_sole_trader(case, person, *, actor):
    """The applicant's new 个体工商户: registry entity + company account (operator)."""
    from tongban.identity.services.companies import bind_new_entity
    from tongban.registries.choices import EntityType
    from tongban.registries.services import register_entity

    applicant = case.applicant
    if not applicant.id_number:
        raise _fail(_("申请人缺少公民身份号码，无法登记个体工商户。"))
    name = str(_form_value(case, "trade_name") or "").strip()
    if not name:
        name = _("%(name)s（个体工商户）") % {"name": case.applicant_name or applicant.name}
    address = str(_form_value(case, "business_premises") or "").strip()
    address = address or (person.address if person else "")
    if not address:
        raise _fail(_("缺少经营场所，无法登记个体工商户。"))
    entity = register_entity(
        name=name,
        entity_type=EntityType.SOLE_TRADER,
        legal_rep_id_number=applicant.id_number,
        legal_rep_name=case.applicant_name or applicant.name,
        address=address,
        division_code=case.org_unit.division_code,
        business_scope=str(_form_value(case, "business_scope") or ""),
        actor=actor,
    )
    company = bind_new_entity(applicant, entity, actor=actor)
    return entity, company


def _legal_holder(case, key: str, *, actor):
    from tongban.registries.selectors import find_entity

    if case.company_id:
        entity = find_entity(case.company.uscc)
        if entity is None:
            raise _fail(_("法人库中没有找到申请单位，无法签发证照。"))
        return entity, case.company
    if key in NEW_ENTITY_OUTPUTS:
        return _register_sole_trader(case, _person_of(case.applicant), actor=actor)
    raise _fail(_("该证照的持证主体应为法人，但办件没有申请单位。"))


def issue_case_outputs(case, outputs, *, actor):
    """The output issuer (see the module docstring); returns the issued licences."""
    from tongban.licences.services.issuing import issue_licence

    if not outputs:
        return None
    issued = []
    for key in outputs:
        licence_type = LicenceType.objects.filter(key=key, is_active=True).first()
        if licence_type is None:
            continue  # not (or no longer) issued electronically: the result stays on paper
        if licence_type.holder_type == HolderType.LEGAL:
            entity, company = _legal_holder(case, key, actor=actor)
            context = _Context(case, person=_person_of(case.applicant), entity=entity)
            holder = {
                "holder_name": entity.name,
                "holder_code": entity.uscc,
                "holder_company": company,
            }
        else:
            applicant = case.applicant
            person = _person_of(applicant)
            context = _Context(case, person=person)
            holder = {
                "holder_name": person.name if person else case.applicant_name,
                "holder_code": applicant.id_number or case.applicant_code,
                "holder_user": applicant,
            }
        issued.append(
            issue_licence(
                licence_type=licence_type,
                issuer=case.org_unit,
                holder_type=licence_type.holder_type,
                fields=map_fields(licence_type, context),
                actor=actor,
                source_case=case,
                **holder,
            )
        )
    return issued or None


def register() -> None:
    from tongban.cases.services.hooks import register_output_issuer

    register_output_issuer(issue_case_outputs)
