"""Reads of the service catalogue, and who may maintain what.

Who maintains an item (``catalog.manage_item``):

* an item's standard elements (its versions) are maintained by the department admins of the
  item's *department units*: the units that implement it (实施清单) and the province
  department of the same name; operators (province, covering children) reach every item;
* an implementation's local limits are maintained within the implementation's own unit
  only (a 深圳 admin never edits 广州's implementation list).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tongban.catalog.errors import Errors
from tongban.catalog.models import (
    Implementation,
    ItemVersion,
    Material,
    ProcessStage,
    ServiceItem,
    StageTask,
)
from tongban.core import orgunits, permissions
from tongban.core.exceptions import NotFound
from tongban.core.models import OrgUnit

MANAGE = permissions.CATALOG_MANAGE_ITEM


def _not_found():
    return NotFound(Errors.NOT_FOUND, _("未找到该事项，或您无权管理。"))


# --- public reads ------------------------------------------------------------------------------
def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(current_version__isnull=False)


def get_published_item(key: str) -> ServiceItem:
    """The item with its current version (404 when unknown or never published)."""
    item = published_items().select_related("current_version").filter(key=key).first()
    if item is None:
        raise NotFound(Errors.NOT_FOUND, _("未找到该事项。"))
    return item


def version_with_details(version: ItemVersion) -> ItemVersion:
    """The version with materials and stages → tasks prefetched (one query each)."""
    return (
        ItemVersion.objects.filter(pk=version.pk)
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
            Prefetch(
                "stages",
                queryset=ProcessStage.objects.order_by("position").prefetch_related(
                    Prefetch("tasks", queryset=StageTask.objects.order_by("id"))
                ),
            ),
        )
        .get()
    )


def implementations_of(item: ServiceItem, *, active_only: bool = True) -> QuerySet[Implementation]:
    queryset = item.implementations.select_related("org_unit", "org_unit__parent")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("org_unit__division_code", "org_unit__code")


def implementations_by_city(item: ServiceItem) -> list[dict]:
    """``[{"city": name, "code": division, "implementations": [...]}]`` for the guide page
    (a county's implementation is listed under its city)."""
    implementations = list(implementations_of(item))
    city_codes = {impl.org_unit.division_code[:4] + "00" for impl in implementations}
    names = dict(
        OrgUnit.objects.filter(code__in=city_codes | {orgunits.PROVINCE_CODE}).values_list(
            "code", "name"
        )
    )
    groups: dict[str, dict] = {}
    for impl in implementations:
        division = impl.org_unit.division_code
        city = division if division == orgunits.PROVINCE_CODE else division[:4] + "00"
        group = groups.setdefault(
            city, {"code": city, "city": names.get(city, city), "implementations": []}
        )
        group["implementations"].append(impl)
    return [groups[code] for code in sorted(groups)]


def get_implementation(pk: int) -> Implementation:
    impl = (
        Implementation.objects.select_related("item", "org_unit", "org_unit__parent")
        .filter(pk=pk)
        .first()
    )
    if impl is None:
        raise NotFound(Errors.NOT_FOUND, _("未找到该实施清单。"))
    return impl


def apply_url(implementation_id: int) -> str:
    """Where "在线办理" leads for an implementation (the applications pages)."""
    try:
        return reverse("my_cases:start", args=[implementation_id])
    except NoReverseMatch:
        return f"/my/cases/new/{implementation_id}/"


def department_names() -> list[str]:
    return sorted(set(published_items().values_list("department_name", flat=True)))


def region_choices() -> list[tuple[str, str]]:
    """(division code, label) of cities and counties for the region filter, cities first
    with their counties indented after them."""
    regions = list(
        OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY],
            is_active=True,
        )
        .order_by("code")
        .values_list("division_code", "name", "kind")
    )
    return [
        (code, ("\u3000" + name) if kind == OrgUnit.Kind.COUNTY else name)
        for code, name, kind in regions
    ]


# --- maintenance permissions ------------------------------------------------------------------
def _province_department_names(units: QuerySet[OrgUnit]) -> set[str]:
    names = set(
        units.filter(
            kind=OrgUnit.Kind.DEPARTMENT, division_code=orgunits.PROVINCE_CODE
        ).values_list("name", flat=True)
    )
    # The province names 厅 what cities name 局 (司法厅 / 司法局).
    return names | {name[:-1] + "局" for name in names if name.endswith("厅")}


def manageable_items(user) -> QuerySet[ServiceItem]:
    """Items whose versions ``user`` may draft, submit and publish."""
    if not permissions.has_perm(user, MANAGE):
        return ServiceItem.objects.none()
    if user.is_superuser:
        return ServiceItem.objects.all()
    units = permissions.units_for(user, MANAGE)
    condition = Q(pk__in=Implementation.objects.filter(org_unit__in=units).values("item_id")) | Q(
        department_name__in=_province_department_names(units)
    )
    return ServiceItem.objects.filter(condition)


def can_manage_item(user, item: ServiceItem) -> bool:
    return manageable_items(user).filter(pk=item.pk).exists()


def access_manageable_item(user, key: str) -> ServiceItem:
    """The item ``key`` if ``user`` may maintain it, else 404 (existence does not leak)."""
    item = manageable_items(user).select_related("current_version").filter(key=key).first()
    if item is None:
        raise _not_found()
    return item


def manageable_implementations(user, item: ServiceItem | None = None):
    queryset = permissions.restrict(Implementation.objects.all(), user, MANAGE)
    if item is not None:
        queryset = queryset.filter(item=item)
    return queryset.select_related("item", "org_unit", "org_unit__parent").order_by(
        "org_unit__code"
    )


def access_manageable_implementation(user, pk: int) -> Implementation:
    impl = manageable_implementations(user).filter(pk=pk).first()
    if impl is None:
        raise NotFound(Errors.NOT_FOUND, _("未找到该实施清单，或您无权管理。"))
    return impl


def open_version(item: ServiceItem) -> ItemVersion | None:
    """The item's draft or submitted version (at most one at a time)."""
    return (
        item.versions.filter(status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED])
        .order_by("-number")
        .first()
    )
