"""Registry seeding rate: generated persons/s vs plain bulk_create of the same rows.

    .venv/bin/python bench/bench_registries.py [--persons 50000] [--batch 5000]

Against a temporary SQLite database (or ``--database-url``), one process:

1. ``seed_registries(persons=N)`` — generation (names, addresses, ID numbers with check
   digits, phones) streamed into the table in batches, as ``tongban seed`` does;
2. the same rows, generated beforehand and held in memory, inserted with plain
   ``bulk_create`` into an emptied table (the floor: what the database and ORM cost alone).

Prints both rates and the ratio seeded/plain (1.0 = generation is free). Shared machines are
noisy: compare the ratio from one run, not absolute numbers across runs.
"""

import argparse
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-registries-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import transaction

        from tongban.registries.generator import RegistryGenerator
        from tongban.registries.models import Person
        from tongban.registries.services import seed_registries

        Person.objects.all().delete()
        start = time.perf_counter()
        summary = seed_registries(
            persons=args.persons, entities=0, seed=args.seed, batch_size=args.batch
        )
        seeded_s = time.perf_counter() - start
        if summary.persons_created != args.persons:
            raise SystemExit(f"seeded {summary.persons_created} of {args.persons} persons")

        rows = list(RegistryGenerator(args.seed).persons(args.persons))
        Person.objects.all().delete()
        start = time.perf_counter()
        for offset in range(0, len(rows), args.batch):
            with transaction.atomic():
                Person.objects.bulk_create(
                    rows[offset : offset + args.batch], ignore_conflicts=True
                )
        plain_s = time.perf_counter() - start
        if Person.objects.count() != args.persons:
            raise SystemExit("plain insert lost rows")
        Person.objects.all().delete()

    seeded_rate, plain_rate = args.persons / seeded_s, args.persons / plain_s
    print(f"persons: {args.persons}, batch: {args.batch}")
    print(f"seeded (generate + insert): {seeded_rate:10.0f} persons/s")
    print(f"plain bulk_create:          {plain_rate:10.0f} persons/s")
    print(f"ratio seeded/plain:         {seeded_rate / plain_rate:10.2f}")


if __name__ == "__main__":
    main()
