"""Exchange runs under concurrent workers: a due subscription is claimed once, so exactly one
run is made and one access-log entry written (SQLite file database, or PostgreSQL)."""

import datetime

import pytest

from tongban.registries.models import Person
from tongban.sharing.models import AccessLogEntry, ExchangeRun
from tongban.sharing.services import access_log, catalogue, consumers, exchange
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.sharing_support import POP_CODE, WANG_ID, dept, staff, submit
from tongban.testing.concurrency import thread_database
from tongban.testing.factories import OrgUnitFactory

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_make_one_run(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
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
        mca_admin = staff("dept_admin", mca, "x_mca_admin", "黄管理")
        psb_admin = staff("dept_admin", psb, "x_psb_admin", "郑管理")
        system, _ = consumers.register_consumer_system(
            actor=mca_admin, org_unit=mca, name="核对系统"
        )
        population = catalogue.Resource.objects.get(code=POP_CODE)
        grant = share_requests.approve_request(
            actor=psb_admin,
            share_request=submit(mca_admin, population, system),
            terms=share_requests.Terms(row_scope="filter"),
        )
        subscription, _ = exchange.create_subscription(
            actor=mca_admin, grant=grant, delivery="file", purpose="核对"
        )
        started: list[int] = []

        def work(worker: int) -> None:
            started.append(exchange.run_due()["started"])

        errors = database.run(work, threads=THREADS)
        assert errors == []
        assert sum(started) == 1
        run = ExchangeRun.objects.get(subscription=subscription)
        assert run.status == "delivered" and run.rows_added == 1
        assert AccessLogEntry.objects.filter(outcome="allowed").count() == 1
        assert access_log.verify_chain().ok
