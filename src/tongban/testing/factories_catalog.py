"""factory_boy factories for the service catalogue (shared by the catalog and cases tests).

``make_published_item(org_unit, ...)`` is the quick way to a usable item: a published
version with two materials, the two-stage process (optionally with parallel joint tasks) and
an implementation by ``org_unit``.
"""

import factory

from tongban.catalog.models import (
    Implementation,
    ItemVersion,
    Material,
    ProcessStage,
    ServiceItem,
    StageTask,
    ThemeService,
)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-item-{n}")
    basic_code = factory.Sequence(lambda n: f"4401T{n:09d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = "行政许可"
    department_name = "市场监督管理局"
    level = "city"
    audience = "natural"


class ItemVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemVersion

    item = factory.SubFactory(ServiceItemFactory)
    number = 1
    status = ItemVersion.Status.PUBLISHED
    handling_type = "承诺件"
    legal_days = 20
    promised_days = 10
    basis = "《中华人民共和国行政许可法》"
    conditions = "符合法定条件的申请人。"
    online = True
    max_visits = 0
    consultation = "12345"
    complaint = "12345"
    halls_and_hours = "政务服务中心 9:00-17:30"
    form_schema = factory.LazyFunction(
        lambda: [
            {
                "name": "applicant_name",
                "label": "申请人姓名",
                "type": "text",
                "required": True,
                "source": "person.name",
                "choices": [],
                "max_length": 64,
            },
            {
                "name": "business_premises",
                "label": "经营场所",
                "type": "text",
                "required": True,
                "source": "",
                "choices": [],
                "max_length": 200,
            },
        ]
    )
    outputs = factory.LazyFunction(list)


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    version = factory.SubFactory(ItemVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"申请材料{n}")


class ProcessStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStage

    version = factory.SubFactory(ItemVersionFactory)
    position = 1
    name = "审查"


class StageTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageTask

    stage = factory.SubFactory(ProcessStageFactory)
    name = "审查"
    department_name = "市场监督管理局"
    role = "approver"


class ImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Implementation

    item = factory.SubFactory(ServiceItemFactory)
    org_unit = factory.SubFactory("tongban.testing.factories.OrgUnitFactory")
    implementation_code = factory.Sequence(lambda n: f"TEST-IMPL-{n:08d}")
    legal_days = 20
    promised_days = 10


class ThemeServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemeService

    key = factory.Sequence(lambda n: f"test-theme-{n}")
    name = factory.Sequence(lambda n: f"测试一件事{n}")


def make_published_item(
    org_unit=None,
    *,
    joint: tuple[str, ...] = (),
    materials: tuple[str, ...] = ("申请书", "身份证明"),
    version_kwargs: dict | None = None,
    **item_kwargs,
) -> ServiceItem:
    """A published item (version 1: materials, stages 审查 [+ joint tasks] → 决定) with an
    implementation by ``org_unit`` when given; the search index sees it."""
    from tongban.catalog.services import bump_revision

    item = ServiceItemFactory(**item_kwargs)
    version = ItemVersionFactory(item=item, **(version_kwargs or {}))
    for position, name in enumerate(materials, start=1):
        MaterialFactory(version=version, position=position, name=name)
    review = ProcessStageFactory(version=version, position=1, name="审查")
    StageTaskFactory(stage=review, name="审查", department_name=item.department_name)
    for department in joint:
        StageTaskFactory(stage=review, name=f"并联审查（{department}）", department_name=department)
    decide = ProcessStageFactory(version=version, position=2, name="决定")
    StageTaskFactory(stage=decide, name="决定", department_name=item.department_name)
    item.current_version = version
    item.save(update_fields=["current_version"])
    if org_unit is not None:
        ImplementationFactory(
            item=item,
            org_unit=org_unit,
            legal_days=version.legal_days,
            promised_days=version.promised_days,
        )
    bump_revision()
    return item
