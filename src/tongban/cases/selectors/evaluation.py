"""Reads of 好差评: rating summaries per item and per department, and rectification items
restricted to the staff member's org units."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as DbCase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case as DomainCase
from tongban.cases.models import Evaluation, Rectification
from tongban.core.exceptions import NotFound
from tongban.core.models import OrgUnit
from tongban.core.permissions import CASES_VIEW_CASE, access_object, restrict
from tongban.core.permissions import Errors as PermErrors

GOOD_LEVEL_MIN = Evaluation.Level.BASICALLY_SATISFIED  # 好评: 非常满意, 满意, 基本满意


@dataclass(frozen=True)
class RatingSummary:
    """Aggregate of ratings: how many, the average level (1–5) and the share of good ones."""

    count: int = 0
    average: float | None = None  # rounded to 0.1
    good_rate: float | None = None  # percent, rounded to 0.1
    levels: dict[int, int] = field(default_factory=dict)  # level -> count

    @property
    def good_count(self) -> int:
        return sum(n for level, n in self.levels.items() if level >= GOOD_LEVEL_MIN)


def _summary(evaluations: QuerySet) -> RatingSummary:
    counts = dict(
        evaluations.order_by()
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    total = sum(counts.values())
    if not total:
        return RatingSummary()
    average = sum(level * n for level, n in counts.items()) / total
    good = sum(n for level, n in counts.items() if level >= GOOD_LEVEL_MIN)
    return RatingSummary(
        count=total,
        average=round(average, 1),
        good_rate=round(100 * good / total, 1),
        levels={level: counts.get(level, 0) for level in sorted(Evaluation.Level.values)},
    )


def item_rating(item) -> RatingSummary:
    """Ratings of every case filed under ``item`` (all versions and implementations) —
    public figures for the catalogue guide page."""
    return _summary(Evaluation.objects.filter(case__implementation__item=item))


def unit_rating(org_unit: OrgUnit) -> RatingSummary:
    return _summary(Evaluation.objects.filter(case__org_unit=org_unit))


@dataclass(frozen=True)
class UnitFigures:
    org_unit: OrgUnit
    count: int
    average: float | None
    good_rate: float | None
    open_rectifications: int
    overdue_rectifications: int


def unit_figures(user, today=None) -> list[UnitFigures]:
    """Per department within the user's reach: rating count, average, good rate and the
    open / overdue rectification items. Two grouped queries plus one for the units."""
    today = today or timezone.localdate()
    ratings = {
        row["case__org_unit"]: row
        for row in restrict(Evaluation.objects.all(), user, CASES_VIEW_CASE)
        .order_by()
        .values("case__org_unit")
        .annotate(
            n=Count("id"),
            avg=Avg("level"),
            good=Count("id", filter=Q(level__gte=GOOD_LEVEL_MIN)),
        )
    }
    rectifications = {
        row["org_unit"]: row
        for row in restrict(Rectification.objects.all(), user, CASES_VIEW_CASE)
        .exclude(status=Rectification.Status.CLOSED)
        .order_by()
        .values("org_unit")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
    }
    unit_ids = set(ratings) | set(rectifications)
    units = OrgUnit.objects.filter(pk__in=unit_ids).select_related("parent").order_by("code")
    figures = []
    for unit in units:
        rating = ratings.get(unit.pk)
        rect = rectifications.get(unit.pk)
        n = rating["n"] if rating else 0
        figures.append(
            UnitFigures(
                org_unit=unit,
                count=n,
                average=round(rating["avg"], 1) if n else None,
                good_rate=round(100 * rating["good"] / n, 1) if n else None,
                open_rectifications=rect["n"] if rect else 0,
                overdue_rectifications=rect["overdue"] if rect else 0,
            )
        )
    return figures


def rectifications_for(user, *, status: str = "", overdue: bool = False, today=None) -> QuerySet:
    """Rectification items of the units where ``user`` may view cases, soonest due first."""
    queryset = restrict(Rectification.objects.all(), user, CASES_VIEW_CASE).select_related(
        "evaluation__case__implementation__item", "org_unit__parent"
    )
    if status in Rectification.Status.values:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.exclude(status=Rectification.Status.CLOSED).filter(
            deadline__lt=today or timezone.localdate()
        )
    closed_last = DbCase(
        When(status=Rectification.Status.CLOSED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.order_by(closed_last, "deadline", "id")


def access_rectification(user, rectification_id, permission: str = CASES_VIEW_CASE):
    """The rectification item if ``user`` may reach it, else ``NotFound`` (404)."""
    try:
        rectification_id = int(rectification_id)
    except (TypeError, ValueError):
        rectification_id = 0
    return access_object(
        Rectification.objects.select_related(
            "evaluation__case__implementation__item", "org_unit__parent"
        ),
        user,
        permission,
        pk=rectification_id,
    )


def evaluation_of(case) -> Evaluation | None:
    return Evaluation.objects.filter(case=case).first()


def applicant_case(user, number: str):
    """The applicant's own case by number (rating is for the applicant only); ``NotFound``
    (404) for anyone else, so other people's case numbers do not leak."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotFound(PermErrors.NOT_FOUND, _("未找到该办件。"))
    case = (
        DomainCase.objects.select_related("implementation__item", "org_unit__parent")
        .filter(number=number or None, applicant=user)
        .first()
    )
    if case is None:
        raise NotFound(PermErrors.NOT_FOUND, _("未找到该办件。"))
    return case


def concluded_cases_of(user) -> QuerySet:
    """The applicant's concluded cases, newest first, each with its rating (if any)."""
    return (
        DomainCase.objects.filter(applicant=user, status=DomainCase.Status.CONCLUDED)
        .select_related("implementation__item", "org_unit__parent", "evaluation")
        .order_by("-concluded_at", "-id")
    )
