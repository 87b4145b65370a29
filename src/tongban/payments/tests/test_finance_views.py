"""Finance console pages (/console/payments/): who sees what, refund forms, reconciliation
pages with HTMX resolve, dashboard chart; outsiders change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tongban.payments.models import ReconciliationItem, Refund, StatementFile
from tongban.payments.services import reconciliation, refunds, statements
from tongban.payments.tests.finance_support import (
    at,
    audit_types,
    make_sz_finance,
    paid_order,
    yesterday,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _statement_dir(settings, tmp_path):
    settings.PAYMENTS_STATEMENT_DIR = tmp_path / "statements"
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ()


@pytest.fixture
def sz_finance(sz_market_dept):
    return make_sz_finance(sz_market_dept)


@pytest.fixture
def order(gz_market_dept):
    return paid_order(gz_market_dept, amount=6000, paid_at=at(yesterday(), 10))


def url(name, *args):
    return reverse(f"payments_console:{name}", args=args)


def test_console_home_shows_the_finance_cards(client, finance_officer):
    client.force_login(finance_officer)
    page = client.get(reverse("console:home")).content.decode()
    for name in ("dashboard", "order_list", "refund_list", "run_list"):
        assert url(name) in page


def test_order_search_lists_only_own_department(client, order, sz_market_dept, finance_officer):
    other = paid_order(sz_market_dept)
    client.force_login(finance_officer)
    page = client.get(url("order_list")).content.decode()
    assert order.code in page and other.code not in page
    partial = client.get(
        url("order_list"), {"q": order.code}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-results"
    )
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert order.code in partial.content.decode()


def test_other_city_finance_sees_nothing_of_guangzhou(client, order, sz_finance):
    client.force_login(sz_finance)
    assert order.code not in client.get(url("order_list")).content.decode()
    assert client.get(url("order_detail", order.code)).status_code == 404
    response = client.post(url("refund_request", order.code), {"amount": "10", "reason": "x"})
    assert response.status_code == 404
    assert not Refund.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "clerk"])
def test_non_finance_people_are_refused(client, order, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for name, args in (("dashboard", ()), ("order_list", ()), ("order_detail", (order.code,))):
        assert client.get(url(name, *args)).status_code == 403
    response = client.post(url("refund_request", order.code), {"amount": "10", "reason": "x"})
    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_anonymous_is_sent_to_login(client, order):
    response = client.get(url("order_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_request_refund_from_the_order_page_then_second_person_approves(
    client, order, finance_officer, finance_reviewer, django_capture_on_commit_callbacks
):
    client.force_login(finance_officer)
    page = client.get(url("order_detail", order.code)).content.decode()
    assert 'id="refund-form"' in page and "60.00" in page
    response = client.post(
        url("refund_request", order.code), {"amount": "12.50", "reason": "部分项目免收"}
    )
    refund = Refund.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("refund_detail", refund.refund_no)
    assert refund.amount == 1250
    detail = client.get(url("refund_detail", refund.refund_no)).content.decode()
    assert 'id="own-request"' in detail and 'id="decide-form"' not in detail
    forced = client.post(url("refund_decide", refund.refund_no), {"action": "approve"})
    assert forced.status_code == 400
    assert "另一名财务人员复核" in forced.content.decode()
    refund.refresh_from_db()
    assert refund.status == "requested"

    client.force_login(finance_reviewer)
    detail = client.get(url("refund_detail", refund.refund_no)).content.decode()
    assert 'id="decide-form"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("refund_decide", refund.refund_no), {"action": "approve", "note": "同意"}
        )
    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    listing = client.get(url("refund_list")).content.decode()
    assert refund.refund_no in listing


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("60.01", "超过可退金额"),
        ("abc", "请输入金额"),
        ("0", "须大于 0"),
        ("1.234", "最多两位小数"),
    ],
)
def test_bad_refund_amounts_show_an_error_and_change_nothing(
    client, order, finance_officer, amount, message
):
    client.force_login(finance_officer)
    response = client.post(url("refund_request", order.code), {"amount": amount, "reason": "多收"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Refund.objects.exists()


def test_unpaid_order_page_offers_no_refund(client, gz_market_dept, finance_officer):
    unpaid = paid_order(gz_market_dept, status="created")
    client.force_login(finance_officer)
    page = client.get(url("order_detail", unpaid.code)).content.decode()
    assert 'id="refund-form"' not in page
    response = client.post(url("refund_request", unpaid.code), {"amount": "1", "reason": "多收"})
    assert response.status_code == 400
    assert "未缴费成功" in response.content.decode()
    assert not Refund.objects.exists()


def test_reject_from_the_refund_page_needs_a_note(client, order, finance_officer, finance_reviewer):
    refund = refunds.request_refund(order, actor=finance_officer, amount=100, reason="多收")
    client.force_login(finance_reviewer)
    response = client.post(url("refund_decide", refund.refund_no), {"action": "reject", "note": ""})
    assert response.status_code == 400
    refund.refresh_from_db()
    assert refund.status == "requested"
    client.post(url("refund_decide", refund.refund_no), {"action": "reject", "note": "无依据"})
    refund.refresh_from_db()
    assert refund.status == "rejected"


# --- reconciliation ------------------------------------------------------------------------------
def test_run_reconciliation_from_the_page_and_resolve_with_htmx(
    client, order, finance_officer, settings
):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    client.force_login(finance_officer)
    response = client.post(url("run_start"), {"channel": "wechat", "date": str(yesterday())})
    assert response.status_code == 302
    run_page = client.get(response["Location"]).content.decode()
    item = ReconciliationItem.objects.get(kind="amount_mismatch")
    assert f'id="item-{item.pk}"' in run_page
    assert "61.00" in run_page
    blank = client.post(url("item_resolve", item.pk), {"note": ""}, HTTP_HX_REQUEST="true")
    assert blank.status_code == 200 and 'role="alert"' in blank.content.decode()
    item.refresh_from_db()
    assert item.status == "open"
    done = client.post(url("item_resolve", item.pk), {"note": "渠道多扣"}, HTTP_HX_REQUEST="true")
    body = done.content.decode()
    assert done.status_code == 200 and body.startswith("<li") and "渠道多扣" in body
    item.refresh_from_db()
    assert item.status == "resolved"
    runs_page = client.get(url("run_list")).content.decode()
    assert "差异已处理" in runs_page


def test_other_city_cannot_resolve_guangzhou_differences(client, order, sz_finance, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    run = reconciliation.reconcile("wechat", yesterday(), actor=None)
    item = run.items.get(kind="amount_mismatch")
    client.force_login(sz_finance)
    page = client.get(url("run_detail", run.pk)).content.decode()
    assert f'id="item-{item.pk}"' not in page
    assert client.post(url("item_resolve", item.pk), {"note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"
    assert "payments.reconciliation_item_resolved" not in audit_types()


def test_malformed_upload_is_refused_with_the_line_and_nothing_stored(
    client, order, finance_officer
):
    day = yesterday()
    content = statements.render_statement("wechat", day, statements.simulated_rows("wechat", day))
    client.force_login(finance_officer)
    response = client.post(
        url("statement_upload"),
        {
            "channel": "wechat",
            "date": str(day),
            "file": SimpleUploadedFile("s.csv", content.replace(b"`PAY", b"`GIFT")),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "对账单格式错误" in body and "第 5 行" in body
    assert not StatementFile.objects.exists()
    ok = client.post(
        url("statement_upload"),
        {"channel": "wechat", "date": str(day), "file": SimpleUploadedFile("s.csv", content)},
    )
    assert ok.status_code == 302
    assert StatementFile.objects.count() == 1


def test_auditor_sees_runs_but_cannot_start_one(client, auditor):
    client.force_login(auditor)
    page = client.get(url("run_list")).content.decode()
    assert 'id="run-form"' not in page
    response = client.post(url("run_start"), {"channel": "wechat", "date": str(yesterday())})
    assert response.status_code == 403


# --- dashboard --------------------------------------------------------------------------------------
def test_dashboard_shows_totals_and_an_inline_svg_chart(
    client, order, gz_market_dept, sz_market_dept, finance_officer, finance_reviewer
):
    paid_order(sz_market_dept, amount=9900, paid_at=at(yesterday(), 11))
    refund = refunds.request_refund(order, actor=finance_officer, amount=1000, reason="多收")
    refunds.approve_refund(refund, actor=finance_reviewer)
    refunds.submit_refund(refund.pk)
    Refund.objects.filter(pk=refund.pk).update(completed_at=at(yesterday(), 12))
    client.force_login(finance_officer)
    page = client.get(url("dashboard")).content.decode()
    assert 'id="total-paid">¥60.00' in page
    assert 'id="total-refunded">¥10.00' in page
    assert 'id="total-net">¥50.00' in page
    assert "<svg" in page and 'role="img"' in page
    assert "99.00" not in page  # Shenzhen's money is not shown
    assert "cdn" not in page.lower()
    unit_page = client.get(url("dashboard"), {"org_unit": gz_market_dept.pk, "days": 7})
    assert unit_page.status_code == 200
    assert "广州市市场监督管理局" in unit_page.content.decode()


def test_dashboard_lists_payments_flagged_for_a_wrong_amount(
    client, gz_market_dept, sz_market_dept, finance_officer
):
    from tongban.payments.tests.finance_support import flagged_payment

    unpaid = paid_order(gz_market_dept, status="created")
    flagged = flagged_payment(unpaid, reported_amount=5900)
    elsewhere = flagged_payment(paid_order(sz_market_dept, status="created"), reported_amount=1)
    client.force_login(finance_officer)
    page = client.get(url("dashboard")).content.decode()
    assert 'id="flagged-payments"' in page
    assert flagged.trade_no in page and elsewhere.trade_no not in page
    refunds.request_refund(unpaid, actor=finance_officer, amount=5900, reason="原路退回")
    assert 'id="flagged-payments"' not in client.get(url("dashboard")).content.decode()


def test_report_exports_as_csv_with_only_own_rows(
    client, order, sz_market_dept, finance_officer, sz_finance, settings
):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    paid_order(sz_market_dept, amount=5000, paid_at=at(yesterday(), 8))
    run = reconciliation.reconcile("wechat", yesterday(), actor=None)
    client.force_login(finance_officer)
    response = client.get(url("run_export", run.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("渠道,账单日期,结果")
    assert len(lines) == 2  # Guangzhou's one payment only (the Shenzhen one is not shown)
    assert order.code in lines[1] and "金额不符" in lines[1] and "60.00" in lines[1]
    client.force_login(sz_finance)
    text = b"".join(client.get(url("run_export", run.pk)).streaming_content).decode("utf-8-sig")
    assert order.code not in text
