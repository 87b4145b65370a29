"""Set-up of the exchange tests: bulk (``filter``) grants on the 人口 registry resource and on
a dataset-backed pharmacy resource, for the 广州 民政局's consumer system."""

import pytest

from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.opendata_support import (
    csv_bytes,
    make_resource,
    pharmacy_rows,
    run_import,
)
from tongban.sharing.tests.sharing_support import staff, submit

PURPOSE = "最低生活保障家庭经济状况核对"
PUBLIC_HOOK = "https://93.184.216.34/hooks/tongban"  # a public address literal (no DNS)


@pytest.fixture
def bulk_grant(population, mca_system, mca_admin, psb_admin):
    """人口 items for 广州 rows only, bulk queries allowed, the name masked."""
    system, _secret = mca_system
    share_request = submit(
        mca_admin, population, system, items=("id_number", "name", "division_code")
    )
    return share_requests.approve_request(
        actor=psb_admin,
        share_request=share_request,
        terms=share_requests.Terms(
            row_scope="filter", row_division="440100", masking={"name": "name"}
        ),
    )


@pytest.fixture
def market_admin(gz_market_dept):
    return staff("dept_admin", gz_market_dept, "gz_market_admin", "钱管理")


@pytest.fixture
def pharmacies(gz_market_dept, market_admin):
    resource = make_resource(gz_market_dept, share_type="conditional")
    job = run_import(resource, market_admin, csv_bytes(pharmacy_rows(5)))
    assert job.status == "accepted", job.rejections
    return resource


@pytest.fixture
def pharmacy_grant(pharmacies, mca_system, mca_admin, market_admin):
    system, _ = mca_system
    share_request = submit(
        mca_admin, pharmacies, system, items=["name", "uscc", "district", "pharmacists"]
    )
    return share_requests.approve_request(
        actor=market_admin,
        share_request=share_request,
        terms=share_requests.Terms(row_scope="filter"),
    )


def reimport(resource, actor, rows):
    job = run_import(resource, actor, csv_bytes(rows))
    assert job.status == "accepted", job.rejections
    return job
