"""Data quality (数据治理): rules per resource and quality reports.

Rules (``QualityRule``): ``required`` (the item has a value), ``code`` (a valid 公民身份号码 /
统一社会信用代码 / 行政区划代码, checked with ``tongban.core.codes``), ``enum`` (one of the
listed values). Besides the rules the provider adds, every resource has *default rules*
from its catalogue entry: its required items, and a code check for items that hold an ID
number or credit code (``datasets.code_kind``) and for ``division_code``.

A check (``run_check``) reads the resource's rows — the current dataset version, or the
registry rows of the provider's region (at most ``SHARING_QUALITY_MAX_ROWS``); a provider
HTTP API's rows are not read (only freshness) — and stores a ``QualityReport``: rows
checked, rows with at least one failure, failures per rule with up to 5 sample records
(keys masked), and freshness: the last update (dataset: the current version's acceptance;
registry: the latest ``updated_at``) against the update cycle (实时/每日 1 day, 每周 7, 每月
31, 每季度 92, 每年 366; 不定期: not judged). The periodic task ``run_quality_checks`` checks
every published resource daily.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core import audit, codes, masking
from tongban.core import permissions as core_permissions
from tongban.registries.models import LegalEntity, Person
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import (
    CorrectionReport,
    DatasetRow,
    DatasetVersion,
    QualityReport,
    QualityRule,
    Resource,
)
from tongban.sharing.permissions_quality import SHARING_MANAGE_QUALITY, SHARING_VIEW_QUALITY
from tongban.sharing.services import datasets, sources

CYCLE_DAYS = {
    Resource.UpdateCycle.REALTIME: 1,
    Resource.UpdateCycle.DAILY: 1,
    Resource.UpdateCycle.WEEKLY: 7,
    Resource.UpdateCycle.MONTHLY: 31,
    Resource.UpdateCycle.QUARTERLY: 92,
    Resource.UpdateCycle.YEARLY: 366,
}
SAMPLES = 5


def max_rows() -> int:
    return int(getattr(settings, "SHARING_QUALITY_MAX_ROWS", 200_000))


# --- rules -------------------------------------------------------------------------------------
def default_rules(resource: Resource) -> list[dict]:
    rules = []
    for item in resource.items.all():
        if item.required:
            rules.append({"kind": "required", "item_key": item.key, "params": {}})
        kind = datasets.code_kind(item)
        if kind:
            rules.append({"kind": "code", "item_key": item.key, "params": {"code_kind": kind}})
        elif item.key == "division_code":
            rules.append(
                {"kind": "code", "item_key": item.key, "params": {"code_kind": "division"}}
            )
    return rules


def effective_rules(resource: Resource) -> list[dict]:
    """The provider's rules, then the default rules they do not replace."""
    own = [
        {"kind": r.kind, "item_key": r.item_key, "params": r.params, "id": r.pk}
        for r in resource.quality_rules.all()
    ]
    seen = {(r["kind"], r["item_key"]) for r in own}
    defaults = [
        {**r, "default": True}
        for r in default_rules(resource)
        if (r["kind"], r["item_key"]) not in seen
    ]
    return own + defaults


def _clean_params(kind: str, params) -> dict:
    params = params if isinstance(params, dict) else {}
    if kind == QualityRule.Kind.CODE:
        code_kind = params.get("code_kind")
        if code_kind not in QualityRule.CODE_KINDS:
            raise error(X.RULE_PARAMS_INVALID, field="params")
        return {"code_kind": code_kind}
    if kind == QualityRule.Kind.ENUM:
        values = params.get("values")
        if isinstance(values, str):
            values = [v for v in (x.strip() for x in values.replace("，", ",").split(",")) if v]
        if (
            not isinstance(values, list)
            or not values
            or len(values) > 200
            or not all(isinstance(v, str) and 0 < len(v) <= 100 for v in values)
        ):
            raise error(X.RULE_PARAMS_INVALID, field="params")
        return {"values": sorted(set(values))}
    return {}


