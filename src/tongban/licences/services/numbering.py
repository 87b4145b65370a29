"""Licence numbers (证照编号) and issuer codes.

* ``claim_licence_number(licence_type, issuer)`` — the next number of the (type, issuer)
  pair, as a 7-digit string ("0000001"). The ``LicenceNumberSequence`` row is claimed with
  ``SELECT … FOR UPDATE`` (PostgreSQL; SQLite serialises writers with ``BEGIN IMMEDIATE``)
  inside the issuing transaction, so numbers never repeat and a rolled-back issuance also
  rolls back its number: no gaps.
* ``issuer_code(org_unit)`` — the issuing unit's USCC (the issuer segment of the GB/T 36904
  identifier). When ``OrgUnit.uscc`` is empty a **demo** USCC is derived from the unit's
  code (authority 1 / type 1 机关, the unit's division, organisation code from a hash of the
  unit code, check characters computed) and stored on the unit, so it stays stable. Real
  deployments fill ``OrgUnit.uscc`` with the department's real code.
"""

from __future__ import annotations

import hashlib
import random

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.core.codes import divisions, generate_uscc, validate
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.licences.errors_issuing import IssuingError
from tongban.licences.models import LicenceNumberSequence, LicenceType

NUMBER_WIDTH = 7


def format_number(value: int) -> str:
    return f"{value:0{NUMBER_WIDTH}d}"


def claim_licence_number(licence_type: LicenceType, issuer: OrgUnit) -> str:
    """The next number of (type, issuer); must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_licence_number must run inside the issuing transaction")
    # Create the row without racing (a conflicting insert is ignored), then lock it.
    LicenceNumberSequence.objects.bulk_create(
        [LicenceNumberSequence(licence_type=licence_type, issuer=issuer, last_value=0)],
        ignore_conflicts=True,
    )
    row = LicenceNumberSequence.objects.select_for_update().get(
        licence_type=licence_type, issuer=issuer
    )
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return format_number(row.last_value)


def demo_uscc_for(org_unit: OrgUnit) -> str:
    """A stable, valid demo USCC for a government unit (see the module docstring)."""
    division = (org_unit.division_code or "")[:6]
    if divisions.get(division) is None:
        division = division[:2] + "0000" if divisions.get(division[:2] + "0000") else "100000"
    seed = int.from_bytes(hashlib.sha256(org_unit.code.encode("utf-8")).digest()[:8], "big")
    return generate_uscc(
        division_code=division, authority="1", entity_type="1", rng=random.Random(seed)
    )


def issuer_code(org_unit: OrgUnit) -> str:
    """The unit's USCC, deriving and storing a demo one when it has none."""
    code = (org_unit.uscc or "").strip().upper()
    if code:
        if not validate("uscc", code).valid:
            raise DomainError(
                IssuingError.ISSUER_CODE_INVALID,
                _("颁发机构“%(unit)s”的统一社会信用代码无效。") % {"unit": org_unit.full_name},
            )
        return code
    code = demo_uscc_for(org_unit)
    OrgUnit.objects.filter(pk=org_unit.pk, uscc="").update(uscc=code)
    org_unit.uscc = OrgUnit.objects.values_list("uscc", flat=True).get(pk=org_unit.pk)
    return org_unit.uscc
