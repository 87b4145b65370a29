"""Hall booking under contention: bookings per second, and how many places were overbooked.

    .venv/bin/python bench/bench_booking.py [--clients 50] [--slots 10] [--capacity 10]
                                            [--attempts 4] [--database-url URL]

Against ``DATABASE_URL`` when set (PostgreSQL: the threads really run in parallel), else a
temporary SQLite file (WAL, ``BEGIN IMMEDIATE``: writers queue). One process:

1. one hall with one general window, one item, ``--slots`` slots of ``--capacity`` places
   each (two days ahead), and ``clients × attempts`` real-name citizens;
2. **sequential**: one client books ``slots × capacity`` places one after another on a
   second set of slots (no contention) — the baseline;
3. **contended**: ``--clients`` threads, released together, each making ``--attempts``
   bookings (a different citizen each time) on random slots of the first set, through the
   booking service (``tongban.servicedesk.services.booking.book_appointment``), until the
   places are gone (later attempts are refused with ``slot_full``).

Prints bookings per second for both runs and their ratio (contended / sequential), the
attempts refused, and the number of places **overbooked** — active bookings beyond a slot's
capacity, or a slot counter that disagrees with its bookings. It must print 0.
"""

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

from _django_setup import setup_django


def ensure_tables() -> None:
    """The service-desk tables, when the app's migrations are not there yet."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("servicedesk").get_models():
            if model._meta.managed and model._meta.db_table not in existing:
                editor.create_model(model)  # with its many-to-many tables
                existing.add(model._meta.db_table)
                existing.update(
                    field.remote_field.through._meta.db_table
                    for field in model._meta.local_many_to_many
                )


def build_world(*, slots: int, capacity: int, people: int):
    from django.utils import timezone

    from tongban.servicedesk.models import Hall, Slot, Window
    from tongban.testing.factories import OrgUnitFactory, UserFactory
    from tongban.testing.factories_catalog import make_published_item

    run = uuid.uuid4().hex[:8]
    unit = OrgUnitFactory(code=f"B{run}", name="基准市", division_code="440100")
    hall = Hall.objects.create(
        org_unit=unit, code=f"bench-{run}", name="基准大厅", address="-", kiosk_key=run
    )
    Window.objects.create(hall=hall, number="01", name="综合窗口")
    item = make_published_item(department_name="市场监督管理局", key=f"bench-item-{run}")
    day = timezone.localdate() + timedelta(days=2)

    def slot_set(first_hour: int) -> list:
        return [
            Slot.objects.create(
                hall=hall,
                date=day,
                start_time=clock(first_hour + n // 6, (n % 6) * 10),
                end_time=clock(first_hour + n // 6, (n % 6) * 10 + 9),
                capacity=capacity,
            )
            for n in range(slots)
        ]

    contended, sequential = slot_set(8), slot_set(14)
    users = [
        UserFactory(username=f"bench-{run}-{n}", realname_level=2, mobile="")
        for n in range(people + slots * capacity)
    ]
    return item, contended, sequential, users[:people], users[people:]


def book(item, slot, user, outcomes, lock):
    from tongban.core.exceptions import DomainError
    from tongban.servicedesk.services.booking import book_appointment

    started = time.perf_counter()
    outcome = "error"
    try:
        book_appointment(actor=user, slot_id=slot.pk, item=item)
        outcome = "booked"
    except DomainError as exc:
        outcome = exc.code
    except Exception as exc:  # noqa: BLE001 - reported, never hidden
        outcome = f"error: {type(exc).__name__}: {exc}"
    finally:
        elapsed = time.perf_counter() - started
    with lock:
        outcomes.append((outcome, elapsed))


def run_sequential(item, slots, users) -> tuple[float, int]:
    outcomes: list = []
    lock = threading.Lock()
    start = time.perf_counter()
    people = iter(users)
    for slot in slots:
        for _ in range(slot.capacity):
            book(item, slot, next(people), outcomes, lock)
    elapsed = time.perf_counter() - start
    booked = sum(1 for outcome, _ in outcomes if outcome == "booked")
    return booked / elapsed, booked


def run_contended(item, slots, users, *, clients: int, attempts: int):
    from django.db import connections

    outcomes: list = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    # Every slot gets the same number of attempts (at least its places when
    # clients × attempts ≥ slots × capacity), in a shuffled order.
    rng = random.Random(2026)
    order = [slots[n % len(slots)] for n in range(clients * attempts)]
    rng.shuffle(order)
    plan = [
        [(order[client * attempts + n], users[client * attempts + n]) for n in range(attempts)]
        for client in range(clients)
    ]

    def client_main(client: int) -> None:
        barrier.wait()
        for slot, user in plan[client]:
            book(item, slot, user, outcomes, lock)
        connections.close_all()

    threads = [threading.Thread(target=client_main, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = sum(min(order.count(slot), slot.capacity) for slot in slots)
    return outcomes, time.perf_counter() - start, expected


def overbooked(slots) -> int:
    from tongban.servicedesk.models import Appointment, Slot

    extra = 0
    for slot in Slot.objects.filter(pk__in=[s.pk for s in slots]):
        active = Appointment.objects.filter(slot=slot, status__in=Appointment.ACTIVE).count()
        extra += max(active - slot.capacity, 0) + abs(active - slot.booked_count)
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--capacity", type=int, default=10)
    parser.add_argument("--attempts", type=int, default=4, help="bookings per client")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp), args.database_url)
        ensure_tables()
        from django.db import connection
        from django.test.utils import override_settings

        # The citizens are set-up data: a fast password hash (Argon2 is slow by design).
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            item, contended, sequential, people, baseline_people = build_world(
                slots=args.slots, capacity=args.capacity, people=args.clients * args.attempts
            )
        sequential_rate, sequential_booked = run_sequential(item, sequential, baseline_people)
        outcomes, elapsed, expected = run_contended(
            item, contended, people, clients=args.clients, attempts=args.attempts
        )

        booked = sum(1 for outcome, _ in outcomes if outcome == "booked")
        full = sum(1 for outcome, _ in outcomes if outcome == "slot_full")
        errors = sorted({outcome for outcome, _ in outcomes} - {"booked", "slot_full"})
        latencies = sorted(seconds for _, seconds in outcomes)
        contended_rate = booked / elapsed
        places = args.slots * args.capacity
        extra = overbooked(contended) + overbooked(sequential)

        print(f"database: {connection.vendor}")
        print(
            f"sequential (1 client, {sequential_booked} places): {sequential_rate:8.1f} bookings/s"
        )
        print(
            f"contended ({args.clients} clients, {args.slots} slots × {args.capacity} places, "
            f"{len(outcomes)} attempts): {contended_rate:8.1f} bookings/s, "
            f"{len(outcomes) / elapsed:8.1f} attempts/s"
        )
        print(
            f"  booked {booked}/{places}, refused slot_full {full}, other outcomes {errors or '-'}"
        )
        print(
            f"  latency per attempt: median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms"
        )
        print(
            f"ratio contended/sequential bookings per second: {contended_rate / sequential_rate:.2f}"
        )
        print(f"overbooked: {extra}")
        if extra or errors or booked != expected:
            raise SystemExit("booking under contention went wrong (see above)")


if __name__ == "__main__":
    main()
