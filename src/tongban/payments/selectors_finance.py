"""Reads of the finance console and API: order search, the dashboard, its SVG chart.

Everything is restricted to the reader's units (``payments.view_finance``): a finance
officer of 广州市公安局 sees that department's orders, refunds and differences only.
Amounts are integer fen; days are Beijing calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tongban.core import permissions
from tongban.core.models import OrgUnit
from tongban.payments.models import Payment, PaymentOrder, ReconciliationItem, Refund
from tongban.payments.models.orders import yuan
from tongban.payments.permissions_finance import PAYMENTS_VIEW_FINANCE
from tongban.payments.services.statements import day_bounds

MAX_DAYS = 62


def finance_units(user):
    """Active department units where ``user`` may read finance (for the unit filter)."""
    return (
        permissions.units_for(user, PAYMENTS_VIEW_FINANCE)
        .filter(kind=OrgUnit.Kind.DEPARTMENT)
        .select_related("parent")
        .order_by("code")
    )


def flagged_payments(user, *, limit: int = 20):
    """Payments whose callback reported another amount (money at the channel, order not
    paid) and that have no refund yet: finance decides what to do with the money."""
    payments = permissions.restrict(
        Payment.objects.filter(flag=Payment.Flag.AMOUNT_MISMATCH),
        user,
        PAYMENTS_VIEW_FINANCE,
        field="order__org_unit",
    ).exclude(refunds__status__in=Refund.RESERVING)
    return list(payments.select_related("order").order_by("-updated_at", "-pk")[:limit])


def search_orders(user, *, q: str = "", status: str = "", org_unit_id=None):
    """Orders of the reader's units, newest first; ``q`` matches the payment code, the
    reference or the payer's name."""
    orders = permissions.restrict(PaymentOrder.objects.all(), user, PAYMENTS_VIEW_FINANCE)
    q = (q or "").strip()
    if q:
        orders = orders.filter(Q(code__startswith=q) | Q(reference=q) | Q(payer_name__contains=q))
    if status in PaymentOrder.Status.values:
        orders = orders.filter(status=status)
    if org_unit_id:
        orders = orders.filter(org_unit_id=org_unit_id)
    return orders.select_related("org_unit__parent").order_by("-created_at", "-pk")


@dataclass
class DayRow:
    day: date
    paid_count: int = 0
    paid_amount: int = 0
    refunded_count: int = 0
    refunded_amount: int = 0
    open_differences: int = 0

    @property
    def net_amount(self) -> int:
        return self.paid_amount - self.refunded_amount


@dataclass
class UnitRow:
    org_unit: OrgUnit
    paid_count: int = 0
    paid_amount: int = 0
    refunded_amount: int = 0
    open_differences: int = 0

    @property
    def net_amount(self) -> int:
        return self.paid_amount - self.refunded_amount


