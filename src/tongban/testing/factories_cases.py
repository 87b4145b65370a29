"""Factories and helpers for case tests.

* ``make_implementation(org_unit, ...)`` — a published item version with stages/tasks and
  its implementation in ``org_unit`` (a department unit).
* ``CaseFactory(implementation=..., applicant=...)`` — a draft case (no number).
* ``submitted_case`` / ``accepted_case`` — go through the lifecycle services, so the
  numbers, deadlines, tasks and audit events are real.
"""

from __future__ import annotations

import factory

from tongban.cases.models import Case
from tongban.catalog.models import (
    Implementation,
    ItemVersion,
    Material,
    ProcessStage,
    StageTask,
)
from tongban.testing.factories import UserFactory
from tongban.testing.factories_catalog import ServiceItemFactory

DEFAULT_STAGES = [("审查", [("审查决定", "市场监督管理局")])]


def make_implementation(
    org_unit,
    *,
    name: str | None = None,
    handling_type: str = "承诺件",
    legal_days: int = 20,
    promised_days: int = 10,
    stages=None,
    outputs=None,
    form_schema=None,
    audience: str | None = None,
    materials=(),
) -> Implementation:
    """An implementation of a fresh item in ``org_unit`` with a published version.

    ``stages``: ``[(stage name, [(task name, department name), ...]), ...]``;
    ``materials``: material names of the version, in order (all required).
    """
    item = ServiceItemFactory(audience=audience or "both", **({"name": name} if name else {}))
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        status=ItemVersion.Status.PUBLISHED,
        handling_type=handling_type,
        legal_days=legal_days,
        promised_days=promised_days,
        outputs=list(outputs or []),
        form_schema=list(form_schema or []),
    )
    for position, material_name in enumerate(materials, start=1):
        Material.objects.create(version=version, position=position, name=material_name)
    for position, (stage_name, tasks) in enumerate(
        DEFAULT_STAGES if stages is None else stages, start=1
    ):
        stage = ProcessStage.objects.create(version=version, position=position, name=stage_name)
        for task_name, department in tasks:
            StageTask.objects.create(stage=stage, name=task_name, department_name=department)
    item.current_version = version
    item.save(update_fields=["current_version"])
    return Implementation.objects.create(
        item=item,
        org_unit=org_unit,
        implementation_code=f"{item.basic_code}-{org_unit.code}",
        legal_days=legal_days,
        promised_days=promised_days,
    )


class CaseFactory(factory.django.DjangoModelFactory):
    """A draft case; pass ``implementation`` (see ``make_implementation``)."""

    class Meta:
        model = Case

    implementation = None
    item_version = factory.LazyAttribute(lambda o: o.implementation.item.current_version)
    org_unit = factory.LazyAttribute(lambda o: o.implementation.org_unit)
    applicant = factory.SubFactory(UserFactory)
    applicant_name = factory.LazyAttribute(lambda o: o.applicant.name or "申请人")
    applicant_code = factory.LazyAttribute(lambda o: o.applicant.id_number or "")
    form_data = factory.LazyFunction(dict)
    status = Case.Status.DRAFT


def submitted_case(implementation, applicant, **kwargs) -> Case:
    from tongban.cases.services.lifecycle import submit_case

    case = CaseFactory(implementation=implementation, applicant=applicant, **kwargs)
    return submit_case(case, actor=applicant)


def accepted_case(implementation, applicant, clerk, **kwargs) -> Case:
    from tongban.cases.services.lifecycle import accept_case

    return accept_case(submitted_case(implementation, applicant, **kwargs), actor=clerk)
