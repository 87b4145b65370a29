"""``services.datasets``: the gateway's ``query_rows`` and typed values."""

import pytest

from tongban.core.exceptions import DomainError
from tongban.sharing.models import DataItem
from tongban.sharing.services import datasets
from tongban.sharing.services.datasets import ValueProblem, make_converter
from tongban.sharing.tests.opendata_support import (
    _media_in_tmp,  # noqa: F401 (autouse)
    csv_bytes,
    make_resource,
    pharmacy_rows,
    run_import,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(gz_market_dept, dept_admin):
    resource = make_resource(gz_market_dept)
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(8)))
    return resource


def test_query_rows_by_lookup_key_and_typed_filters(resource):
    first = datasets.query_rows(resource, filters={}, limit=100)[0][0]
    rows, total = datasets.query_rows(resource, filters={"uscc": first["uscc"]}, limit=10)
    assert total == 1 and rows[0]["name"] == "测试药店1"
    assert set(rows[0]) == {i.key for i in resource.items.all()}  # every item; the gateway masks

    rows, total = datasets.query_rows(resource, filters={"pharmacists": "2"}, limit=10)
    assert total == 2 and {r["name"] for r in rows} == {"测试药店2", "测试药店6"}
    rows, total = datasets.query_rows(
        resource, filters={"insured": "是", "district": "越秀区"}, limit=10
    )
    assert total == 2 and {r["name"] for r in rows} == {"测试药店2", "测试药店6"}
    rows, total = datasets.query_rows(
        resource, filters={"district": ["天河区", "海珠区"]}, limit=3, offset=1
    )
    assert total == 4 and [r["name"] for r in rows] == ["测试药店3", "测试药店5", "测试药店7"]


def test_query_rows_refuses_unknown_items_and_bad_values(resource):
    with pytest.raises(DomainError) as caught:
        datasets.query_rows(resource, filters={"colour": "red"}, limit=1)
    assert caught.value.code == "unknown_filter" and caught.value.field == "colour"
    with pytest.raises(DomainError) as caught:
        datasets.query_rows(resource, filters={"licensed_on": "yesterday"}, limit=1)
    assert caught.value.code == "invalid_filter_value"


def test_query_rows_without_a_version_is_empty(gz_market_dept):
    resource = make_resource(gz_market_dept, code="440100-YD-EMPTY")
    assert datasets.query_rows(resource, filters={"uscc": "x"}, limit=5) == ([], 0)


def test_query_rows_reads_the_current_version_only(resource, dept_admin):
    run_import(resource, dept_admin, csv_bytes(pharmacy_rows(2)))
    _rows, total = datasets.query_rows(resource, filters={}, limit=100)
    assert total == 2


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("integer", " 1,024 ", 1024),
        ("integer", 7.0, 7),
        ("decimal", "3.50", "3.50"),
        ("decimal", 2.25, "2.25"),
        ("date", "2026/1/5", "2026-01-05"),
        ("date", "2026年1月5日", "2026-01-05"),
        ("date", "20260105", "2026-01-05"),
        ("boolean", "Y", True),
        ("boolean", "否", False),
        ("string", "  ", None),
    ],
)
def test_values_are_normalised(kind, raw, value):
    item = DataItem(key="x", name="x", type=kind, length=None)
    assert make_converter(item)(raw) == value


@pytest.mark.parametrize(
    ("key", "name", "raw"),
    [
        ("id_number", "身份证号", "440106199001011234"),  # bad check digit
        ("holder", "公民身份号码", "44010619900101123"),
        ("uscc", "统一社会信用代码", "91440101MA59TEST0X"),
    ],
)
def test_code_items_are_checked(key, name, raw):
    item = DataItem(key=key, name=name, type="string", length=18)
    with pytest.raises(ValueProblem):
        make_converter(item)(raw)


def test_valid_id_number_passes():
    item = DataItem(key="id_number", name="身份证号", type="string", length=18)
    assert make_converter(item)("11010519491231002x") == "11010519491231002X"
