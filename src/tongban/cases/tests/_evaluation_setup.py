"""Data set-up for the rating and rectification tests: a case of the 广州 market department
in any state, built directly (the lifecycle itself is tested elsewhere)."""

import itertools

from django.utils import timezone

from tongban.cases.models import Case
from tongban.testing.factories_cases import make_implementation

_sequence = itertools.count(1)


def make_item(org_unit, *, name="个体工商户设立登记"):
    return make_implementation(org_unit, name=name, promised_days=5, audience="natural")


def make_case(applicant, org_unit, *, status=Case.Status.CONCLUDED, implementation=None):
    implementation = implementation or make_item(org_unit)
    n = next(_sequence)
    now = timezone.now()
    return Case.objects.create(
        number=f"440100250926{n:07d}X",
        implementation=implementation,
        item_version=implementation.item.current_version,
        org_unit=org_unit,
        status=status,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_code=applicant.id_number or "",
        submitted_at=now,
        concluded_at=now if status == Case.Status.CONCLUDED else None,
    )
