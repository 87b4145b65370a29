"""Reconciling a channel's statement ÷ a plain SQL join of the same rows (the cost of our logic).

    .venv/bin/python bench/bench_reconciliation.py [--rows 50000] [--database-url URL]
    .venv/bin/python bench/bench_reconciliation.py --rows 1000000     # the issue's size

Default: 50 000 statement rows (well under a minute with set-up); ``--rows 1000000``
runs the issue's million (set-up then takes several minutes and ~1 GB of disk for SQLite).

Set-up (not timed): one department, ``rows`` paid orders with one successful WeChat payment
each on the same day, and a stored statement of that day with one line per payment, except
that 0.1 % of the lines carry another amount, 0.1 % of the payments have no line and 0.1 %
of the lines have no payment.

Timed side by side in one run against the same tables:

- plain: ``SELECT … FROM statement lines JOIN payments ON trade_no`` (the payments of the
  channel and day), every joined row fetched to Python and nothing written;
- ours: ``reconciliation.reconcile_statement()`` — the merge join of both sides sorted by
  trade number, payment code check, one ``ReconciliationItem`` written per line or payment
  (matched, missing at platform, missing at channel, amount mismatch), the audit events.

Prints both times, rows per second and the ratio. Shared machines are noisy: read the ratio of
one run, not absolute numbers across runs.
"""

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _django_setup import setup_django

BATCH = 5000


