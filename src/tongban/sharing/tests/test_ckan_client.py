"""The ``ckanapi`` client, unchanged, against the live test server."""

import ckanapi
import pytest

from tongban.sharing.services import datasets
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    published_dataset,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dataset(gz_market_dept, dept_admin):
    return published_dataset(gz_market_dept, dept_admin, rows=8)


def test_ckanapi_reads_packages_organizations_and_datastore(live_server, dataset):
    version = datasets.current_version(dataset.resource)
    with ckanapi.RemoteCKAN(live_server.url) as site:
        assert site.action.package_list() == [dataset.name]
        package = site.action.package_show(id=dataset.name)
        assert package["title"] == "药店名录"
        assert package["resources"][0]["id"] == str(version.uuid)

        found = site.action.package_search(q="药店", fq="tags:医保", rows=5, start=0)
        assert found["count"] == 1 and found["results"][0]["name"] == dataset.name

        orgs = site.action.organization_list(all_fields=True)
        assert orgs[0]["title"] == "广州市市场监督管理局" and orgs[0]["package_count"] == 1
        assert site.action.organization_show(id=orgs[0]["name"])["package_count"] == 1

        resource = site.action.resource_show(id=str(version.uuid))
        assert resource["package_id"] == package["id"]

        rows = site.action.datastore_search(
            resource_id=str(version.uuid), filters={"district": "越秀区"}, limit=1, offset=1
        )
        assert rows["total"] == 2 and [r["_id"] for r in rows["records"]] == [6]

        with pytest.raises(ckanapi.NotFound):
            site.action.package_show(id="no-such-dataset")
        with pytest.raises(ckanapi.ValidationError):
            site.action.datastore_search(resource_id=str(version.uuid), filters={"remark": "x"})
        with pytest.raises(ckanapi.SearchQueryError):
            site.action.package_search(fq="colour:red")


def test_ckanapi_get_only_on_the_versioned_path(live_server, dataset):
    site = ckanapi.RemoteCKAN(live_server.url, get_only=True)
    site.base_url = "api/3/action/"
    try:
        assert site.action.package_show(id=dataset.name)["name"] == dataset.name
    finally:
        site.close()
