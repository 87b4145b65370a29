"""Reconciliation (对账): match a channel's daily statement with the platform's records.

``reconcile(channel, day, actor=...)`` fetches (or reuses) the day's statement and writes one
``ReconciliationItem`` per statement line and per platform record of that channel and day:

- payments: ``Payment`` rows of the channel with ``status=success`` and ``paid_at`` in the
  Beijing calendar day, and those flagged ``amount_mismatch`` by that day's callback
  (``statements.payments_of_day``), keyed by the platform trade number (``trade_no``) and
  checked against the line's payment code (缴款码) — a line matches a payment only when both
  agree;
- refunds: ``Refund`` rows of payments of the channel that ``succeeded`` that day, keyed by
  the refund number.

Outcome per key: ``matched`` (amounts equal), ``amount_mismatch`` (same trade, different
amount), ``missing_at_platform`` (the channel took money the platform has no record of — also a
second line with the same trade number), ``missing_at_channel`` (the platform recorded money
the channel's file does not show). Differences are ``open`` until a finance officer of the
department resolves them with a note (``resolve_item``, audited).

Payments are matched by a merge join over both sides sorted by trade number (streamed, so a
million rows need no more memory than a batch); refunds are few and matched in memory.

Cut-off: a payment the channel books on the next day shows as missing at channel on one day
and missing at platform on the next; finance resolves both with a note.

A run is complete once per channel and day (idempotent: reconciling again returns it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Collate
from django.utils import timezone

from tongban.core import audit, permissions
from tongban.core.exceptions import DomainError
from tongban.core.models import OrgUnit
from tongban.payments.errors_finance import FinanceError, error
from tongban.payments.models import (
    Channel,
    PaymentOrder,
    ReconciliationItem,
    ReconciliationRun,
    Refund,
    StatementFile,
    StatementLine,
)
from tongban.payments.permissions_finance import (
    PAYMENTS_RESOLVE_DIFFERENCE,
    PAYMENTS_VIEW_FINANCE,
)
from tongban.payments.services import statements

Kind = ReconciliationItem.Kind
ItemStatus = ReconciliationItem.Status
BATCH = 5000
NOTE_MAX = 500


# --- reads -------------------------------------------------------------------------------------
def items_for(user, permission: str = PAYMENTS_VIEW_FINANCE):
    return ReconciliationItem.objects.restrict(user, permission)


def access_run(run_id) -> ReconciliationRun:
    run = ReconciliationRun.objects.filter(pk=run_id).first() if str(run_id).isdigit() else None
    if run is None:
        raise error(FinanceError.RUN_NOT_FOUND)
    return run


def access_item(user, item_id, permission: str = PAYMENTS_VIEW_FINANCE) -> ReconciliationItem:
    item = None
    if str(item_id).isdigit():
        item = (
            items_for(user, permission)
            .select_related("run", "org_unit__parent", "payment", "line")
            .filter(pk=item_id)
            .first()
        )
    if item is None:
        raise error(FinanceError.ITEM_NOT_FOUND)
    return item


def _empty_summary() -> dict:
    return {
        kind: {"count": 0, "platform_amount": 0, "channel_amount": 0, "open": 0} for kind in Kind
    }


def run_summaries(runs, user=None) -> dict[int, dict]:
    """``{run id: summary}`` for several runs in one query (see ``run_summary``)."""
    run_ids = [run.pk for run in runs]
    items = ReconciliationItem.objects.all() if user is None else items_for(user)
    summaries = {run_id: _empty_summary() for run_id in run_ids}
    rows = (
        items.filter(run_id__in=run_ids)
        .values("run_id", "kind")
        .annotate(
            count=Count("pk"),
            platform_amount=Sum("platform_amount"),
            channel_amount=Sum("channel_amount"),
            open=Count("pk", filter=Q(status=ItemStatus.OPEN)),
        )
    )
    for row in rows:
        summaries[row["run_id"]][row["kind"]] = {
            "count": row["count"],
            "platform_amount": int(row["platform_amount"] or 0),
            "channel_amount": int(row["channel_amount"] or 0),
            "open": row["open"],
        }
    return summaries


def run_summary(run: ReconciliationRun, user=None) -> dict:
    """Counts and amounts per outcome, over the items ``user`` may see (all when None)."""
    return run_summaries([run], user)[run.pk]


# --- matching ----------------------------------------------------------------------------------
def _sorted_by_trade_no(queryset, field: str = "trade_no"):
    """Order by ``field`` in code-point order (what Python's ``<`` compares) on every backend."""
    if connection.vendor == "postgresql":
        return queryset.order_by(Collate(field, "C"), "pk")
    return queryset.order_by(field, "pk")  # SQLite compares text as bytes (UTF-8 = code points)


# Columns written per item (everything else keeps its default: not resolved yet).
_COLUMNS = (
    "run_id",
    "org_unit_id",
    "kind",
    "status",
    "record_type",
    "trade_no",
    "payment_code",
    "payment_id",
    "refund_id",
    "line_id",
    "platform_amount",
    "channel_amount",
    "fee",
    "resolution_note",
    "resolved_by_name",
)


def _item(kind, **fields) -> dict:
    return {
        "org_unit_id": None,
        "record_type": "PAY",
        "trade_no": "",
        "payment_code": "",
        "payment_id": None,
        "refund_id": None,
        "line_id": None,
        "platform_amount": None,
        "channel_amount": None,
        "fee": 0,
        **fields,
        "kind": kind,
    }


class _Writer:
    """Buffers items and inserts them in batches with one parameterised INSERT (a million
    model instances would cost more than the matching); counts outcomes."""

    def __init__(self, run: ReconciliationRun):
        self.run = run
        self.buffer: list[tuple] = []
        self.counts: Counter = Counter()
        self.orphans: list[dict] = []  # org unit still to find
        table = connection.ops.quote_name(ReconciliationItem._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
        placeholders = ", ".join(["%s"] * len(_COLUMNS))
        # identifiers come from the model and are quoted; every value is a parameter
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def _row(self, item: dict) -> tuple:
        status = ItemStatus.MATCHED if item["kind"] == Kind.MATCHED else ItemStatus.OPEN
        return (
            self.run.pk,
            item["org_unit_id"],
            str(item["kind"]),
            str(status),
            item["record_type"],
            item["trade_no"],
            item["payment_code"],
            item["payment_id"],
            item["refund_id"],
            item["line_id"],
            item["platform_amount"],
            item["channel_amount"],
            item["fee"],
            "",
            "",
        )

    def add(self, item: dict, *, orphan: bool = False) -> None:
        self.counts[item["kind"]] += 1
        if orphan:
            self.orphans.append(item)
            return
        self.buffer.append(self._row(item))
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.buffer)
            self.buffer = []

    def finish(self) -> None:
        if self.orphans:
            _assign_org_units(self.orphans)
            self.buffer.extend(self._row(item) for item in self.orphans)
            self.orphans = []
        self.flush()


def _assign_org_units(items: list[dict]) -> None:
    """Lines no platform record explains: the department of the order with that payment
    code, else the region of the code's division, else none (superusers only)."""
    codes = sorted({item["payment_code"] for item in items if item["payment_code"]})
    by_code: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        by_code.update(
            PaymentOrder.objects.filter(code__in=chunk).values_list("code", "org_unit_id")
        )
    divisions = {code[:6] for code in codes if code[:6].isdigit()}
    regions = dict(
        OrgUnit.objects.filter(
            division_code__in=divisions,
            kind__in=[OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY],
        ).values_list("division_code", "pk")
    )
    for item in items:
        code = item["payment_code"]
        item["org_unit_id"] = by_code.get(code) or regions.get(code[:6])


def _match_payments(run, statement, start, end, writer: _Writer) -> None:
    lines = _sorted_by_trade_no(
        StatementLine.objects.filter(statement=statement, kind=StatementLine.Kind.PAYMENT)
    ).values_list("pk", "trade_no", "payment_code", "amount", "fee")
    payments = _sorted_by_trade_no(statements.payments_of_day(run.channel, start, end)).values_list(
        "pk", "trade_no", "amount", "order__code", "order__org_unit_id"
    )
    line_iter = lines.iterator(chunk_size=BATCH)
    pay_iter = payments.iterator(chunk_size=BATCH)
    line = next(line_iter, None)
    pay = next(pay_iter, None)
    while line is not None or pay is not None:
        if pay is None or (line is not None and line[1] < pay[1]):
            # a line the platform cannot explain (or a second line for a matched trade)
            writer.add(_line_item(line, Kind.MISSING_AT_PLATFORM), orphan=True)
            line = next(line_iter, None)
            continue
        if line is None or pay[1] < line[1]:
            writer.add(_payment_item(pay, Kind.MISSING_AT_CHANNEL))
            pay = next(pay_iter, None)
            continue
        # same trade number
        line_pk, trade_no, code, channel_amount, fee = line
        pay_pk, _trade, platform_amount, order_code, org_unit_id = pay
        if code != order_code:
            writer.add(_line_item(line, Kind.MISSING_AT_PLATFORM), orphan=True)
            writer.add(_payment_item(pay, Kind.MISSING_AT_CHANNEL))
        else:
            kind = Kind.MATCHED if channel_amount == platform_amount else Kind.AMOUNT_MISMATCH
            writer.add(
                _item(
                    kind,
                    org_unit_id=org_unit_id,
                    trade_no=trade_no,
                    payment_code=code,
                    payment_id=pay_pk,
                    line_id=line_pk,
                    platform_amount=platform_amount,
                    channel_amount=channel_amount,
                    fee=fee,
                )
            )
        # trade numbers are unique on the platform: a further line with this one sorts
        # before the next payment and counts as missing at platform (a duplicate charge)
        line = next(line_iter, None)
        pay = next(pay_iter, None)


def _line_item(line, kind, record_type="PAY") -> dict:
    line_pk, trade_no, code, amount, fee = line
    return _item(
        kind,
        record_type=record_type,
        trade_no=trade_no,
        payment_code=code,
        line_id=line_pk,
        channel_amount=amount,
        fee=fee,
    )


def _payment_item(pay, kind) -> dict:
    pay_pk, trade_no, amount, order_code, org_unit_id = pay
    return _item(
        kind,
        org_unit_id=org_unit_id,
        trade_no=trade_no,
        payment_code=order_code,
        payment_id=pay_pk,
        platform_amount=amount,
    )


def _match_refunds(run, statement, start, end, writer: _Writer) -> None:
    refunds = {
        refund_no: (pk, amount, code, org_unit_id)
        for refund_no, pk, amount, code, org_unit_id in Refund.objects.filter(
            payment__channel=run.channel,
            status=Refund.Status.SUCCEEDED,
            completed_at__gte=start,
            completed_at__lt=end,
        ).values_list("refund_no", "pk", "amount", "order__code", "org_unit_id")
    }
    lines = StatementLine.objects.filter(
        statement=statement, kind=StatementLine.Kind.REFUND
    ).order_by("line_no")
    for line in lines.values_list("pk", "trade_no", "payment_code", "amount", "fee"):
        line_pk, refund_no, code, channel_amount, fee = line
        found = refunds.get(refund_no)
        if found is None or found[2] != code:
            writer.add(_line_item(line, Kind.MISSING_AT_PLATFORM, "REFUND"), orphan=True)
            continue
        del refunds[refund_no]
        refund_pk, platform_amount, _code, org_unit_id = found
        writer.add(
            _item(
                Kind.MATCHED if platform_amount == channel_amount else Kind.AMOUNT_MISMATCH,
                org_unit_id=org_unit_id,
                record_type="REFUND",
                trade_no=refund_no,
                payment_code=code,
                refund_id=refund_pk,
                line_id=line_pk,
                platform_amount=platform_amount,
                channel_amount=channel_amount,
                fee=fee,
            )
        )
    for refund_no, (refund_pk, amount, code, org_unit_id) in refunds.items():
        writer.add(
            _item(
                Kind.MISSING_AT_CHANNEL,
                org_unit_id=org_unit_id,
                record_type="REFUND",
                trade_no=refund_no,
                payment_code=code,
                refund_id=refund_pk,
                platform_amount=amount,
            )
        )


def check_day(channel: str, day) -> date:
    if channel not in Channel.values:
        raise error(FinanceError.CHANNEL_UNKNOWN, field="channel")
    if not isinstance(day, date) or day >= timezone.localdate():
        raise error(FinanceError.STATEMENT_DATE_INVALID, field="date")
    return day


def reconcile_statement(statement: StatementFile, *, actor) -> ReconciliationRun:
    """Match a stored statement (one completed run per channel and day; idempotent)."""
    existing = ReconciliationRun.objects.filter(
        channel=statement.channel,
        statement_date=statement.statement_date,
        status=ReconciliationRun.Status.COMPLETED,
    ).first()
    if existing is not None:
        return existing
    start, end = statements.day_bounds(statement.statement_date)
    try:
        with transaction.atomic():
            run = ReconciliationRun.objects.create(
                channel=statement.channel,
                statement_date=statement.statement_date,
                statement=statement,
                status=ReconciliationRun.Status.COMPLETED,
                started_by_name=str(actor) if actor else "system",
                started_at=timezone.now(),
            )
            writer = _Writer(run)
            _match_payments(run, statement, start, end, writer)
            _match_refunds(run, statement, start, end, writer)
            writer.finish()
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
            _record_completed(run, writer.counts, actor)
    except IntegrityError:  # another worker completed the same day first: theirs stands
        existing = ReconciliationRun.objects.filter(
            channel=statement.channel,
            statement_date=statement.statement_date,
            status=ReconciliationRun.Status.COMPLETED,
        ).first()
        if existing is None:
            raise
        return existing
    return run


def _record_completed(run, counts: Counter, actor) -> None:
    audit.record(
        "payments.reconciliation_completed",
        actor=actor,
        target=run,
        data={
            "channel": run.channel,
            "date": run.statement_date.isoformat(),
            "statement_sm3": run.statement.sm3 if run.statement_id else "",
            "counts": {kind: counts.get(kind, 0) for kind in Kind.values},
        },
    )
    # one event per department with differences, so each department's audit trail shows them
    per_unit: dict = defaultdict(Counter)
    rows = (
        run.items.filter(kind__in=ReconciliationItem.DIFFERENCES)
        .values("org_unit_id", "kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        per_unit[row["org_unit_id"]][row["kind"]] = row["n"]
    for org_unit_id, unit_counts in per_unit.items():
        audit.record(
            "payments.reconciliation_differences_found",
            actor=actor,
            target=run,
            org_unit=OrgUnit.objects.filter(pk=org_unit_id).first() if org_unit_id else None,
            data={"channel": run.channel, "date": run.statement_date.isoformat(), **unit_counts},
        )


def reconcile(channel: str, day: date, *, actor) -> ReconciliationRun:
    """Fetch the day's statement of ``channel`` (if not stored yet) and reconcile it."""
    check_day(channel, day)
    existing = ReconciliationRun.objects.filter(
        channel=channel, statement_date=day, status=ReconciliationRun.Status.COMPLETED
    ).first()
    if existing is not None:
        return existing
    statement = statements.fetch_statement(channel, day, actor=actor)
    return reconcile_statement(statement, actor=actor)


def record_failed_run(channel: str, day: date, exc: DomainError, *, actor) -> ReconciliationRun:
    """Keep a failed attempt visible (one per channel, day and error code)."""
    with transaction.atomic():
        run, created = ReconciliationRun.objects.get_or_create(
            channel=channel,
            statement_date=day,
            status=ReconciliationRun.Status.FAILED,
            error_code=exc.code,
            defaults={
                "error_message": exc.message[:300],
                "started_by_name": str(actor) if actor else "system",
                "started_at": timezone.now(),
                "finished_at": timezone.now(),
            },
        )
        if created:
            audit.record(
                "payments.reconciliation_failed",
                actor=actor,
                target=run,
                data={"channel": channel, "date": day.isoformat(), "code": exc.code},
            )
    return run


# --- resolving differences ----------------------------------------------------------------------
def resolve_item(item: ReconciliationItem, *, actor, note: str) -> ReconciliationItem:
    """Close an open difference with a note (who and why are audited)."""
    if not permissions.has_perm_in(actor, PAYMENTS_RESOLVE_DIFFERENCE, item.org_unit):
        raise error(FinanceError.NOT_FINANCE_OF_UNIT)
    note = " ".join(str(note or "").split())
    if not note:
        raise error(FinanceError.NOTE_REQUIRED, field="note")
    if len(note) > NOTE_MAX:
        raise error(FinanceError.NOTE_TOO_LONG, field="note")
    with transaction.atomic():
        now = timezone.now()
        done = ReconciliationItem.objects.filter(pk=item.pk, status=ItemStatus.OPEN).update(
            status=ItemStatus.RESOLVED,
            resolution_note=note,
            resolved_by=actor,
            resolved_by_name=str(actor),
            resolved_at=now,
        )
        if done != 1:
            raise error(FinanceError.ITEM_NOT_OPEN)
        item.refresh_from_db()
        audit.record(
            "payments.reconciliation_item_resolved",
            actor=actor,
            target=item,
            org_unit=item.org_unit,
            data={
                "run": item.run_id,
                "kind": item.kind,
                "trade_no": item.trade_no,
                "payment_code": item.payment_code,
                "platform_amount": item.platform_amount,
                "channel_amount": item.channel_amount,
                "note": note,
                "old": ItemStatus.OPEN,
                "new": ItemStatus.RESOLVED,
            },
        )
    return item


__all__ = [
    "access_item",
    "access_run",
    "items_for",
    "reconcile",
    "reconcile_statement",
    "record_failed_run",
    "resolve_item",
    "run_summary",
]
