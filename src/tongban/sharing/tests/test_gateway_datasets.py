"""A dataset-backed resource through the gateway: rows come from the current uploaded version
(``services.datasets.query_rows``), the grant applies as for registries, and the dataset's
own refusals (a filter value of the wrong type) are logged refusals too."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.sharing.models import AccessLogEntry
from tongban.sharing.services import gateway
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.opendata_support import (  # noqa: F401  (autouse media fixture)
    _media_in_tmp,
    csv_bytes,
    make_resource,
    pharmacy_rows,
    run_import,
)
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import staff, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacies(gz_market_dept):
    admin = staff("dept_admin", gz_market_dept, "gz_market_admin", "钱管理")
    resource = make_resource(gz_market_dept, share_type="conditional")
    job = run_import(resource, admin, csv_bytes(pharmacy_rows(5)))
    assert job.status == "accepted", job.rejections
    return resource, admin


def test_lookup_and_query_of_dataset_rows(pharmacies, mca_system, mca_admin):
    resource, admin = pharmacies
    system, _ = mca_system
    share_request = submit(mca_admin, resource, system, items=["name", "uscc", "pharmacists"])
    share_requests.approve_request(
        actor=admin, share_request=share_request, terms=share_requests.Terms(row_scope="filter")
    )
    all_rows = gateway.query(
        application=system.application,
        resource_code=resource.code,
        filters={"name": pharmacy_rows(5)[0][0]},
        purpose="医保定点核查",
    )
    assert all_rows.total == 1 and set(all_rows.rows[0]) == {"name", "uscc", "pharmacists"}
    uscc = all_rows.rows[0]["uscc"]
    one = gateway.lookup(
        application=system.application,
        resource_code=resource.code,
        key=uscc,
        purpose="医保定点核查",
    )
    assert one.rows[0]["uscc"] == uscc and "remark" not in one.rows[0]
    with pytest.raises(DomainError) as excinfo:
        gateway.query(
            application=system.application,
            resource_code=resource.code,
            filters={"pharmacists": "many"},
            purpose="医保定点核查",
        )
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.outcome == "refused" and entry.refusal_code == excinfo.value.code
