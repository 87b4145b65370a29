"""Data set-up for the rating and rectification tests: a case of the 广州 market department
in any state, built directly (the lifecycle itself is tested elsewhere)."""

import itertools

from django.utils import timezone

from tongban.cases.models import Case
from tongban.catalog.models import Implementation, ItemVersion, ServiceItem

_sequence = itertools.count(1)


def make_item(org_unit, *, name="个体工商户设立登记"):
    n = next(_sequence)
    item = ServiceItem.objects.create(
        key=f"rating-item-{n}",
        basic_code=f"RATING{n:06d}",
        name=name,
        item_type="行政许可",
        department_name=org_unit.name,
        level="city",
        audience="natural",
    )
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        status=ItemVersion.Status.PUBLISHED,
        handling_type="承诺件",
        legal_days=20,
        promised_days=5,
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    implementation = Implementation.objects.create(
        item=item,
        org_unit=org_unit,
        implementation_code=f"IMPL-RATING-{n}",
        legal_days=20,
        promised_days=5,
    )
    return implementation


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
