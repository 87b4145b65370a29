"""The open data portal (开放数据): publishing, the 不予开放 list, what is served, usage.

A resource may be published as an open dataset when it is published in the catalogue, its
open type is 无条件开放 or 有条件开放, it is backed by an uploaded dataset with a current
version, it is not on the negative list, and **none of its data items is personal or
sensitive** (``personal_item_not_publishable``). Only items marked *public* are served;
*internal* items stay out of every download and API answer. The same checks run again on
every read (``servable_dataset``), so a resource whose items or open type changed after
publication stops being served at once.

有条件开放 datasets show their metadata and data items to everyone; rows (preview, chart,
downloads, row queries) need a logged-in user.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from tongban.core import audit, permissions
from tongban.sharing.errors_opendata import OpenDataError, error
from tongban.sharing.models import (
    DataItem,
    DatasetUsage,
    DatasetVersion,
    NegativeListEntry,
    OpenDataset,
    Resource,
)
from tongban.sharing.permissions_opendata import (
    SHARING_MANAGE_NEGATIVE_LIST,
    SHARING_PUBLISH_DATASET,
)
from tongban.sharing.services import datasets

NOT_PUBLISHABLE = (DataItem.Sensitivity.PERSONAL, DataItem.Sensitivity.SENSITIVE)
OPEN_TYPES = (Resource.OpenType.OPEN, Resource.OpenType.CONDITIONAL)


# --- the rules -------------------------------------------------------------------------------
def publish_problem(resource: Resource) -> str | None:
    """The error code that forbids opening ``resource`` now, or None."""
    if resource.status != Resource.Status.PUBLISHED:
        return OpenDataError.RESOURCE_NOT_PUBLISHED
    if resource.open_type not in OPEN_TYPES:
        return OpenDataError.OPEN_TYPE_CLOSED
    if NegativeListEntry.objects.filter(resource=resource).exists():
        return OpenDataError.NEGATIVE_LISTED
    if resource.backing != Resource.Backing.DATASET:
        return OpenDataError.NOT_DATASET_BACKED
    if resource.items.filter(sensitivity__in=NOT_PUBLISHABLE).exists():
        return OpenDataError.PERSONAL_ITEM
    if not resource.items.filter(sensitivity=DataItem.Sensitivity.PUBLIC).exists():
        return OpenDataError.NO_PUBLIC_ITEMS
    if datasets.current_version(resource) is None:
        return OpenDataError.NO_CURRENT_VERSION
    return None


def _personal_item_message(resource: Resource) -> str:
    names = list(
        resource.items.filter(sensitivity__in=NOT_PUBLISHABLE).values_list("name", flat=True)
    )
    return _t("该资源含有个人信息或敏感信息项（%(items)s），不能开放") % {"items": "、".join(names)}


def open_columns(resource: Resource, version: DatasetVersion | None = None) -> list[dict]:
    """The public columns of ``version`` (default: current) that the portal serves."""
    public = {
        item.key
        for item in resource.items.all()  # prefetched by ``with_details``
        if item.sensitivity == DataItem.Sensitivity.PUBLIC
    }
    version = version or datasets.current_version(resource)
    if version is None:
        return []
    return [
        column
        for column in version.columns
        if column["key"] in public and column.get("sensitivity") == DataItem.Sensitivity.PUBLIC
    ]


def slug_for(resource: Resource) -> str:
    base = re.sub(r"[^a-z0-9_-]+", "-", resource.code.lower()).strip("-") or "dataset"
    base = base[:90]
    if len(base) < 2:
        base = f"ds-{base}"
    name, n = base, 1
    while OpenDataset.objects.filter(name=name).exclude(resource=resource).exists():
        n += 1
        name = f"{base}-{n}"
    return name


# --- publishing ---------------------------------------------------------------------------
def publish_dataset(resource: Resource, *, actor, tags: list[str] | None = None) -> OpenDataset:
    """Open ``resource`` on the portal (or re-open a withdrawn dataset)."""
    permissions.check_perm(actor, SHARING_PUBLISH_DATASET, resource.provider)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        problem = publish_problem(resource)
        if problem == OpenDataError.PERSONAL_ITEM:
            raise error(problem, message=_personal_item_message(resource))
        if problem:
            raise error(problem)
        dataset = OpenDataset.objects.filter(resource=resource).first()
        if dataset and dataset.status == OpenDataset.Status.PUBLISHED:
            raise error(OpenDataError.ALREADY_PUBLISHED)
        now = timezone.now()
        clean_tags = [str(tag).strip()[:30] for tag in (tags or []) if str(tag).strip()][:10]
        if dataset is None:
            dataset = OpenDataset.objects.create(
                resource=resource,
                name=slug_for(resource),
                tags=clean_tags or ([resource.topic] if resource.topic else []),
                published_at=now,
                published_by=actor,
            )
        else:
            dataset.status = OpenDataset.Status.PUBLISHED
            dataset.published_at = now
            dataset.published_by = actor
            dataset.withdrawn_at = None
            dataset.withdrawn_reason = ""
            if clean_tags:
                dataset.tags = clean_tags
            dataset.save()
        audit.record(
            "sharing.dataset_published",
            actor=actor,
            target=dataset,
            org_unit=resource.provider,
            data={
                "resource": resource.code,
                "name": dataset.name,
                "open_type": resource.open_type,
                "columns": [column["key"] for column in open_columns(resource)],
            },
        )
    return dataset


def withdraw_dataset(dataset: OpenDataset, *, actor, reason: str) -> OpenDataset:
    permissions.check_perm(actor, SHARING_PUBLISH_DATASET, dataset.resource.provider)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise error(OpenDataError.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        updated = OpenDataset.objects.filter(
            pk=dataset.pk, status=OpenDataset.Status.PUBLISHED
        ).update(
            status=OpenDataset.Status.WITHDRAWN,
            withdrawn_at=timezone.now(),
            withdrawn_reason=reason,
        )
        if updated != 1:
            raise error(OpenDataError.NOT_PUBLISHED)
        _record_withdrawal(dataset, actor=actor, reason=reason)
    dataset.refresh_from_db()
    return dataset


def _record_withdrawal(dataset: OpenDataset, *, actor, reason: str) -> None:
    audit.record(
        "sharing.dataset_withdrawn",
        actor=actor,
        target=dataset,
        org_unit=dataset.resource.provider,
        data={"resource": dataset.resource.code, "name": dataset.name, "reason": reason},
    )


# --- the negative list ----------------------------------------------------------------------
def add_to_negative_list(
    resource: Resource, *, actor, reason: str, legal_basis: str = ""
) -> NegativeListEntry:
    """Put ``resource`` on the 不予开放 list; a published dataset of it is withdrawn in the
    same transaction."""
    permissions.check_perm(actor, SHARING_MANAGE_NEGATIVE_LIST)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise error(OpenDataError.REASON_REQUIRED, field="reason")
    try:
        with transaction.atomic():
            entry = NegativeListEntry.objects.create(
                resource=resource,
                reason=reason,
                legal_basis=(legal_basis or "").strip()[:200],
                created_by=actor,
            )
            audit.record(
                "sharing.negative_list_entry_added",
                actor=actor,
                target=entry,
                org_unit=resource.provider,
                data={"resource": resource.code, "reason": reason},
            )
            dataset = OpenDataset.objects.filter(
                resource=resource, status=OpenDataset.Status.PUBLISHED
            ).first()
            if dataset is not None:
                text = _t("列入不予开放清单：%(r)s") % {"r": reason}
                OpenDataset.objects.filter(pk=dataset.pk).update(
                    status=OpenDataset.Status.WITHDRAWN,
                    withdrawn_at=timezone.now(),
                    withdrawn_reason=text[:200],
                )
                _record_withdrawal(dataset, actor=actor, reason=text[:200])
    except IntegrityError:
        raise error(OpenDataError.ALREADY_NEGATIVE_LISTED) from None
    return entry


def remove_from_negative_list(resource: Resource, *, actor) -> None:
    permissions.check_perm(actor, SHARING_MANAGE_NEGATIVE_LIST)
    with transaction.atomic():
        entry = NegativeListEntry.objects.select_for_update().filter(resource=resource).first()
        if entry is None:
            raise error(OpenDataError.NOT_NEGATIVE_LISTED)
        audit.record(
            "sharing.negative_list_entry_removed",
            actor=actor,
            target=entry,
            org_unit=resource.provider,
            data={"resource": resource.code, "reason": entry.reason},
        )
        entry.delete()


# --- what is served -------------------------------------------------------------------------
def _serve_q() -> Q:
    """Published datasets whose resource may still be served (items are checked in
    ``served_datasets``)."""
    return Q(
        status=OpenDataset.Status.PUBLISHED,
        resource__status=Resource.Status.PUBLISHED,
        resource__open_type__in=OPEN_TYPES,
        resource__backing=Resource.Backing.DATASET,
        resource__negative_list_entry__isnull=True,
    )


def served_datasets():
    """Open datasets that are served now (published, still open, not negative-listed, no
    personal or sensitive item)."""
    blocked = DataItem.objects.filter(sensitivity__in=NOT_PUBLISHABLE).values("resource_id")
    return (
        OpenDataset.objects.filter(_serve_q())
        .exclude(resource_id__in=blocked)
        .select_related("resource__provider__parent")
    )


def with_details(queryset):
    """Prefetch what a dataset's description needs (items, accepted versions) so listing N
    datasets costs a fixed number of queries."""
    return queryset.prefetch_related(
        "resource__items",
        Prefetch(
            "resource__dataset_versions",
            queryset=DatasetVersion.objects.filter(status=DatasetVersion.Status.ACCEPTED).order_by(
                "-number"
            ),
            to_attr="accepted_versions",
        ),
    )


def versions_of(dataset: OpenDataset) -> list[DatasetVersion]:
    """Accepted versions, newest first (prefetched when the dataset came from
    ``with_details``)."""
    resource = dataset.resource
    if hasattr(resource, "accepted_versions"):
        return list(resource.accepted_versions)
    return list(datasets.accepted_versions(resource))


def servable_dataset(name_or_id: str) -> OpenDataset:
    """The served dataset by CKAN name or id; a published dataset that may no longer be
    served raises ``dataset_not_open`` (404), an unknown one ``dataset_not_found``."""
    lookup = Q(name=name_or_id)
    if _is_uuid(name_or_id):
        lookup |= Q(uuid=name_or_id)
    dataset = (
        OpenDataset.objects.select_related("resource__provider__parent").filter(lookup).first()
    )
    if dataset is None:
        raise error(OpenDataError.DATASET_NOT_FOUND)
    if not served_datasets().filter(pk=dataset.pk).exists():
        if dataset.status == OpenDataset.Status.PUBLISHED:
            raise error(OpenDataError.DATASET_NOT_OPEN)
        raise error(OpenDataError.DATASET_NOT_FOUND)
    return dataset


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", value or ""))


def require_data_access(dataset: OpenDataset, user) -> None:
    """有条件开放: downloads and row queries need a logged-in user."""
    if dataset.resource.open_type == Resource.OpenType.CONDITIONAL and not (
        user is not None and user.is_authenticated
    ):
        raise error(OpenDataError.LOGIN_REQUIRED)


def version_of(dataset: OpenDataset, number: int | None = None) -> DatasetVersion:
    if number is None:
        version = datasets.current_version(dataset.resource)
        if version is None:
            raise error(OpenDataError.NO_CURRENT_VERSION)
        return version
    return datasets.get_version(dataset.resource, number)


def version_by_uuid(value: str) -> tuple[OpenDataset, DatasetVersion]:
    """(dataset, version) for a CKAN resource id; the dataset must be served."""
    if not _is_uuid(value):
        raise error(OpenDataError.VERSION_NOT_FOUND)
    version = (
        DatasetVersion.objects.filter(uuid=value, status=DatasetVersion.Status.ACCEPTED)
        .select_related("resource")
        .first()
    )
    if version is None:
        raise error(OpenDataError.VERSION_NOT_FOUND)
    dataset = OpenDataset.objects.filter(resource=version.resource).first()
    if dataset is None:
        raise error(OpenDataError.VERSION_NOT_FOUND)
    return servable_dataset(dataset.name), version


def search_datasets(*, q: str = "", topic: str = "", provider: str = "", tag: str = ""):
    datasets_qs = served_datasets()
    for word in (q or "").split():
        datasets_qs = datasets_qs.filter(
            Q(resource__name__icontains=word)
            | Q(resource__summary__icontains=word)
            | Q(resource__topic__icontains=word)
            | Q(resource__provider__name__icontains=word)
            | Q(resource__provider__parent__name__icontains=word)
            | Q(name__icontains=word)
        )
    if topic:
        datasets_qs = datasets_qs.filter(resource__topic=topic)
    if provider:
        datasets_qs = datasets_qs.filter(resource__provider__code=provider)
    if tag:
        ids = [pk for pk, tags in datasets_qs.values_list("pk", "tags") if tag in (tags or [])]
        datasets_qs = datasets_qs.filter(pk__in=ids)
    return datasets_qs


# --- usage statistics -----------------------------------------------------------------------
def record_usage(dataset: OpenDataset, kind: str, *, day: dt.date | None = None) -> None:
    """Count one view, download or API call (its own small write; never fails the read)."""
    day = day or timezone.localdate()
    try:
        updated = DatasetUsage.objects.filter(dataset=dataset, day=day, kind=kind).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    DatasetUsage.objects.create(dataset=dataset, day=day, kind=kind, count=1)
            except IntegrityError:
                DatasetUsage.objects.filter(dataset=dataset, day=day, kind=kind).update(
                    count=F("count") + 1
                )
    except Exception:  # noqa: BLE001 - statistics never break a read
        import logging

        logging.getLogger(__name__).exception("usage not counted for %s", dataset.pk)


def usage_totals(dataset: OpenDataset) -> dict[str, int]:
    totals = {kind: 0 for kind in DatasetUsage.Kind.values}
    for kind, count in DatasetUsage.objects.filter(dataset=dataset).values_list("kind", "count"):
        totals[kind] += count
    return totals
