"""Reads of the registries. Identity (real-name L2) and forms (pre-filling) call these."""

from __future__ import annotations

from dataclasses import dataclass

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
