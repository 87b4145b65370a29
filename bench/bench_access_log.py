"""Sharing access-log append rate ÷ plain insert rate of a row of the same size.

    .venv/bin/python bench/bench_access_log.py [--rows 1000]

Both loops run in one process against the same temporary SQLite database (or
``--database-url``), one transaction per row, as the gateway does:

- plain: ``INSERT`` of a row with the columns and values of an access-log entry (a copy of
  the ``AccessLogEntry`` table without the chain logic);
- chained: ``tongban.sharing.services.access_log.append()`` — the chain's lock, the head,
  canonical JSON, SM3, insert, plus the keyed digest of the data subject and its index row.

Prints both rates, the ratio, and the verification rate. Shared machines are noisy: read the
ratio of one run, not absolute numbers across runs.
"""

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def plain_model():
    """A table with AccessLogEntry's columns and no behaviour."""
    from django.db import models

    from tongban.sharing.models import AccessLogEntry

    attrs = {
        "__module__": __name__,
        "Meta": type(
            "Meta", (), {"app_label": "bench_access_log", "db_table": "bench_plain_access"}
        ),
    }
    for field in AccessLogEntry._meta.concrete_fields:
        if field.primary_key:
            continue
        if isinstance(field, models.ForeignKey):
            attrs[field.attname] = models.BigIntegerField(null=True, db_column=field.column)
        else:
            attrs[field.name] = field.clone()
    return type("PlainAccess", (models.Model,), attrs)


def ensure_tables(*app_labels) -> None:
    """Create the tables of apps whose migrations do not exist yet (a new app in development)."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for label in app_labels:
            for model in apps.get_app_config(label).get_models():
                if model._meta.db_table not in existing:
                    editor.create_model(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-access-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import connection, transaction
        from django.utils import timezone

        from tongban.sharing.services import access_log

        ensure_tables("sharing")
        PlainAccess = plain_model()
        with connection.schema_editor() as editor:
            editor.create_model(PlainAccess)

        common = dict(
            outcome="allowed",
            consumer_name="广州市民政局 · 最低生活保障核对系统",
            client_id="a" * 40,
            resource_code="440100-GA-RK-0001",
            purpose="最低生活保障家庭经济状况核对",
            reference="GZMZ2026000123",
            items=["id_number", "name", "address"],
            query={"id_number": "440***********0049"},
            row_count=1,
        )
        subject = "440106199203150049"
        plain_seq = itertools.count(1)

        def run_plain(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                with transaction.atomic():
                    PlainAccess.objects.create(
                        seq=next(plain_seq),
                        created_at=timezone.now(),
                        subject_digests=["c" * 64],
                        request_id="0" * 32,
                        prev_hash="a" * 64,
                        hash="b" * 64,
                        **common,
                    )
            return n / (time.perf_counter() - start)

        def run_chained(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                with transaction.atomic():
                    access_log.append(subjects=[subject], **common)
            return n / (time.perf_counter() - start)

        run_plain(50), run_chained(50)  # warm up
        plain_rate = run_plain(args.rows)
        chained_rate = run_chained(args.rows)
        start = time.perf_counter()
        result = access_log.verify_chain()
        verify_rate = result.count / (time.perf_counter() - start)
        assert result.ok, result.summary

        print(f"database: {connection.vendor}, rows per loop: {args.rows}")
        print(f"plain insert:        {plain_rate:10.0f} rows/s")
        print(f"access-log append:   {chained_rate:10.0f} entries/s")
        print(
            f"ratio chained/plain: {chained_rate / plain_rate:.2f} "
            f"(cost of the chain: {plain_rate / chained_rate:.2f}× the time per row)"
        )
        print(f"verify_chain:        {verify_rate:10.0f} entries/s ({result.count} entries)")
        connection.close()


if __name__ == "__main__":
    main()