@dataclass
class Dashboard:
    start: date
    end: date  # inclusive
    org_unit: OrgUnit | None
    days: list[DayRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    by_channel: dict = field(default_factory=dict)

    @property
    def paid_amount(self) -> int:
        return sum(row.paid_amount for row in self.days)

    @property
    def paid_count(self) -> int:
        return sum(row.paid_count for row in self.days)

    @property
    def refunded_amount(self) -> int:
        return sum(row.refunded_amount for row in self.days)

    @property
    def net_amount(self) -> int:
        return self.paid_amount - self.refunded_amount

    @property
    def open_differences(self) -> int:
        return sum(row.open_differences for row in self.days)


def dashboard(user, *, end: date | None = None, days: int = 14, org_unit_id=None) -> Dashboard:
    """Totals per day and per department over ``days`` days ending ``end`` (yesterday by
    default, the last day a statement can exist for)."""
    end = end or (timezone.localdate() - timedelta(days=1))
    days = max(1, min(int(days), MAX_DAYS))
    start = end - timedelta(days=days - 1)
    range_start, _unused = day_bounds(start)
    _unused, range_end = day_bounds(end)
    tz = timezone.get_default_timezone()
    unit = None
    if org_unit_id:
        unit = finance_units(user).filter(pk=org_unit_id).first()

    def scoped(queryset, field_name):
        queryset = permissions.restrict(queryset, user, PAYMENTS_VIEW_FINANCE, field=field_name)
        if org_unit_id:
            queryset = queryset.filter(**{f"{field_name}_id": org_unit_id})
        return queryset

    payments = scoped(
        Payment.objects.filter(
            status=Payment.Status.SUCCESS,
            settles_order=True,
            paid_at__gte=range_start,
            paid_at__lt=range_end,
        ),
        "order__org_unit",
    )
    refunds = scoped(
        Refund.objects.filter(
            status=Refund.Status.SUCCEEDED,
            completed_at__gte=range_start,
            completed_at__lt=range_end,
        ),
        "org_unit",
    )
    differences = scoped(
        ReconciliationItem.objects.filter(
            status=ReconciliationItem.Status.OPEN,
            run__statement_date__gte=start,
            run__statement_date__lte=end,
        ),
        "org_unit",
    )
    rows = {start + timedelta(days=n): DayRow(start + timedelta(days=n)) for n in range(days)}
    for row in (
        payments.annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"), total=Sum("amount"))
    ):
        if row["day"] in rows:
            rows[row["day"]].paid_count = row["n"]
            rows[row["day"]].paid_amount = int(row["total"] or 0)
    for row in (
        refunds.annotate(day=TruncDate("completed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"), total=Sum("amount"))
    ):
        if row["day"] in rows:
            rows[row["day"]].refunded_count = row["n"]
            rows[row["day"]].refunded_amount = int(row["total"] or 0)
    for row in differences.values("run__statement_date").annotate(n=Count("pk")):
        if row["run__statement_date"] in rows:
            rows[row["run__statement_date"]].open_differences = row["n"]

    units: dict[int, UnitRow] = {}
    unit_objects = {u.pk: u for u in finance_units(user)}

    def unit_row(pk):
        if pk not in units:
            org = unit_objects.get(pk) or OrgUnit.objects.select_related("parent").get(pk=pk)
            units[pk] = UnitRow(org)
        return units[pk]

    for row in payments.values("order__org_unit").annotate(n=Count("pk"), total=Sum("amount")):
        target = unit_row(row["order__org_unit"])
        target.paid_count, target.paid_amount = row["n"], int(row["total"] or 0)
    for row in refunds.values("org_unit").annotate(total=Sum("amount")):
        unit_row(row["org_unit"]).refunded_amount = int(row["total"] or 0)
    for row in differences.exclude(org_unit=None).values("org_unit").annotate(n=Count("pk")):
        unit_row(row["org_unit"]).open_differences = row["n"]
    by_channel = {
        row["channel"]: {"count": row["n"], "amount": int(row["total"] or 0)}
        for row in payments.values("channel").annotate(n=Count("pk"), total=Sum("amount"))
    }
    return Dashboard(
        start=start,
        end=end,
        org_unit=unit,
        days=[rows[key] for key in sorted(rows)],
        units=sorted(units.values(), key=lambda u: u.org_unit.code),
        by_channel=by_channel,
    )


def bar_chart_svg(board: Dashboard, *, title: str, paid_label: str, refunded_label: str) -> str:
    """Daily collected (blue) and refunded (orange) amounts as an accessible inline SVG
    (scales to the width of its container, no script, no external assets)."""
    width, height, left, bottom, top = 640, 300, 84, 52, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(
        [row.paid_amount for row in board.days]
        + [row.refunded_amount for row in board.days]
        + [100]
    )
    step = plot_w / max(1, len(board.days))
    bar = max(2.0, step * 0.35)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="finance-chart" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#555"/>',
    ]
    for fraction in (0.5, 1.0):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="18" text-anchor="end">'
            f"{escape(yuan(int(peak * fraction)))}</text>"
        )
    label_every = max(1, -(-len(board.days) // 5))
    for index, row in enumerate(board.days):
        x = left + index * step + (step - 2 * bar) / 2
        for offset, amount, colour, label in (
            (0, row.paid_amount, "#1f5fa8", paid_label),
            (bar, row.refunded_amount, "#d9822b", refunded_label),
        ):
            h = plot_h * amount / peak
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{row.day:%m-%d} {escape(label)} '
                f"{escape(yuan(amount))}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar:.1f}" y="{height - bottom + 22}" font-size="18" '
                f'text-anchor="middle">{row.day:%m-%d}</text>'
            )
    parts.append(
        f'<rect x="{left}" y="{height - 18}" width="14" height="14" fill="#1f5fa8"/>'
        f'<text x="{left + 20}" y="{height - 5}" font-size="18">{escape(paid_label)}</text>'
        f'<rect x="{left + 120}" y="{height - 18}" width="14" height="14" fill="#d9822b"/>'
        f'<text x="{left + 140}" y="{height - 5}" font-size="18">{escape(refunded_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
