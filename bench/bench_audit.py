"""Audit append rate ÷ plain insert rate of a row of the same size (the cost of the chain).

    .venv/bin/python bench/bench_audit.py [--rows 2000]

Both loops run in one process against the same temporary SQLite database (the default
configuration: WAL, BEGIN IMMEDIATE), one transaction per row, as services do:

- plain: ``INSERT`` of a row with the same columns and values as an audit event (a copy of
  the ``AuditEvent`` table without the chain logic);
- audit: ``tongban.core.audit.record()`` — lock, read the head, canonical JSON, SM3, insert.

Prints both rates and the ratio. Shared machines are noisy: read the ratio of one run, not
absolute numbers across runs.
"""

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def plain_model():
    """A table with AuditEvent's columns and no behaviour."""
    from django.db import models

    from tongban.core.models import AuditEvent

    attrs = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"app_label": "bench_audit", "db_table": "bench_plain_event"}),
    }
    for field in AuditEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        clone = field.clone()
        if isinstance(field, models.ForeignKey):
            clone = models.BigIntegerField(null=True, db_column=field.column)
            attrs[field.attname] = clone
        else:
            attrs[field.name] = clone
    return type("PlainEvent", (models.Model,), attrs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="run against another database (default: a temporary SQLite file)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import connection, transaction
        from django.utils import timezone

        from tongban.core import audit

        PlainEvent = plain_model()
        with connection.schema_editor() as editor:
            editor.create_model(PlainEvent)

        data = {
            "old": {"status": "submitted", "assignee": "王窗口"},
            "new": {"status": "accepted", "assignee": "赵审批"},
        }
        common = dict(
            event_type="cases.case_accepted",
            actor_name="王窗口",
            target_type="cases.case",
            target_id="44010020260000012345",
            target_label="个体工商户设立登记",
            request_id="0" * 32,
            ip="10.0.0.1",
        )

        plain_seq = itertools.count(1)

        def run_plain(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                with transaction.atomic():
                    PlainEvent.objects.create(
                        seq=next(plain_seq),
                        created_at=timezone.now(),
                        actor_id=1,
                        org_unit_id=1,
                        data=data,
                        prev_hash="a" * 64,
                        hash="b" * 64,
                        **common,
                    )
            return n / (time.perf_counter() - start)

        def run_audit(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                with transaction.atomic():
                    audit.record(
                        common["event_type"],
                        actor="王窗口",
                        data=data,
                        target_type=common["target_type"],
                        target_id=common["target_id"],
                        target_label=common["target_label"],
                    )
            return n / (time.perf_counter() - start)

        run_plain(50), run_audit(50)  # warm up (connection, caches)
        plain_rate = run_plain(args.rows)
        audit_rate = run_audit(args.rows)
        verify_start = time.perf_counter()
        result = audit.verify_chain()
        verify_rate = result.count / (time.perf_counter() - verify_start)
        assert result.ok, result.summary

        print(f"database: {connection.vendor}, rows per loop: {args.rows}")
        print(f"plain insert:  {plain_rate:10.0f} rows/s")
        print(f"audit append:  {audit_rate:10.0f} events/s")
        print(
            f"ratio audit/plain: {audit_rate / plain_rate:.2f} "
            f"(cost of the chain: {plain_rate / audit_rate:.2f}× the time per row)"
        )
        print(f"verify_chain:  {verify_rate:10.0f} events/s ({result.count} events)")
        connection.close()


if __name__ == "__main__":
    main()
