"""The gateway under concurrent calls: the per-minute limit is exact and the access log's
chain stays gapless (SQLite file database with the project's options, or PostgreSQL with the
chain's advisory lock)."""

import datetime

import pytest

from tongban.core.exceptions import DomainError
from tongban.registries.models import Person
from tongban.sharing.models import AccessLogEntry
from tongban.sharing.services import access_log, catalogue, consumers, gateway
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.sharing_support import POP_CODE, WANG_ID, dept, staff, submit
from tongban.testing.concurrency import thread_database
from tongban.testing.factories import OrgUnitFactory

THREADS = 4
PER_THREAD = 3
LIMIT = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_lookups_respect_the_rate_limit_and_keep_the_chain(tmp_path):
    with thread_database(tmp_path) as database:
        province = OrgUnitFactory(
            code="440000", name="广东省", kind="province", division_code="440000"
        )
        city = OrgUnitFactory(
            code="440100", name="广州市", kind="city", division_code="440100", parent=province
        )
        psb, mca = dept(city, "公安局"), dept(city, "民政局")
        Person.objects.create(
            id_number=WANG_ID,
            name="王芳",
            gender="F",
            birth_date=datetime.date(1992, 3, 15),
            division_code="440106",
            address="广州市天河区体育东路1号",
        )
        catalogue.ensure_registry_resources("440100")
        mca_admin = staff("dept_admin", mca, "c_mca_admin", "黄管理")
        psb_admin = staff("dept_admin", psb, "c_psb_admin", "郑管理")
        system, _ = consumers.register_consumer_system(
            actor=mca_admin, org_unit=mca, name="核对系统"
        )
        population = catalogue.Resource.objects.get(code=POP_CODE)
        share_requests.approve_request(
            actor=psb_admin,
            share_request=submit(mca_admin, population, system),
            terms=share_requests.Terms(rate_limit_per_minute=LIMIT),
        )
        outcomes: list[str] = []

        def call(worker: int) -> None:
            for _ in range(PER_THREAD):
                try:
                    gateway.lookup(
                        application=system.application,
                        resource_code=POP_CODE,
                        key=WANG_ID,
                        purpose="最低生活保障家庭经济状况核对",
                    )
                    outcomes.append("allowed")
                except DomainError as exc:
                    outcomes.append(exc.code)

        errors = database.run(call, threads=THREADS)
        assert errors == []
        total = THREADS * PER_THREAD
        assert sorted(outcomes) == ["allowed"] * LIMIT + ["rate_limited"] * (total - LIMIT)
        seqs = list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, total + 1))
        assert AccessLogEntry.objects.filter(outcome="allowed").count() == LIMIT
        assert access_log.verify_chain().ok
