"""Dataset import time ÷ a bare bulk insert of the same rows (the cost of checking).

    .venv/bin/python bench/bench_dataset_import.py [--rows 10000]   # --rows 1000000 for 1M

Both run in one process against the same temporary SQLite database (or ``--database-url``):

- bare: ``DatasetRow.objects.bulk_create`` of the same rows, already typed, in the import's
  chunk size (no file, no parsing, no checks);
- import: ``services.imports`` as a provider runs it — store the CSV file, check the header,
  read every row, check types, lengths, required items and the GB 32100 check character of
  each credit code, insert in chunks with progress updates, then switch the current version
  in one transaction with its audit event.

Prints both times and the ratio. Shared machines are noisy: read the ratio of one run.
"""

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django

DISTRICTS = ["天河区", "越秀区", "海珠区", "白云区", "番禺区", "黄埔区"]


def ensure_tables() -> None:
    """The sharing tables (the app's migrations are generated at release time)."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("sharing").get_models():
            if model._meta.db_table not in existing:
                editor.create_model(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir, args.database_url)
        ensure_tables()
        from django.core.files import File
        from django.db import connection, transaction

        from tongban.core.codes import generate_uscc
        from tongban.sharing.models import DataItem, DatasetRow, DatasetVersion, Resource
        from tongban.sharing.services import imports
        from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory

        city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
        dept = OrgUnitFactory(
            code="440100-药监", name="市场监督管理局", kind="department", parent=city
        )
        admin = RoleAssignmentFactory(org_unit=dept, role="dept_admin").user
        resource = Resource.objects.create(
            code="BENCH-YD",
            name="药店名录",
            classification="101001",
            provider=dept,
            share_type=Resource.ShareType.UNCONDITIONAL,
            open_type=Resource.OpenType.OPEN,
            backing=Resource.Backing.DATASET,
            status=Resource.Status.PUBLISHED,
            lookup_key="uscc",
        )
        items = [
            ("name", "药店名称", "string", 50, True),
            ("uscc", "统一社会信用代码", "string", 18, True),
            ("district", "所在区", "string", 20, True),
            ("address", "地址", "string", 100, False),
            ("pharmacists", "执业药师人数", "integer", None, False),
            ("insured", "医保定点", "boolean", None, False),
            ("licensed_on", "许可日期", "date", None, False),
            ("area", "营业面积", "decimal", 8, False),
        ]
        for position, (key, name, kind, length, required) in enumerate(items):
            DataItem.objects.create(
                resource=resource,
                key=key,
                name=name,
                type=kind,
                length=length,
                required=required,
                sensitivity="public",
                position=position,
            )

        print(f"preparing {args.rows} rows …", flush=True)
        rng = random.Random(2026)
        codes = [generate_uscc(division_code="440100", rng=rng) for _ in range(args.rows)]

        def typed(i: int) -> dict:
            return {
                "name": f"药店{i + 1}",
                "uscc": codes[i],
                "district": DISTRICTS[i % len(DISTRICTS)],
                "address": f"{DISTRICTS[i % len(DISTRICTS)]}测试路{i + 1}号",
                "pharmacists": i % 5 + 1,
                "insured": bool(i % 2),
                "licensed_on": "2024-03-01",
                "area": f"{60 + i % 400}.5",
            }

        path = workdir / "pharmacies.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([item[1] for item in items])
            for i in range(args.rows):
                row = typed(i)
                row["insured"] = "是" if row["insured"] else "否"
                writer.writerow(row.values())
        size_mb = path.stat().st_size / 1e6

        # bare bulk insert of the same rows
        version = DatasetVersion.objects.create(resource=resource, columns=[])
        start = time.perf_counter()
        batch = []
        for i in range(args.rows):
            data = typed(i)
            batch.append(
                DatasetRow(version=version, line=i + 1, lookup_value=data["uscc"], data=data)
            )
            if len(batch) >= imports.CHUNK_ROWS:
                with transaction.atomic():
                    DatasetRow.objects.bulk_create(batch)
                batch.clear()
        if batch:
            with transaction.atomic():
                DatasetRow.objects.bulk_create(batch)
        bare = time.perf_counter() - start
        DatasetRow.objects.filter(version=version).delete()
        version.delete()

        # the import as providers run it
        start = time.perf_counter()
        with path.open("rb") as handle:
            job = imports.start_import(
                resource, upload=File(handle, name="pharmacies.csv"), actor=admin
            )
        job = imports.run_import(job.pk)
        checked = time.perf_counter() - start
        assert job.status == "accepted", (job.status, job.error_message, job.rejections[:3])
        assert DatasetRow.objects.filter(version=job.version).count() == args.rows

        print(f"database: {connection.vendor}, rows: {args.rows}, CSV: {size_mb:.1f} MB")
        print(f"bare bulk insert: {bare:8.2f} s ({args.rows / bare:10.0f} rows/s)")
        print(f"checked import:   {checked:8.2f} s ({args.rows / checked:10.0f} rows/s)")
        print(f"ratio import/bare: {checked / bare:.2f}")
        connection.close()


if __name__ == "__main__":
    main()