def add_rule(*, actor, resource: Resource, kind: str, item_key: str, params=None) -> QualityRule:
    core_permissions.check_perm(actor, SHARING_MANAGE_QUALITY, resource.provider)
    if kind not in QualityRule.Kind.values:
        raise error(X.RULE_KIND_INVALID, field="kind")
    if item_key not in set(resource.item_keys()):
        raise error(X.RULE_ITEM_UNKNOWN, field="item_key")
    params = _clean_params(kind, params)
    with transaction.atomic():
        rule, created = QualityRule.objects.update_or_create(
            resource=resource,
            kind=kind,
            item_key=item_key,
            defaults={
                "params": params,
                "created_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        audit.record(
            "sharing.quality_rule_added" if created else "sharing.quality_rule_changed",
            actor=actor,
            target=rule,
            org_unit=resource.provider,
            data={"resource": resource.code, "kind": kind, "item_key": item_key, "params": params},
        )
    return rule


def remove_rule(*, actor, rule: QualityRule) -> None:
    resource = rule.resource
    core_permissions.check_perm(actor, SHARING_MANAGE_QUALITY, resource.provider)
    with transaction.atomic():
        audit.record(
            "sharing.quality_rule_removed",
            actor=actor,
            target=rule,
            org_unit=resource.provider,
            data={"resource": resource.code, "kind": rule.kind, "item_key": rule.item_key},
        )
        rule.delete()


# --- checking ----------------------------------------------------------------------------------
def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _passes(rule: dict, value) -> bool:
    kind = rule["kind"]
    if kind == "required":
        return not _empty(value)
    if _empty(value):
        return True  # only "required" judges empty values
    if kind == "code":
        return codes.validate(rule["params"]["code_kind"], str(value)).valid
    if kind == "enum":
        text = "是" if value is True else "否" if value is False else str(value)
        return text in rule["params"]["values"]
    return True


def _rows(resource: Resource):
    """``(iterator of (label, row dict), last_updated_at, checkable)``."""
    limit = max_rows()
    if resource.backing == Resource.Backing.DATASET:
        version = DatasetVersion.objects.filter(resource=resource, is_current=True).first()
        if version is None:
            return iter(()), None, True
        rows = (
            DatasetRow.objects.filter(version=version)
            .order_by("line")
            .values_list("line", "lookup_value", "data")[:limit]
            .iterator(chunk_size=2000)
        )
        labelled = ((value or f"#{line}", data) for line, value, data in rows)
        return labelled, version.accepted_at, True
    registries = {
        Resource.Backing.PERSON_REGISTRY: (Person, sources.PERSON_FIELDS, "id_number"),
        Resource.Backing.ENTITY_REGISTRY: (LegalEntity, sources.ENTITY_FIELDS, "uscc"),
    }
    if resource.backing in registries:
        model, fields, key = registries[resource.backing]
        qs = model.objects.all()
        division = resource.provider.division_code
        if division:
            qs = qs.filter(division_code__startswith=sources._division_prefix(division))
        keys = [k for k in resource.item_keys() if k in fields]
        last = qs.aggregate(last=Max("updated_at"))["last"]
        values = (
            qs.order_by("pk")
            .values(key, *[fields[k] for k in keys])[:limit]
            .iterator(chunk_size=2000)
        )
        labelled = ((str(v[key]), {k: v[fields[k]] for k in keys}) for v in values)
        return labelled, last, True
    return iter(()), None, False


def freshness(resource: Resource, last_updated_at, now) -> bool | None:
    days = CYCLE_DAYS.get(resource.update_cycle)
    if days is None:
        return None
    if last_updated_at is None:
        return False
    return now - last_updated_at <= timedelta(days=days)


def _sample(resource: Resource, label: str) -> str:
    key = resource.lookup_key or "key"
    masked = masking.mask_data({key: label})[key]
    return str(masked)


def run_check(resource: Resource, *, actor=None, now=None) -> QualityReport:
    """Check ``resource`` against its effective rules and store the report."""
    if actor is not None:
        core_permissions.check_perm(actor, SHARING_MANAGE_QUALITY, resource.provider)
    now = now or timezone.now()
    rules = effective_rules(resource)
    results = [
        {
            "kind": r["kind"],
            "item_key": r["item_key"],
            "params": r["params"],
            "default": bool(r.get("default")),
            "failures": 0,
            "samples": [],
        }
        for r in rules
    ]
    rows, last_updated_at, checkable = _rows(resource)
    checked = failed = 0
    for label, row in rows:
        checked += 1
        bad = False
        for rule, result in zip(rules, results, strict=True):
            if not _passes(rule, row.get(rule["item_key"])):
                bad = True
                result["failures"] += 1
                if len(result["samples"]) < SAMPLES:
                    result["samples"].append(_sample(resource, label))
        failed += bad
    with transaction.atomic():
        report = QualityReport.objects.create(
            resource=resource,
            provider=resource.provider,
            checked_at=now,
            rows_checked=checked,
            rows_failed=failed,
            rows_checkable=checkable,
            results=results,
            last_updated_at=last_updated_at,
            fresh=freshness(resource, last_updated_at, now),
        )
        audit.record(
            "sharing.quality_checked",
            actor=actor,
            target=report,
            org_unit=resource.provider,
            data={
                "resource": resource.code,
                "rows_checked": checked,
                "rows_failed": failed,
                "fresh": report.fresh,
            },
        )
    return report


def run_all_checks(*, now=None) -> int:
    count = 0
    for resource in Resource.objects.filter(status=Resource.Status.PUBLISHED).select_related(
        "provider"
    ):
        run_check(resource, now=now)
        count += 1
    return count


# --- reading -----------------------------------------------------------------------------------
def latest_report(resource: Resource) -> QualityReport | None:
    return resource.quality_reports.order_by("-checked_at", "-pk").first()


def resources_for(user):
    """Resources whose quality the user may see (their department's, or all for the
    platform)."""
    return core_permissions.restrict(
        Resource.objects.select_related("provider", "provider__parent").exclude(
            status=Resource.Status.RETIRED
        ),
        user,
        SHARING_VIEW_QUALITY,
        field="provider",
    )


def access_resource(user, code: str) -> Resource:
    resource = resources_for(user).filter(code=code).first()
    if resource is None:
        from tongban.sharing.errors import SharingError
        from tongban.sharing.errors import error as sharing_error

        raise sharing_error(SharingError.RESOURCE_NOT_FOUND)
    return resource


def department_report(unit, *, today=None) -> dict:
    """The department's quality: each non-retired resource with its latest report, and
    totals (rows checked/failed, pass rate, stale resources, open and overdue error
    reports)."""
    today = today or timezone.localdate()
    resources = list(
        Resource.objects.filter(provider=unit)
        .exclude(status=Resource.Status.RETIRED)
        .order_by("code")
    )
    rows = [(r, latest_report(r)) for r in resources]
    checked = sum(rep.rows_checked for _, rep in rows if rep and rep.rows_checkable)
    failed = sum(rep.rows_failed for _, rep in rows if rep and rep.rows_checkable)
    open_reports = CorrectionReport.objects.filter(provider=unit, status__in=CorrectionReport.OPEN)
    return {
        "unit": unit,
        "resources": rows,
        "resources_checked": sum(1 for _, rep in rows if rep),
        "rows_checked": checked,
        "rows_failed": failed,
        "pass_rate": (checked - failed) / checked if checked else None,
        "stale": sum(1 for _, rep in rows if rep and rep.fresh is False),
        "open_corrections": open_reports.count(),
        "overdue_corrections": open_reports.filter(due_on__lt=today).count(),
    }
