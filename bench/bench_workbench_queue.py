"""Workbench queue: query count and latency at 1k vs 100k cases (must stay flat).

    .venv/bin/python bench/bench_workbench_queue.py [--small 1000] [--large 100000]
                                                    [--per-page 20] [--repeat 15]

Against a temporary SQLite database (or ``--database-url``, an empty database), one process:

1. org units (two cities' market departments and a joint department), a clerk and an
   approver of the 广州 market department, one item with its implementation;
2. ``--small`` cases bulk-created straight into the tables (half in 广州, half in 深圳; a
   mix of submitted, in review with an active task, suspended with an open pause, concluded),
   then the queue is measured; more cases are added up to ``--large`` and it is measured again.

Measured per size (the first page, as the workbench list renders it: ``queue_page`` +
``queue_rows``): the clerk's to-do list, the approver's to-do list, the approver's list
filtered by the yellow deadline light, and a search by applicant name. Prints the query count
of each (must be equal for both sizes) and the median latency, and the latency ratio
large/small (1.0 = flat). Shared machines are noisy: read the ratio of one run.

Expected: equal query counts everywhere; flat latency for the to-do lists. The name search
(a substring match) and the yellow-light filter (paused and decided clocks are evaluated one
by one) scan the matching cases within reach, so they grow with the data.
"""

import argparse
import datetime
import statistics
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def build_world():
    from tongban.catalog.models import Implementation, ItemVersion, ServiceItem
    from tongban.identity.models import User
    from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

    def unit(code, name, kind, division, parent=None):
        return OrgUnitFactory(
            code=code, name=name, kind=kind, division_code=division, parent=parent
        )

    province = unit("440000", "广东省", "province", "440000")
    gz = unit("440100", "广州市", "city", "440100", province)
    sz = unit("440300", "深圳市", "city", "440300", province)
    gz_market = unit("440100-市场监督管理局", "市场监督管理局", "department", "440100", gz)
    sz_market = unit("440300-市场监督管理局", "市场监督管理局", "department", "440300", sz)

    def staff(username, role, org_unit):
        return RoleAssignmentFactory(
            user=StaffFactory(username=username, name=username), org_unit=org_unit, role=role
        ).user

    clerk = staff("bench_clerk", "window_clerk", gz_market)
    approver = staff("bench_approver", "approver", gz_market)
    applicant = User.objects.create(username="bench_applicant", name="张三", id_number="")

    item = ServiceItem.objects.create(
        key="bench-item",
        basic_code="BENCH0001",
        name="个体工商户设立登记",
        item_type="行政许可",
        department_name="市场监督管理局",
        level="city",
        audience="natural",
    )
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        status="published",
        handling_type="承诺件",
        legal_days=20,
        promised_days=10,
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    implementations = {
        unit_.pk: Implementation.objects.create(
            item=item,
            org_unit=unit_,
            implementation_code=f"BENCH-{unit_.code}",
            legal_days=20,
            promised_days=10,
        )
        for unit_ in (gz_market, sz_market)
    }
    return {
        "units": [gz_market, sz_market],
        "implementations": implementations,
        "version": version,
        "applicant": applicant,
        "clerk": clerk,
        "approver": approver,
    }


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"


