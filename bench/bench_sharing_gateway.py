"""Sharing gateway lookup ÷ a direct ORM query returning the same rows as JSON.

    .venv/bin/python bench/bench_sharing_gateway.py [--persons 2000] [--seconds 3]

One process, one temporary SQLite database (or ``--database-url``): 广州市公安局's 人口 resource
over ``--persons`` registry persons, 广州市民政局's consumer system with a grant (lookup by ID
number, 广州 only, name and address masked). Random ID numbers are looked up three ways:

1. direct: ``Person.objects.filter(id_number=…).values(…)`` dumped as JSON — no control, no log;
2. service: ``gateway.lookup(...)`` — grant checks, rate-limit count, masking, SM3-chained
   access-log append (with the subject's keyed digest);
3. API: ``GET /api/v1/sharing/gateway/resources/…/records/…`` through Django's test client
   with a Bearer token — middleware, routing, token check, then (2), then JSON.

Prints throughput and latency (mean, p95) of each and the ratios service/direct and
API/direct (the cost of control + logging). Shared machines are noisy: compare the ratios of
one run, not absolute numbers across runs.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django
from bench_access_log import ensure_tables


def measure(operation, seconds: float) -> tuple[float, list[float]]:
    """(calls per second, per-call latencies in ms) over about ``seconds``."""
    latencies = []
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        t0 = time.perf_counter()
        operation()
        t1 = time.perf_counter()
        latencies.append((t1 - t0) * 1000)
        if t1 >= deadline:
            return len(latencies) / (t1 - start), latencies


def p95(values) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tongban-bench-gateway-") as tmp:
        setup_django(Path(tmp), args.database_url)
        ensure_tables("sharing")
        import datetime

        from django.db import connection
        from django.test import Client
        from django.utils import timezone
        from oauth2_provider.models import AccessToken

        from tongban.registries.models import Person
        from tongban.sharing.services import catalogue, consumers, gateway
        from tongban.sharing.services import requests as share_requests
        from tongban.testing.factories import OrgUnitFactory, RoleAssignmentFactory, StaffFactory

        province = OrgUnitFactory(
            code="440000", name="广东省", kind="province", division_code="440000"
        )
        city = OrgUnitFactory(
            code="440100", name="广州市", kind="city", division_code="440100", parent=province
        )

        def department(name):
            return OrgUnitFactory(
                code=f"440100-{name}",
                name=name,
                kind="department",
                division_code="440100",
                parent=city,
            )

        psb, mca = department("公安局"), department("民政局")
        mca_admin = StaffFactory(username="bench_mca_admin")
        RoleAssignmentFactory(user=mca_admin, org_unit=mca, role="dept_admin")
        psb_admin = StaffFactory(username="bench_psb_admin")
        RoleAssignmentFactory(user=psb_admin, org_unit=psb, role="dept_admin")

        ids = [
            f"440106{1950 + n % 50}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 10000:04d}"
            for n in range(args.persons)
        ]
        ids = list(dict.fromkeys(ids))
        Person.objects.bulk_create(
            Person(
                id_number=i,
                name=f"测试{n}",
                gender="F",
                birth_date=datetime.date(1990, 1, 1),
                division_code="440106",
                address=f"广州市天河区测试路{n}号",
                phone="",
            )
            for n, i in enumerate(ids)
        )
        catalogue.ensure_registry_resources("440100")
        population = catalogue.Resource.objects.get(code="440100-GA-RK-0001")
        system, _secret = consumers.register_consumer_system(
            actor=mca_admin, org_unit=mca, name="基准系统"
        )
        today = timezone.localdate()
        share_request = share_requests.submit_request(
            actor=mca_admin,
            resource=population,
            consumer_system=system,
            items=["id_number", "name", "address"],
            legal_duty="最低生活保障审核确认",
            purpose="基准测试",
            period_from=today,
            period_to=today + datetime.timedelta(days=30),
        )
        grant = share_requests.approve_request(
            actor=psb_admin,
            share_request=share_request,
            terms=share_requests.Terms(
                row_division="440100",
                masking={"name": "name", "address": "address"},
                rate_limit_per_minute=6000,
            ),
        )
        assert grant.rate_limit_per_minute == 6000  # the highest a provider may grant
        token = AccessToken.objects.create(
            application=system.application,
            token="bench-" + "x" * 40,
            expires=timezone.now() + datetime.timedelta(hours=1),
            scope="sharing:gateway",
        )
        rng = random.Random(1)
        fields = ["id_number", "name", "address"]

        def direct():
            key = rng.choice(ids)
            rows = list(
                Person.objects.filter(id_number=key, division_code__startswith="4401").values(
                    *fields
                )
            )
            return json.dumps({"records": rows}, ensure_ascii=False)

        def service():
            gateway.lookup(
                application=system.application,
                resource_code=population.code,
                key=rng.choice(ids),
                purpose="最低生活保障家庭经济状况核对",
            )

        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token.token}"}

        def api():
            response = client.get(
                f"/api/v1/sharing/gateway/resources/{population.code}/records/{rng.choice(ids)}",
                {"purpose": "最低生活保障家庭经济状况核对"},
                **headers,
            )
            if response.status_code != 200:
                raise SystemExit(
                    f"gateway answered {response.status_code}: {response.content[:200]}"
                )

        for op in (direct, service, api):  # warm up
            for _ in range(20):
                op()
        results = {
            name: measure(op, args.seconds)
            for name, op in (("direct", direct), ("service", service), ("api", api))
        }

        print(f"database: {connection.vendor}, persons: {len(ids)}, {args.seconds:.0f} s per loop")
        for name, (rate, lat) in results.items():
            print(
                f"{name:8s} {rate:8.0f} lookups/s   mean {statistics.mean(lat):6.2f} ms   p95 {p95(lat):6.2f} ms"
            )
        base = results["direct"][0]
        print(f"ratio service/direct throughput: {results['service'][0] / base:.3f}")
        print(f"ratio API/direct throughput:     {results['api'][0] / base:.3f}")
        connection.close()


if __name__ == "__main__":
    main()
