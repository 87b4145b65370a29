"""Full case cycle per second ÷ plain case-row inserts per second (the cost of our logic).

    .venv/bin/python bench/bench_case_cycle.py [--cases 200]

One cycle = create a draft → submit (unified number, eligibility chain, notification) →
accept (deadlines, tasks of three stages, one of them with two parallel joint tasks) →
decide the four tasks → conclude; every step through the lifecycle services with their
audit events, webhook rows and SMS outbox rows. The baseline inserts the same number of case
rows with ``Case.objects.create`` (autocommit, one row each).

Runs on a temporary SQLite file, and — when ``DATABASE_URL`` points at PostgreSQL — also on
a temporary PostgreSQL database created next to it (``CREATE DATABASE``; dropped
afterwards). Each database runs in its own process. Prints both rates and the ratio
baseline/cycle (how many plain inserts one full cycle costs). Shared machines are noisy: read
the ratio of one run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django

HERE = Path(__file__).resolve().parent


def build_world():
    from tongban.identity.models import User
    from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory
    from tongban.testing.factories_cases import make_implementation

    def unit(code, name, kind, division, parent=None):
        return OrgUnitFactory(
            code=code, name=name, kind=kind, division_code=division, parent=parent
        )

    province = unit("440000", "广东省", "province", "440000")
    gz = unit("440100", "广州市", "city", "440100", province)
    market = unit("440100-市场监督管理局", "市场监督管理局", "department", "440100", gz)
    planning = unit("440100-规划和自然资源局", "规划和自然资源局", "department", "440100", gz)

    def staff(username, role, org_unit):
        return RoleAssignmentFactory(
            user=StaffFactory(username=username, name=username), org_unit=org_unit, role=role
        ).user

    people = {
        "clerk": staff("bench_clerk", "window_clerk", market),
        "approver": staff("bench_approver", "approver", market),
        "planner": staff("bench_planner", "approver", planning),
        "applicant": User.objects.create(
            username="bench_applicant", name="张三", mobile="13800138000"
        ),
    }
    implementation = make_implementation(
        market,
        stages=[
            ("受理审查", [("登记审查", "市场监督管理局")]),
            ("联合审查", [("场所审查", "市场监督管理局"), ("规划审查", "规划和自然资源局")]),
            ("决定", [("许可决定", "市场监督管理局")]),
        ],
    )
    return implementation, people


def run_cycles(implementation, people, count: int) -> float:
    from tongban.cases.models import Case
    from tongban.cases.services import lifecycle

    applicant = people["applicant"]
    version = implementation.item.current_version
    start = time.perf_counter()
    for _ in range(count):
        case = Case.objects.create(
            implementation=implementation,
            item_version=version,
            org_unit=implementation.org_unit,
            applicant=applicant,
            applicant_name=applicant.name,
            applicant_code="440106199001011235",
        )
        case = lifecycle.submit_case(case, actor=applicant)
        case = lifecycle.accept_case(case, actor=people["clerk"])
        for stage in sorted({t.stage_position for t in case.tasks.all()}):
            for task in case.tasks.filter(stage_position=stage).select_related("org_unit"):
                actor = people["planner"] if task.name == "规划审查" else people["approver"]
                lifecycle.decide_task(task, actor=actor, approve=True, opinion="同意")
        case.refresh_from_db()
        lifecycle.conclude_case(case, actor=people["approver"])
    elapsed = time.perf_counter() - start
    assert Case.objects.filter(status="concluded").count() >= count
    return count / elapsed


def run_inserts(implementation, people, count: int) -> float:
    from tongban.cases.models import Case

    applicant = people["applicant"]
    version = implementation.item.current_version
    start = time.perf_counter()
    for _ in range(count):
        Case.objects.create(
            implementation=implementation,
            item_version=version,
            org_unit=implementation.org_unit,
            applicant=applicant,
            applicant_name=applicant.name,
            applicant_code="440106199001011235",
        )
    return count / (time.perf_counter() - start)


def child(database_url: str | None, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="tongban-bench-") as tmp:
        setup_django(Path(tmp), database_url)
        from django.db import connection

        implementation, people = build_world()
        run_cycles(implementation, people, max(2, count // 20))  # warm-up
        cycles = run_cycles(implementation, people, count)
        inserts = run_inserts(implementation, people, count)
        return {"vendor": connection.vendor, "cycles_per_s": cycles, "inserts_per_s": inserts}


def _postgres_temp_database(url: str):
    """Create an empty database beside ``url``; return (its url, a drop callback)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"tongban_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _spawn(database_url: str | None, count: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [sys.executable, str(HERE / "bench_case_cycle.py"), "--child", "--cases", str(count)]
    if database_url:
        command += ["--database-url", database_url]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark run failed ({database_url or 'sqlite'})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.database_url, args.cases)))
        return
    results = [_spawn(None, args.cases)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        temp_url, drop = _postgres_temp_database(url)
        try:
            results.append(_spawn(temp_url, args.cases))
        finally:
            drop()
    print(f"case cycle vs plain insert, {args.cases} cases")
    for r in results:
        ratio = r["inserts_per_s"] / r["cycles_per_s"]
        print(
            f"  {r['vendor']:<10} cycles {r['cycles_per_s']:8.1f}/s   "
            f"inserts {r['inserts_per_s']:8.1f}/s   ratio inserts/cycle {ratio:6.1f}"
        )


if __name__ == "__main__":
    main()
