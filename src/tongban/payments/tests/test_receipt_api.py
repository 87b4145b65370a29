"""Receipt API: public verification, "我的票据", the staff list; outsiders get nothing."""

import io
import zipfile

import pytest
from django.test import Client

from tongban.core.models import AuditEvent
from tongban.payments.models import Receipt, ReceiptVerificationFailure
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue

pytestmark = pytest.mark.django_db
BASE = "/api/v1/payments"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def receipt(gz_market_dept, citizen):
    return issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, payer_name=citizen.name))


def snapshot():
    return (
        list(Receipt.objects.values_list("pk", "amount", "check_code")),
        AuditEvent.objects.count(),
    )


def verify(client, receipt, check_code=None, **extra):
    params = {
        "code": receipt.code,
        "number": receipt.number,
        "check_code": check_code or receipt.check_code,
        **extra,
    }
    return client.get(f"{BASE}/receipts/verify", params)


def test_public_verify(receipt):
    response = verify(client_for(), receipt)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] and body["signature_ok"] and body["reason"] == ""
    assert (body["code"], body["number"], body["check_code"]) == (
        receipt.code,
        receipt.number,
        receipt.check_code,
    )
    assert body["payer_name"] == "张*" and body["payer_id_number"] == "440***********1235"
    assert body["amount"] == 6000 and body["amount_in_words"] == "陆拾元整"
    assert body["items"][0]["amount_yuan"] == "60.00"
    assert body["seal_name"] == "广州市市场监督管理局财务专用章"


def test_public_verify_with_a_wrong_check_code(receipt):
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    before = snapshot()
    response = verify(client_for(), receipt, wrong)
    assert response.status_code == 404 and response.json()["code"] == "receipt_not_found"
    assert snapshot() == before and ReceiptVerificationFailure.objects.count() == 1


def test_public_verify_with_malformed_input(receipt):
    response = verify(client_for(), receipt, "xyz")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_check_code",
        "message": "校验码应为 6 位字母或数字",
        "field": "check_code",
    }


def test_public_verify_rate_limit(receipt, settings):
    settings.PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES = 1
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    client = client_for()
    assert verify(client, receipt, wrong).status_code == 404
    response = verify(client, receipt)
    assert response.status_code == 429 and response.json()["code"] == "receipt_verify_rate_limited"


def test_my_receipts_list_and_detail(receipt, citizen, gz_market_dept):
    issue(PaidOrderFactory(org_unit=gz_market_dept, payer_id_number="440304198505050020"))
    client = client_for(citizen)
    body = client.get(f"{BASE}/my/receipts").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["code"], item["number"], item["amount"]) == (receipt.code, receipt.number, 6000)
    assert item["payer_id_number"] == "440106199001011235"  # the payer's own
    assert item["verify_url"].endswith(
        f"/receipts/verify/{receipt.code}/{receipt.number}/{receipt.check_code}/"
    )
    detail = client.get(f"{BASE}/my/receipts/{receipt.code}/{receipt.number}").json()
    assert detail["valid"] and detail["esid"] == receipt.finance_seal.esid


def test_my_receipt_pdf_and_bundle(receipt, citizen):
    client = client_for(citizen)
    pdf = client.get(f"{BASE}/my/receipts/{receipt.code}/{receipt.number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    bundle = client.get(f"{BASE}/my/receipts/{receipt.code}/{receipt.number}/bundle")
    assert bundle.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    assert archive.read("data.json") == bytes(receipt.signed_data)


@pytest.mark.parametrize("suffix", ["", "/pdf", "/bundle"])
def test_outsider_gets_404_and_nothing_changes(receipt, outsider, suffix):
    before = snapshot()
    response = client_for(outsider).get(
        f"{BASE}/my/receipts/{receipt.code}/{receipt.number}{suffix}"
    )
    assert response.status_code == 404 and response.json()["code"] == "receipt_not_found"
    assert snapshot() == before
    assert client_for(outsider).get(f"{BASE}/my/receipts").json()["count"] == 0


def test_anonymous_gets_401(receipt):
    assert client_for().get(f"{BASE}/my/receipts").status_code == 401
    response = client_for().get(f"{BASE}/my/receipts/{receipt.code}/{receipt.number}")
    assert response.status_code == 401


def test_staff_list_is_limited_to_their_units(receipt, finance_officer, sz_market_dept, province):
    other = issue(PaidOrderFactory(org_unit=sz_market_dept))
    body = client_for(finance_officer).get(f"{BASE}/receipts").json()
    assert [row["number"] for row in body["items"]] == [receipt.number]
    filtered = client_for(finance_officer).get(
        f"{BASE}/receipts", {"payment_code": other.payment_code}
    )
    assert filtered.json()["count"] == 0


def test_staff_list_refuses_others(receipt, citizen, clerk):
    before = snapshot()
    for user in (citizen, clerk):
        response = client_for(user).get(f"{BASE}/receipts")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert snapshot() == before


def test_openapi_lists_the_operations():
    schema = client_for().get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "payments_verify_receipt",
        "payments_list_my_receipts",
        "payments_get_my_receipt",
        "payments_download_my_receipt",
        "payments_export_my_receipt",
        "payments_list_receipts",
    } <= operations


def test_list_query_count_does_not_grow_with_receipts(
    receipt, citizen, gz_market_dept, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(citizen)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{BASE}/my/receipts").json()["count"] == 1
    for _ in range(4):
        issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{BASE}/my/receipts").json()["count"] == 5
