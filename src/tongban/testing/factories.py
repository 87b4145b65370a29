"""factory_boy factories shared by every app's tests."""

import factory

from tongban.core.models import OrgUnit, RoleAssignment
from tongban.identity.models import User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgUnit.Kind.CITY
    division_code = "440100"
    path = ""

    @factory.post_generation
    def _path(obj, create, extracted, **kwargs):
        parent_path = obj.parent.path if obj.parent_id else "/"
        obj.path = f"{parent_path}{obj.pk}/"
        if create:
            obj.save(update_fields=["path"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    kind = User.Kind.NATURAL
    password = factory.django.Password("Tongban#2026")


class StaffFactory(UserFactory):
    kind = User.Kind.STAFF
    username = factory.Sequence(lambda n: f"staff{n}")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(StaffFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    role = RoleAssignment.Role.WINDOW_CLERK
