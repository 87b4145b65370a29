"""GET/POST /api/v1/core/codes/validate: public code validation for integrators."""

import pytest

from tongban.core.models import AuditEvent

URL = "/api/v1/core/codes/validate"


def get(client, **params):
    return client.get(URL, params)


def test_valid_citizen_id(client, db):
    response = get(client, kind="citizen-id", value="11010519491231002x")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["code"] is None
    assert body["normalized"] == "11010519491231002X"
    assert body["parsed"]["birth_date"] == "1949-12-31"
    assert body["parsed"]["gender"] == "女"
    assert body["parsed"]["division_name"] == "北京市朝阳区"
    assert body["warnings"] == []


def test_invalid_value_is_a_200_with_the_error_code(client, db):
    body = get(client, kind="citizen-id", value="110105194912310021").json()
    assert body == {
        "valid": False,
        "code": "invalid_checksum",
        "message": "身份证号码校验位错误",
        "parsed": {},
        "normalized": None,
        "warnings": [],
    }


def test_missing_value_reports_empty(client, db):
    body = get(client, kind="mobile").json()
    assert (body["valid"], body["code"]) == (False, "empty")


def test_legacy_needs_allow_legacy(client, db):
    assert (
        get(client, kind="citizen-id", value="360426910101007").json()["code"]
        == "legacy_not_allowed"
    )
    body = get(client, kind="citizen-id", value="360426910101007", allow_legacy="true").json()
    assert body["valid"] is True
    assert body["normalized"] == "360426199101010071"


@pytest.mark.parametrize(
    ("kind", "value", "field", "expected"),
    [
        ("uscc", "91350100M000100Y43", "entity_type", "企业"),
        ("uscc", "91350100M000100Y43", "authority_name", "工商"),
        ("division", "440106", "full_name", "广东省广州市天河区"),
        (
            "licence-id",
            "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
            "number",
            "2430599",
        ),
        ("mobile", "13800138000", "carrier", "中国移动"),
    ],
)
def test_each_kind(client, db, kind, value, field, expected):
    body = get(client, kind=kind, value=value).json()
    assert body["valid"] is True, body
    assert body["parsed"][field] == expected


def test_unknown_kind_is_a_400_with_chinese_message(client, db):
    response = get(client, kind="passport", value="E123")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_kind"
    assert body["field"] == "kind"
    assert "不支持的代码类型" in body["message"]


def test_post_form_keeps_the_id_out_of_the_url(client, db):
    response = client.post(
        URL, {"kind": "citizen-id", "value": "360426199101010071"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["parsed"]["gender"] == "男"
    bad = client.post(URL, {"kind": "nope", "value": "1"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "unknown_kind")


def test_public_endpoint_same_for_outsider_and_anonymous_and_writes_nothing(client, outsider):
    before = AuditEvent.objects.count()
    anonymous = get(client, kind="uscc", value="91110000600037341L").json()
    client.force_login(outsider)
    logged_in = get(client, kind="uscc", value="91110000600037341L").json()
    assert anonymous == logged_in
    assert anonymous["valid"] is True
    assert AuditEvent.objects.count() == before


def test_openapi_documents_the_endpoint_and_error_codes(client, db):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][URL]["get"]
    assert operation["operationId"] == "core_validate_code"
    assert "security" not in operation or operation["security"] in ([], [{}])
    for code in (
        "invalid_checksum",
        "unknown_division",
        "invalid_birth_date",
        "invalid_org_code",
        "unknown_authority_type",
        "legacy_not_allowed",
        "invalid_prefix",
    ):
        assert f"`{code}`" in operation["description"]
    kind = next(param for param in operation["parameters"] if param["name"] == "kind")
    assert kind["schema"]["enum"] == ["citizen-id", "uscc", "division", "licence-id", "mobile"]
    assert document["paths"][URL]["post"]["operationId"] == "core_validate_code_post"