def add_cases(world, start: int, stop: int, batch: int = 5000) -> None:
    """Bulk-create cases ``start`` … ``stop - 1`` (deterministic mix) with their tasks and
    pauses."""
    from django.db import transaction
    from django.utils import timezone

    from tongban.cases.models import Case, CaseTask, ClockPause

    now = timezone.now()
    today = timezone.localdate()
    statuses = ["submitted", "in_review", "in_review", "suspended", "concluded", "concluded"]
    for offset in range(start, stop, batch):
        rows = []
        for i in range(offset, min(offset + batch, stop)):
            unit_ = world["units"][i % 2]
            status = statuses[(i // 2) % len(statuses)]
            accepted = status != "submitted"
            rows.append(
                Case(
                    number=f"{unit_.division_code}260105{i:07d}X",
                    implementation=world["implementations"][unit_.pk],
                    item_version=world["version"],
                    org_unit=unit_,
                    status=status,
                    channel="online" if i % 3 else "hall",
                    applicant=world["applicant"],
                    applicant_name=SURNAMES[i % len(SURNAMES)] + "某" + str(i % 97),
                    applicant_code="440106199001011235",
                    submitted_at=now - datetime.timedelta(minutes=i),
                    accepted_at=now - datetime.timedelta(days=i % 15) if accepted else None,
                    legal_days=20 if accepted else None,
                    promised_days=10 if accepted else None,
                    promised_deadline=(today + datetime.timedelta(days=(i % 30) - 10))
                    if accepted
                    else None,
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(rows)
            created = Case.objects.filter(
                number__in=[r.number for r in rows], status__in=["in_review", "suspended"]
            ).values_list("pk", "org_unit_id", "status")
            tasks, pauses = [], []
            for pk, unit_id, status in created:
                tasks.append(
                    CaseTask(
                        case_id=pk,
                        stage_position=1,
                        stage_name="审查",
                        name="审查决定",
                        org_unit_id=unit_id,
                        status="active",
                    )
                )
                if status == "suspended":
                    pauses.append(
                        ClockPause(
                            case_id=pk,
                            kind="suspension",
                            started_at=now - datetime.timedelta(days=2),
                        )
                    )
            CaseTask.objects.bulk_create(tasks)
            ClockPause.objects.bulk_create(pauses)


def measure(world, per_page: int, repeat: int) -> dict[str, tuple[int, float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.cases.selectors import workbench as wb

    scenarios = {
        "clerk todo": (world["clerk"], wb.QueueFilters()),
        "approver todo": (world["approver"], wb.QueueFilters()),
        "approver yellow": (world["approver"], wb.QueueFilters(view="all", light="yellow")),
        "search name": (world["approver"], wb.QueueFilters(view="all", q="王某1")),
    }
    results = {}
    for name, (user, filters) in scenarios.items():

        def run(user=user, filters=filters):
            page = wb.queue_page(user, filters, per_page=per_page)
            rows = wb.queue_rows(user, page.object_list)
            return page.paginator.count, len(rows)

        run()  # warm up (calendar cache, statement cache)
        with CaptureQueriesContext(connection) as ctx:
            count, shown = run()
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        results[name] = (len(ctx.captured_queries), statistics.median(timings), count, shown)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-workbench-") as tmp:
        setup_django(Path(tmp), args.database_url)
        from django.db import connection

        world = build_world()
        add_cases(world, 0, args.small)
        small = measure(world, args.per_page, args.repeat)
        start = time.perf_counter()
        add_cases(world, args.small, args.large)
        seeded = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        large = measure(world, args.per_page, args.repeat)

        print(f"database: {connection.vendor}, page size {args.per_page}")
        print(
            f"cases: {args.small} vs {args.large} (seeded {args.large - args.small} in {seeded:.1f} s)"
        )
        print(f"{'scenario':<18}{'queries':>14}{'matches':>18}{'median ms':>22}{'ratio':>8}")
        worst = 0.0
        for name in small:
            q1, t1, c1, _ = small[name]
            q2, t2, c2, _ = large[name]
            ratio = t2 / t1 if t1 else float("inf")
            worst = max(worst, ratio)
            flat = "" if q1 == q2 else "  QUERY COUNT GREW"
            print(
                f"{name:<18}{q1:>6} → {q2:<6}{c1:>8} → {c2:<8}"
                f"{t1 * 1000:>9.1f} → {t2 * 1000:<9.1f}{ratio:>7.2f}{flat}"
            )
        print(f"latency ratio large/small (worst scenario): {worst:.2f}")
        connection.close()


if __name__ == "__main__":
    main()