def ensure_payment_tables() -> None:
    """Until the payments migrations exist, build the app's tables directly."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    models = [m for m in apps.get_app_config("payments").get_models() if m._meta.managed]
    missing = [m for m in models if m._meta.db_table not in existing]
    if not missing:
        return
    with connection.schema_editor() as editor:
        pending = list(missing)
        while pending:  # create referenced tables first
            progressed = False
            for model in list(pending):
                targets = {
                    f.related_model
                    for f in model._meta.fields
                    if f.is_relation and f.related_model in pending and f.related_model is not model
                }
                if not targets:
                    editor.create_model(model)
                    pending.remove(model)
                    progressed = True
            if not progressed:
                raise RuntimeError(f"cannot order table creation: {pending}")


def insert_rows(model, columns, rows) -> None:
    """Plain parameterised INSERTs (set-up only; faster than model instances). Columns not
    named get the field's default, so the set-up survives new fields with defaults."""
    from django.db import connection

    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns and not field.primary_key and not field.null
    ]
    if extra:
        defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in extra)
        columns = tuple(columns) + tuple(field.column for field in extra)
        rows = [tuple(row) + defaults for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def build(rows: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from tongban.core.models import OrgUnit
    from tongban.payments.models import Payment, PaymentOrder, StatementFile, StatementLine
    from tongban.payments.services.statements import day_bounds, fee_for

    day = timezone.localdate() - timedelta(days=1)
    start, _end = day_bounds(day)
    stamp = connection.ops.adapt_datetimefield_value
    region = OrgUnit.objects.create(
        code="440100", name="广州市", kind="city", division_code="440100", path="/"
    )
    region.path = f"/{region.pk}/"
    region.save(update_fields=["path"])
    unit = OrgUnit.objects.create(
        code="440100-公安局",
        name="公安局",
        kind="department",
        division_code="440100",
        parent=region,
        path=f"/{region.pk}/",
    )
    unit.path = f"/{region.pk}/{unit.pk}/"
    unit.save(update_fields=["path"])
    every = 1000  # 0.1 % of each kind of difference
    now = stamp(timezone.now())
    expires = stamp(start + timedelta(days=1))
    items = json.dumps([{"name": "证件费", "amount": 6000}], ensure_ascii=False)
    order_columns = (
        "id", "code", "org_unit_id", "title", "payer_name", "payer_id_number", "items", "amount",
        "status", "reference", "source", "expires_at", "paid_at", "paid_amount",
        "cancel_reason", "created_at", "updated_at", "client_id",
    )  # fmt: skip
    payment_columns = (
        "id", "order_id", "channel", "trade_no", "channel_trade_no", "amount", "status",
        "settles_order", "flag", "created_at", "updated_at", "paid_at",
    )  # fmt: skip
    line_columns = (
        "statement_id", "line_no", "kind", "occurred_at", "trade_no", "channel_trade_no",
        "payment_code", "amount", "fee",
    )  # fmt: skip
    with transaction.atomic():
        statement = StatementFile.objects.create(
            channel="wechat",
            statement_date=day,
            file_name="bench.csv",
            content=b"",
            sm3="0" * 64,
            row_count=rows,
            fetched_at=timezone.now(),
        )
        for first in range(0, rows, BATCH):
            numbers = range(first, min(rows, first + BATCH))
            paid = {n: stamp(start + timedelta(seconds=n % 86000)) for n in numbers}
            insert_rows(
                PaymentOrder,
                order_columns,
                [
                    (n + 1, f"44010026{n:011d}0", unit.pk, "往来港澳通行证签发", "张三", "",
                     items, 6000, "success", "", "api", expires, paid[n], 6000, "", now, now, "")
                    for n in numbers
                ],
            )  # fmt: skip
            insert_rows(
                Payment,
                payment_columns,
                [
                    (n + 1, n + 1, "wechat", f"T{n:015d}", f"42{n:012d}", 6000, "success",
                     True, "", now, now, paid[n])
                    for n in numbers
                ],
            )  # fmt: skip
            lines = []
            for n in numbers:
                if n % every == 1:
                    continue  # missing at channel
                amount = 6100 if n % every == 2 else 6000
                trade_no = f"X{n:015d}" if n % every == 3 else f"T{n:015d}"  # missing at platform
                lines.append(
                    (statement.pk, n + 5, "PAY", paid[n], trade_no, f"42{n:012d}",
                     f"44010026{n:011d}0", amount, fee_for("wechat", amount))
                )  # fmt: skip
            insert_rows(StatementLine, line_columns, lines)
    return statement, day


def plain_join(statement, day) -> int:
    from django.db import connection

    from tongban.payments.models import Payment, StatementLine
    from tongban.payments.services.statements import day_bounds

    start, end = day_bounds(day)
    lines = StatementLine._meta.db_table
    payments = Payment._meta.db_table
    sql = (
        f"SELECT l.id, p.id, l.amount, p.amount FROM {lines} l "
        f"JOIN {payments} p ON p.trade_no = l.trade_no "
        "WHERE l.statement_id = %s AND p.channel = %s AND p.status = %s "
        "AND p.paid_at >= %s AND p.paid_at < %s"
    )
    count = 0
    bounds = [connection.ops.adapt_datetimefield_value(value) for value in (start, end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [statement.pk, "wechat", "success", *bounds])
        while True:
            chunk = cursor.fetchmany(BATCH)
            if not chunk:
                return count
            count += len(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="statement rows (default 50000)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="run against another database (default: a temporary SQLite file)",
    )
    parser.add_argument("--profile", action="store_true", help="print a profile of ours")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import connection

        ensure_payment_tables()
        from tongban.payments.models import ReconciliationItem
        from tongban.payments.services import reconciliation

        setup_start = time.perf_counter()
        statement, day = build(args.rows)
        setup_seconds = time.perf_counter() - setup_start

        plain_start = time.perf_counter()
        joined = plain_join(statement, day)
        plain_seconds = time.perf_counter() - plain_start

        ours_start = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            run = profiler.runcall(reconciliation.reconcile_statement, statement, actor="bench")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            run = reconciliation.reconcile_statement(statement, actor="bench")
        ours_seconds = time.perf_counter() - ours_start

        counts = {
            kind: run.items.filter(kind=kind).count() for kind in ReconciliationItem.Kind.values
        }
        lines = statement.lines.count()
        print(
            f"database: {connection.vendor}, statement rows: {lines} (set-up {setup_seconds:.1f} s)"
        )
        print(
            f"plain SQL join:   {plain_seconds:8.2f} s  {lines / plain_seconds:10.0f} rows/s ({joined} pairs)"
        )
        print(f"reconciliation:   {ours_seconds:8.2f} s  {lines / ours_seconds:10.0f} rows/s")
        print("  " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
        print(
            f"ratio reconciliation/plain join: {ours_seconds / plain_seconds:.2f}× the time "
            f"(rate ratio {plain_seconds / ours_seconds:.3f})"
        )
        connection.close()


if __name__ == "__main__":
    main()
