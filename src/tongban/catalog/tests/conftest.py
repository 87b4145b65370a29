import pytest


@pytest.fixture
def province_units(db):
    """The whole province's org units from the shared data (as the demo seed builds them)."""
    from tongban.core.orgunits import seed_org_units

    seed_org_units()


@pytest.fixture
def imported_catalog(province_units):
    from tongban.catalog.importer import import_catalog

    return import_catalog()


@pytest.fixture
def gz_item(gz_market_dept):
    """A published 广州 market-department item (implementation by gz_market_dept)."""
    from tongban.testing.factories_catalog import make_published_item

    return make_published_item(
        gz_market_dept, key="gz-test-item", name="测试许可证核发", level="city"
    )
