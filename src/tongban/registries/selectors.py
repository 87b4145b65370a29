"""Reads of the registries. Identity (real-name L2) and forms (pre-filling) call these."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.core import permissions
from tongban.core.masking import mask_fields
from tongban.registries import errors
from tongban.registries.choices import PersonStatus
from tongban.registries.models import LegalEntity, Person


def normalize_id_number(id_number) -> str:
    return "".join(str(id_number or "").split()).upper()


def normalize_uscc(uscc) -> str:
    return "".join(str(uscc or "").split()).upper()


def find_person(id_number) -> Person | None:
    id_number = normalize_id_number(id_number)
    if not id_number:
        return None
    return Person.objects.filter(id_number=id_number).first()


@dataclass(frozen=True)
class MatchResult:
    ok: bool
    reason: str | None  # one of errors.MATCH_REASONS, None when ok
    person: Person | None = None

    def __bool__(self) -> bool:
        return self.ok


def match_person(id_number, name, phone=None) -> MatchResult:
    """Does the population registry confirm this ID number, name (and phone, when given)?

    Reasons, checked in this order so that a caller who does not know the name learns
    nothing about the person's status: ``not_found``, ``name_mismatch``, ``deceased``,
    ``cancelled``, ``phone_mismatch``. The phone is compared only when ``phone`` is given.
    """
    person = find_person(id_number)
    if person is None:
        return MatchResult(False, errors.NOT_FOUND)
    if "".join(str(name or "").split()) != person.name:
        return MatchResult(False, errors.NAME_MISMATCH)
    if person.status == PersonStatus.DECEASED:
        return MatchResult(False, errors.DECEASED)
    if person.status == PersonStatus.CANCELLED:
        return MatchResult(False, errors.CANCELLED)
    if phone is not None and "".join(str(phone).split()) != person.phone:
        return MatchResult(False, errors.PHONE_MISMATCH)
    return MatchResult(True, None, person)


def find_entity(uscc) -> LegalEntity | None:
    uscc = normalize_uscc(uscc)
    if not uscc:
        return None
    return LegalEntity.objects.filter(uscc=uscc).first()


def entities_represented_by(id_number, *, active_only: bool = False):
    """Legal entities whose legal representative has this ID number (newest first)."""
    queryset = LegalEntity.objects.filter(legal_rep_id_number=normalize_id_number(id_number))
    if active_only:
        queryset = queryset.filter(status="active")
    return queryset.order_by("-established_date", "uscc")


# --- what a staff reader may see -------------------------------------------------------------
PERSON_PII = {"id_number": "id_number", "name": "name", "address": "address", "phone": "mobile"}
ENTITY_PII = {"legal_rep_id_number": "id_number"}


def person_for_reader(user, person: Person) -> dict:
    """The person's fields as ``user`` may see them: masked unless the user holds
    ``core.view_pii`` in a unit whose region contains the person's household division."""
    visible = permissions.has_perm_for_division(
        user, permissions.CORE_VIEW_PII, person.division_code
    )
    data = {
        "id_number": person.id_number,
        "name": person.name,
        "gender": person.gender,
        "gender_display": person.get_gender_display(),
        "birth_date": person.birth_date if visible else None,
        "division_code": person.division_code,
        "address": person.address,
        "phone": person.phone,
        "status": person.status,
        "status_display": person.get_status_display(),
        "updated_at": person.updated_at,
        "masked": not visible,
    }
    return mask_fields(data, PERSON_PII, visible=visible)


def entity_for_reader(user, entity: LegalEntity) -> dict:
    """Register data is public; the legal representative's ID number is masked unless the user
    holds ``core.view_pii`` for the entity's division."""
    visible = permissions.has_perm_for_division(
        user, permissions.CORE_VIEW_PII, entity.division_code
    )
    data = {
        "uscc": entity.uscc,
        "name": entity.name,
        "entity_type": entity.entity_type,
        "entity_type_display": entity.get_entity_type_display(),
        "legal_rep_name": entity.legal_rep_name,
        "legal_rep_id_number": entity.legal_rep_id_number,
        "address": entity.address,
        "division_code": entity.division_code,
        "status": entity.status,
        "status_display": entity.get_status_display(),
        "established_date": entity.established_date,
        "registered_capital": entity.registered_capital,
        "business_scope": entity.business_scope,
        "updated_at": entity.updated_at,
        "masked": not visible,
    }
    return mask_fields(data, ENTITY_PII, visible=visible)
