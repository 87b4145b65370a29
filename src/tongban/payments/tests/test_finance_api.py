"""Finance API (/api/v1/payments/finance/...): refunds, reconciliation, dashboard — outsiders
get 401/403/404 and change nothing; bad input answers a stable code and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.payments.models import ReconciliationItem, ReconciliationRun, Refund, StatementFile
from tongban.payments.services import reconciliation, refunds, statements
from tongban.payments.tests.finance_support import (
    at,
    audit_types,
    make_sz_finance,
    paid_order,
    yesterday,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/payments/finance"


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


def _as(client, user):
    client.force_login(user)
    return client


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


# --- orders ------------------------------------------------------------------------------------
def test_finance_lists_and_reads_orders_of_their_department(client, order, finance_officer):
    _as(client, finance_officer)
    response = client.get(f"{BASE}/orders", {"q": order.code[:8]})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["code"] == order.code
    detail = client.get(f"{BASE}/orders/{order.code}").json()
    assert detail["refundable_amount"] == 6000
    assert detail["payments"][0]["settles_order"] is True
    assert detail["refunds"] == []


def test_other_city_finance_sees_no_order(client, order, sz_finance):
    _as(client, sz_finance)
    assert client.get(f"{BASE}/orders").json()["count"] == 0
    response = client.get(f"{BASE}/orders/{order.code}")
    assert response.status_code == 404
    assert response.json()["code"] == "order_not_found"


def test_order_list_query_count_does_not_grow_with_rows(
    client, gz_market_dept, finance_officer, django_assert_max_num_queries
):
    for _ in range(5):
        paid_order(gz_market_dept)
    _as(client, finance_officer)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/orders")
    assert response.json()["count"] == 5


@pytest.mark.parametrize("persona", ["citizen", "clerk", None])
def test_outsiders_cannot_use_the_finance_api(client, order, request, persona):
    if persona:
        _as(client, request.getfixturevalue(persona))
    expected = 403 if persona else 401
    assert client.get(f"{BASE}/orders").status_code == expected
    response = _post(client, "/refunds", {"order_code": order.code, "amount": 100, "reason": "x"})
    assert response.status_code == expected
    assert client.get(f"{BASE}/dashboard").status_code == expected
    assert client.get(f"{BASE}/reconciliation/runs").status_code == expected
    assert not Refund.objects.exists()


# --- refunds ------------------------------------------------------------------------------------
def test_refund_request_and_four_eyes_approval(
    client, order, finance_officer, finance_reviewer, django_capture_on_commit_callbacks
):
    _as(client, finance_officer)
    response = _post(
        client, "/refunds", {"order_code": order.code, "amount": 1500, "reason": "多收费用"}
    )
    assert response.status_code == 201, response.json()
    refund_no = response.json()["refund_no"]
    assert response.json()["status"] == "requested"

    own = _post(client, f"/refunds/{refund_no}/approve", {"note": ""})
    assert own.status_code == 403
    assert own.json()["code"] == "refund_self_approval"
    assert Refund.objects.get(refund_no=refund_no).status == "requested"

    _as(client, finance_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        approved = _post(client, f"/refunds/{refund_no}/approve", {"note": "同意"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == str(finance_reviewer)
    read = client.get(f"{BASE}/refunds/{refund_no}").json()
    assert read["status"] == "succeeded" and read["channel_refund_no"]
    listed = client.get(f"{BASE}/refunds", {"status": "succeeded"}).json()
    assert [row["refund_no"] for row in listed["items"]] == [refund_no]
    assert "payments.refund_approved" in audit_types(actor=finance_reviewer)


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"amount": 6001, "reason": "多收"}, 400, "refund_exceeds_paid"),
        ({"amount": 0, "reason": "多收"}, 400, "refund_amount_invalid"),
        ({"amount": 100, "reason": " "}, 400, "reason_required"),
        (
            {"amount": 100, "reason": "x", "order_code": "44010026999999999999"},
            404,
            "order_not_found",
        ),
    ],
)
def test_bad_refund_requests_change_nothing(client, order, finance_officer, payload, status, code):
    _as(client, finance_officer)
    response = _post(client, "/refunds", {"order_code": order.code, **payload})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not Refund.objects.exists()
    assert "payments.refund_requested" not in audit_types()


def test_refund_of_unpaid_order_is_refused(client, gz_market_dept, finance_officer):
    unpaid = paid_order(gz_market_dept, status="created")
    _as(client, finance_officer)
    response = _post(client, "/refunds", {"order_code": unpaid.code, "amount": 100, "reason": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "order_not_paid"
    assert not Refund.objects.exists()


def test_other_city_finance_cannot_refund_or_decide(client, order, finance_officer, sz_finance):
    refund = refunds.request_refund(order, actor=finance_officer, amount=100, reason="多收")
    _as(client, sz_finance)
    response = _post(client, "/refunds", {"order_code": order.code, "amount": 100, "reason": "x"})
    assert response.status_code == 404
    for action in ("approve", "reject"):
        response = _post(client, f"/refunds/{refund.refund_no}/{action}", {"note": "x"})
        assert response.status_code == 404
        assert response.json()["code"] == "refund_not_found"
    assert client.get(f"{BASE}/refunds").json()["count"] == 0
    refund.refresh_from_db()
    assert refund.status == "requested"
    assert Refund.objects.count() == 1


def test_reject_needs_a_note(client, order, finance_officer, finance_reviewer):
    refund = refunds.request_refund(order, actor=finance_officer, amount=100, reason="多收")
    _as(client, finance_reviewer)
    response = _post(client, f"/refunds/{refund.refund_no}/reject", {"note": ""})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = _post(client, f"/refunds/{refund.refund_no}/reject", {"note": "无依据"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = _post(client, f"/refunds/{refund.refund_no}/approve", {"note": ""})
    assert again.status_code == 409 and again.json()["code"] == "refund_not_pending"


# --- reconciliation ------------------------------------------------------------------------------
def test_run_reconciliation_and_read_the_report(client, order, finance_officer, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    _as(client, finance_officer)
    day = yesterday()
    response = _post(client, "/reconciliation/runs", {"channel": "wechat", "date": str(day)})
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["status"] == "completed"
    assert run["summary"]["amount_mismatch"]["count"] == 1
    assert run["summary"]["amount_mismatch"]["open"] == 1
    items = client.get(
        f"{BASE}/reconciliation/runs/{run['id']}/items", {"kind": "amount_mismatch"}
    ).json()
    assert items["count"] == 1
    item = items["items"][0]
    assert (item["platform_amount"], item["channel_amount"]) == (6000, 6100)
    resolved = _post(
        client, f"/reconciliation/items/{item['id']}/resolve", {"note": "渠道多扣，已追回"}
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == str(finance_officer)
    listed = client.get(f"{BASE}/reconciliation/runs").json()
    assert listed["count"] == 1 and listed["items"][0]["summary"]["amount_mismatch"]["open"] == 0


def test_other_city_finance_sees_no_difference_of_guangzhou(client, order, sz_finance, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    run = reconciliation.reconcile("wechat", yesterday(), actor=None)
    item = run.items.get(kind="amount_mismatch")
    _as(client, sz_finance)
    summary = client.get(f"{BASE}/reconciliation/runs/{run.pk}").json()["summary"]
    assert summary["amount_mismatch"]["count"] == 0
    assert client.get(f"{BASE}/reconciliation/runs/{run.pk}/items").json()["count"] == 0
    response = _post(client, f"/reconciliation/items/{item.pk}/resolve", {"note": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "reconciliation_item_not_found"
    item.refresh_from_db()
    assert item.status == ReconciliationItem.Status.OPEN


def test_resolve_needs_a_note(client, order, finance_officer, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("amount_mismatch",)
    run = reconciliation.reconcile("wechat", yesterday(), actor=None)
    item = run.items.get(kind="amount_mismatch")
    _as(client, finance_officer)
    response = _post(client, f"/reconciliation/items/{item.pk}/resolve", {"note": "  "})
    assert response.status_code == 400 and response.json()["code"] == "note_required"
    item.refresh_from_db()
    assert item.status == "open"


def test_reconciling_today_is_refused(client, finance_officer):
    from django.utils import timezone

    _as(client, finance_officer)
    today = timezone.localdate()
    response = _post(client, "/reconciliation/runs", {"channel": "wechat", "date": str(today)})
    assert response.status_code == 400
    assert response.json()["code"] == "statement_date_invalid"
    response = _post(client, "/reconciliation/runs", {"channel": "paypal", "date": "2026-01-01"})
    assert response.json()["code"] == "channel_unknown"
    assert not ReconciliationRun.objects.exists()


def test_unknown_run_is_404(client, finance_officer):
    _as(client, finance_officer)
    response = client.get(f"{BASE}/reconciliation/runs/999")
    assert response.status_code == 404
    assert response.json()["code"] == "reconciliation_run_not_found"


def test_upload_statement_and_malformed_upload(client, order, finance_officer):
    day = yesterday()
    content = statements.render_statement("wechat", day, statements.simulated_rows("wechat", day))
    _as(client, finance_officer)
    bad = client.post(
        f"{BASE}/statements",
        {
            "channel": "wechat",
            "date": str(day),
            "file": SimpleUploadedFile("s.csv", content.replace(b"`1,", b"`7,")),
        },
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "statement_malformed"
    assert not StatementFile.objects.exists()
    good = client.post(
        f"{BASE}/statements",
        {"channel": "wechat", "date": str(day), "file": SimpleUploadedFile("s.csv", content)},
    )
    assert good.status_code == 201, good.json()
    assert good.json()["row_count"] == 1
    assert "payments.statement_imported" in audit_types(actor=finance_officer)


def test_auditor_reads_but_cannot_act(client, order, auditor):
    _as(client, auditor)
    assert client.get(f"{BASE}/orders").json()["count"] == 1
    response = _post(client, "/refunds", {"order_code": order.code, "amount": 100, "reason": "x"})
    assert response.status_code == 403
    assert not Refund.objects.exists()


# --- dashboard -------------------------------------------------------------------------------------
def test_dashboard_totals_per_day_and_department(
    client, order, gz_market_dept, sz_market_dept, finance_officer
):
    day = yesterday()
    paid_order(gz_market_dept, amount=2000, paid_at=at(day, 15))
    paid_order(sz_market_dept, amount=9900, paid_at=at(day, 15))
    _as(client, finance_officer)
    body = client.get(f"{BASE}/dashboard", {"days": 7}).json()
    assert body["end"] == str(day)
    assert body["paid_amount"] == 8000  # Shenzhen's order is not counted
    assert body["days"][-1]["paid_count"] == 2
    assert len(body["days"]) == 7
    assert [unit["org_unit"] for unit in body["units"]] == ["广州市市场监督管理局"]


def test_openapi_documents_the_finance_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for operation_id in (
        "payments_request_refund",
        "payments_approve_refund",
        "payments_reject_refund",
        "payments_list_reconciliation_items",
        "payments_resolve_reconciliation_item",
        "payments_upload_statement",
        "payments_get_finance_dashboard",
    ):
        assert operation_id in operations
    refund_post = schema["paths"]["/api/v1/payments/finance/refunds"]["post"]
    assert {"400", "403", "404"} <= set(refund_post["responses"])


def test_refund_and_item_lists_use_a_fixed_number_of_queries(
    client, gz_market_dept, finance_officer, settings, django_assert_max_num_queries
):
    day = yesterday()
    for _ in range(4):
        order = paid_order(gz_market_dept, paid_at=at(day, 9))
        refunds.request_refund(order, actor=finance_officer, amount=100, reason="多收")
    run = reconciliation.reconcile("wechat", day, actor=None)
    client.force_login(finance_officer)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/refunds").json()["count"] == 4
    with django_assert_max_num_queries(9):
        assert client.get(f"{BASE}/reconciliation/runs/{run.pk}/items").json()["count"] == 4
