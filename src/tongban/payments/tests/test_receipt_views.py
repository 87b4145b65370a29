"""Receipt pages: "我的票据" (own receipts only) and the public verification pages."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from tongban.core.models import AuditEvent
from tongban.payments.models import Receipt, ReceiptVerificationFailure
from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def receipt(gz_market_dept, citizen):
    return issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, payer_name=citizen.name))


def detail_url(receipt, suffix=""):
    names = {"": "receipt_detail", "pdf": "receipt_pdf", "bundle": "receipt_bundle"}
    return reverse(f"payments_receipts:{names[suffix]}", args=[receipt.code, receipt.number])


def verify_url(receipt, check_code=None):
    return reverse(
        "payments_receipt_verify:receipt_verify_result",
        args=[receipt.code, receipt.number, check_code or receipt.check_code],
    )


def snapshot():
    return (
        list(Receipt.objects.values_list("pk", "amount", "check_code")),
        AuditEvent.objects.count(),
    )


# --- 我的票据 ----------------------------------------------------------------------------------
def test_list_shows_my_receipts(receipt, citizen):
    response = client_for(citizen).get(reverse("payments_receipts:receipt_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-receipt="{receipt.code}{receipt.number}"' in body
    assert "¥60.00" in body and "广州市市场监督管理局" in body
    assert response["Cache-Control"] == "private, no-store"


def test_list_includes_orders_paid_without_an_account_under_my_verified_id(gz_market_dept, citizen):
    unlinked = issue(
        PaidOrderFactory(org_unit=gz_market_dept, payer=None, payer_id_number=citizen.id_number)
    )
    body = client_for(citizen).get(reverse("payments_receipts:receipt_list")).content.decode()
    assert f'data-receipt="{unlinked.code}{unlinked.number}"' in body
    citizen.realname_level = 1  # an unverified account does not get them by ID number
    citizen.save(update_fields=["realname_level"])
    body = client_for(citizen).get(reverse("payments_receipts:receipt_list")).content.decode()
    assert f'data-receipt="{unlinked.code}{unlinked.number}"' not in body


def test_detail_shows_the_receipt_and_its_verdict(receipt, citizen):
    response = client_for(citizen).get(detail_url(receipt))
    assert response.status_code == 200
    body = response.content.decode()
    assert receipt.check_code in body and "陆拾元整" in body and "往来港澳通行证" in body
    assert "verdict-valid" in body and "<svg" in body  # the QR code of the verification URL
    assert verify_url(receipt) in body


def test_pdf_download(receipt, citizen):
    response = client_for(citizen).get(detail_url(receipt, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_bundle_download_holds_the_openssl_files(receipt, citizen):
    response = client_for(citizen).get(detail_url(receipt, "bundle"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == {"tbs.der", "signature.der", "seal-public.pem", "data.json", "README.txt"}


@pytest.mark.parametrize("suffix", ["", "pdf", "bundle"])
def test_an_outsider_cannot_see_my_receipt(receipt, outsider, suffix):
    before = snapshot()
    response = client_for(outsider).get(detail_url(receipt, suffix))
    assert response.status_code == 404
    assert receipt.check_code not in response.content.decode(errors="ignore")
    assert snapshot() == before


def test_an_outsider_list_is_empty(receipt, outsider):
    response = client_for(outsider).get(reverse("payments_receipts:receipt_list"))
    assert response.status_code == 200
    assert receipt.number not in response.content.decode()


def test_staff_of_the_department_do_not_get_it_in_my_receipts(receipt, finance_officer):
    assert client_for(finance_officer).get(detail_url(receipt)).status_code == 404


@pytest.mark.parametrize("suffix", ["", "pdf", "bundle"])
def test_anonymous_is_sent_to_login(receipt, suffix):
    response = client_for().get(detail_url(receipt, suffix))
    assert response.status_code == 302 and "login" in response["Location"]


# --- public verification ----------------------------------------------------------------------
def test_verify_form_redirects_to_the_verdict(receipt):
    response = client_for().get(
        reverse("payments_receipt_verify:receipt_verify_form"),
        {"code": receipt.code, "number": receipt.number, "check_code": receipt.check_code.upper()},
    )
    assert response.status_code == 302 and response["Location"] == verify_url(receipt)


def test_verify_form_names_each_bad_field(receipt):
    response = client_for().get(
        reverse("payments_receipt_verify:receipt_verify_form"),
        {"code": "4406", "number": receipt.number, "check_code": "zz"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "票据代码应为 8 位数字" in body and "校验码应为 6 位字母或数字" in body
    assert 'id="number-error"' not in body


def test_verdict_page_shows_masked_data_and_a_valid_signature(receipt):
    response = client_for().get(verify_url(receipt))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-valid="1"' in body and "真实有效" in body
    assert "张*" in body and "张三" not in body
    assert "440106199001011235" not in body and "440***********1235" in body
    assert "陆拾元整" in body and "广州市市场监督管理局财务专用章" in body


def test_verdict_page_of_a_tampered_receipt_says_so(receipt):
    Receipt.objects.filter(pk=receipt.pk).update(amount=1)
    body = client_for().get(verify_url(receipt)).content.decode()
    assert 'data-valid="0"' in body and 'data-reason="data_mismatch"' in body


def test_wrong_check_code_is_not_found_and_counted(receipt):
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    before = snapshot()
    response = client_for().get(verify_url(receipt, wrong))
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到与票据代码、票据号码和校验码相符的票据" in body and "陆拾元整" not in body
    assert snapshot() == before
    assert ReceiptVerificationFailure.objects.count() == 1


def test_verdict_page_is_rate_limited_per_client(receipt, settings):
    settings.PAYMENTS_RECEIPT_VERIFY_MAX_FAILURES = 2
    wrong = "000000" if receipt.check_code != "000000" else "111111"
    client = client_for()
    for _ in range(2):
        assert client.get(verify_url(receipt, wrong)).status_code == 404
    response = client.get(verify_url(receipt))
    assert response.status_code == 429
    assert 'data-rate-limited="1"' in response.content.decode()


def test_verdict_page_of_a_fully_refunded_receipt(receipt):
    from django.utils import timezone

    from tongban.payments.models import Payment, Refund

    payment = Payment.objects.create(
        order=receipt.order,
        channel="wechat",
        trade_no="T000000000000099",
        amount=6000,
        status="success",
        settles_order=True,
        paid_at=timezone.now(),
    )
    Refund.objects.create(
        refund_no="RF000000000099",
        order=receipt.order,
        payment=payment,
        org_unit=receipt.org_unit,
        amount=6000,
        reason="撤回申请",
        status="succeeded",
        created_at=timezone.now(),
    )
    body = client_for().get(verify_url(receipt)).content.decode()
    assert 'data-status="refunded"' in body and 'data-valid="0"' in body
    assert "已全额退款" in body and "¥60.00" in body


def test_list_page_query_count_does_not_grow_with_receipts(
    receipt, citizen, gz_market_dept, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(citizen)
    url = reverse("payments_receipts:receipt_list")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        issue(PaidOrderFactory(org_unit=gz_market_dept, payer=citizen))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).content.decode().count("data-receipt=") == 5


def test_company_receipts_for_its_legal_rep_and_agents_who_may_pay(
    gz_market_dept, citizen, outsider
):
    import datetime
    import random

    from django.utils import timezone

    from tongban.core.codes import generate_uscc
    from tongban.identity.models import AgentAuthorisation, CompanyAccount

    company = CompanyAccount.objects.create(
        uscc=generate_uscc(division_code="440106", rng=random.Random(7)),
        name="广州市天河区张三餐饮店",
        entity_type="个体工商户",
        legal_rep=citizen,
    )
    receipt = issue(
        PaidOrderFactory(
            org_unit=gz_market_dept,
            payer=None,
            payer_name=company.name,
            payer_id_number=company.uscc,
        )
    )
    marker = f'data-receipt="{receipt.code}{receipt.number}"'
    url = reverse("payments_receipts:receipt_list")
    assert marker in client_for(citizen).get(url).content.decode()
    grant = AgentAuthorisation.objects.create(
        company=company,
        agent=outsider,
        scopes=["apply"],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        created_by=citizen,
    )
    assert marker not in client_for(outsider).get(url).content.decode()
    assert client_for(outsider).get(detail_url(receipt)).status_code == 404
    grant.scopes = ["apply", "pay"]
    grant.save(update_fields=["scopes"])
    assert marker in client_for(outsider).get(url).content.decode()
    assert client_for(outsider).get(detail_url(receipt)).status_code == 200
