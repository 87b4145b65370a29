"""E-licence metrics per service item and department (电子证照率, 免提交率), from records.

``licence_metrics(since=None, until=None, org_units=None)`` returns one row per (item,
handling department) — the figures the metrics work reports:

电子证照率 (``licence_rate``)
    Of the cases **approved and concluded** in the period (``concluded_at``) whose item version
    has outputs (``ItemVersion.outputs``, licence-type keys), the share for which at least one
    licence was issued (``Licence.source_case``). A concluded case is approved when none of its
    review tasks was denied (a denial is the only way to ``denied`` → concluded).
免提交率 (``exemption_rate``)
    Of the current materials (``CaseMaterial`` not replaced) of the cases submitted in the
    period (``submitted_at``), the share taken from the applicant's licence wallet
    (``source = "licence"``) instead of uploaded. ``licence_eligible_materials`` counts those
    whose catalogue material could have been a licence (``Material.licence_type_key``); the
    rate against that smaller base is ``eligible_exemption_rate``.

Rates are ``None`` when the base is zero (no such cases or materials), never a division by
zero shown as 0 %. The cases app reads licences here (licences never import cases).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Exists, OuterRef, Q

from tongban.cases.models import Case, CaseMaterial, CaseTask


@dataclass
class LicenceMetricsRow:
    item_id: int
    item_key: str
    item_name: str
    department_id: int
    department_name: str
    concluded_cases: int = 0  # concluded in the period (approved or denied)
    approved_with_outputs: int = 0  # base of 电子证照率
    issued_as_licence: int = 0
    materials: int = 0  # base of 免提交率
    materials_from_licences: int = 0
    licence_eligible_materials: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def licence_rate(self) -> float | None:
        return self._rate(self.issued_as_licence, self.approved_with_outputs)

    @property
    def exemption_rate(self) -> float | None:
        return self._rate(self.materials_from_licences, self.materials)

    @property
    def eligible_exemption_rate(self) -> float | None:
        return self._rate(self.materials_from_licences, self.licence_eligible_materials)

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "licence_rate": self.licence_rate,
            "exemption_rate": self.exemption_rate,
            "eligible_exemption_rate": self.eligible_exemption_rate,
        }


def _period(field: str, since: dt.datetime | None, until: dt.datetime | None) -> Q:
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": since})
    if until is not None:
        q &= Q(**{f"{field}__lt": until})
    return q


def _versions_with_outputs(version_ids) -> set[int]:
    from tongban.catalog.models import ItemVersion

    return {
        pk
        for pk, outputs in ItemVersion.objects.filter(pk__in=set(version_ids)).values_list(
            "pk", "outputs"
        )
        if outputs
    }


def licence_metrics(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    org_units=None,
) -> list[LicenceMetricsRow]:
    """Rows per (item, department), ordered by department then item name. ``since``/``until``
    bound the period (``until`` exclusive); ``org_units`` limits the departments (ids or
    instances)."""
    from tongban.licences.models import Licence

    cases = Case.objects.all()
    if org_units is not None:
        cases = cases.filter(org_unit__in=list(org_units))
    rows: dict[tuple[int, int], LicenceMetricsRow] = {}

    def row(item_id, org_unit_id) -> LicenceMetricsRow:
        key = (item_id, org_unit_id)
        if key not in rows:
            rows[key] = LicenceMetricsRow(item_id, "", "", org_unit_id, "")
        return rows[key]

    # 电子证照率: approved + concluded cases with outputs, and those with an issued licence.
    concluded = cases.filter(
        Q(status=Case.Status.CONCLUDED) & _period("concluded_at", since, until)
    )
    denied = CaseTask.objects.filter(case=OuterRef("pk"), status=CaseTask.Status.DENIED)
    issued = Licence.objects.filter(source_case=OuterRef("pk"))
    grouped = (
        concluded.annotate(was_denied=Exists(denied), has_licence=Exists(issued))
        .values("item_version__item_id", "org_unit_id", "item_version_id")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(was_denied=False)),
            with_licence=Count("pk", filter=Q(was_denied=False, has_licence=True)),
        )
    )
    grouped = list(grouped)
    with_outputs = _versions_with_outputs(g["item_version_id"] for g in grouped)
    for g in grouped:
        target = row(g["item_version__item_id"], g["org_unit_id"])
        target.concluded_cases += g["total"]
        if g["item_version_id"] in with_outputs:
            target.approved_with_outputs += g["approved"]
            target.issued_as_licence += g["with_licence"]

    # 免提交率: current materials of the cases submitted in the period.
    materials = (
        CaseMaterial.objects.current()
        .filter(
            case__in=cases.filter(
                Q(submitted_at__isnull=False) & _period("submitted_at", since, until)
            )
        )
        .values("case__item_version__item_id", "case__org_unit_id")
        .annotate(
            total=Count("pk"),
            from_licences=Count("pk", filter=Q(source=CaseMaterial.Source.LICENCE)),
            eligible=Count(
                "pk", filter=Q(material__isnull=False) & ~Q(material__licence_type_key="")
            ),
        )
    )
    for g in materials:
        target = row(g["case__item_version__item_id"], g["case__org_unit_id"])
        target.materials += g["total"]
        target.materials_from_licences += g["from_licences"]
        target.licence_eligible_materials += g["eligible"]

    _add_names(rows.values())
    return sorted(rows.values(), key=lambda r: (r.department_name, r.item_name, r.item_id))


def _add_names(rows) -> None:
    from tongban.catalog.models import ServiceItem
    from tongban.core.models import OrgUnit

    rows = list(rows)
    items = {
        pk: (key, name)
        for pk, key, name in ServiceItem.objects.filter(
            pk__in={r.item_id for r in rows}
        ).values_list("pk", "key", "name")
    }
    units = {
        unit.pk: unit.full_name
        for unit in OrgUnit.objects.filter(pk__in={r.department_id for r in rows}).select_related(
            "parent"
        )
    }
    for r in rows:
        r.item_key, r.item_name = items.get(r.item_id, ("", ""))
        r.department_name = units.get(r.department_id, "")
