"""Statements and reconciliation: the file format, each mismatch type, resolving differences,
the periodic task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.payments import tasks_finance
from tongban.payments.models import (
    ReconciliationItem,
    ReconciliationRun,
    Refund,
    StatementFile,
    StatementLine,
)
from tongban.payments.services import reconciliation, refunds, statements
from tongban.payments.tests.finance_support import (
    at,
    audit_types,
    flagged_payment,
    make_sz_finance,
    paid_order,
    yesterday,
)

pytestmark = pytest.mark.django_db
Kind = ReconciliationItem.Kind


@pytest.fixture(autouse=True)
def _statement_dir(settings, tmp_path):
    settings.PAYMENTS_STATEMENT_DIR = tmp_path / "statements"
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ()


@pytest.fixture
def sz_finance(sz_market_dept):
    return make_sz_finance(sz_market_dept)


@pytest.fixture
def day():
    return yesterday()


@pytest.fixture
def orders(gz_market_dept, sz_market_dept, day):
    return [
        paid_order(gz_market_dept, amount=6000, paid_at=at(day, 9)),
        paid_order(gz_market_dept, amount=2000, paid_at=at(day, 11)),
        paid_order(sz_market_dept, amount=5000, paid_at=at(day, 14)),
        paid_order(gz_market_dept, amount=3000, paid_at=at(day, 16)),
        # another channel and another day are not part of the wechat statement of ``day``
        paid_order(gz_market_dept, amount=1000, paid_at=at(day, 12), channel="alipay"),
        paid_order(gz_market_dept, amount=1000, paid_at=at(day - timedelta(days=1), 12)),
    ]


def _kinds(run):
    return {kind: run.items.filter(kind=kind).count() for kind in Kind}


# --- the file format ----------------------------------------------------------------------------
def test_simulated_statement_round_trips_through_the_parser(orders, day):
    path = statements.write_simulated_statement("wechat", day)
    content = path.read_bytes()
    text = content.decode()
    assert text.startswith(statements.TITLE)
    assert "`PAY" in text and "总交易笔数" in text
    parsed = statements.parse_statement(content, channel="wechat", statement_date=day)
    assert len(parsed.lines) == 4
    assert parsed.paid_total == 16000
    assert parsed.fee_total == sum(
        statements.fee_for("wechat", a) for a in (6000, 2000, 5000, 3000)
    )
    assert {line.payment_code for line in parsed.lines} == {o.code for o in orders[:4]}


def _valid_file(day, rows=None):
    rows = (
        rows
        if rows is not None
        else [
            {
                "occurred_at": at(day, 10),
                "trade_no": "T1",
                "channel_trade_no": "C1",
                "payment_code": "44010026000000000010",
                "kind": "PAY",
                "amount": 100,
                "fee": 1,
            }
        ]
    )
    return statements.render_statement("wechat", day, rows)


@pytest.mark.parametrize(
    ("mangle", "detail"),
    [
        (lambda t: t.replace("# 通办支付渠道对账单", "hello"), "标题"),
        (lambda t: t.replace("总交易笔数", "合计"), "汇总"),
        (lambda t: t.replace("`1,`100,`0,`1", "`2,`100,`0,`1"), "笔数"),
        (lambda t: t.replace("`1,`100,`0,`1", "`1,`999,`0,`1"), "金额"),
        (lambda t: t.replace(",`100,`1\n", ",`-100,`1\n"), "金额"),
        (lambda t: t.replace(",`100,`1\n", ",`1e3,`1\n"), "金额"),
        (lambda t: t.replace("`PAY", "`GIFT"), "交易类型"),
        (lambda t: t.replace(" 10:00:00", " 25:00:00"), "交易时间"),
        (lambda t: t.replace("渠道,wechat", "渠道,paypal"), "渠道"),
        (lambda t: t.replace(",`C1,", ","), "列"),
        (lambda t: t.replace("交易时间,平台交易号", "时间,交易号"), "表头"),
    ],
)
def test_malformed_statement_is_refused_and_nothing_is_stored(day, finance_officer, mangle, detail):
    content = mangle(_valid_file(day).decode()).encode()
    with pytest.raises(DomainError) as exc:
        statements.import_statement(
            "wechat", day, content, file_name="x.csv", actor=finance_officer
        )
    assert exc.value.code == "statement_malformed"
    assert detail in exc.value.message
    assert "第" in exc.value.message
    assert not StatementFile.objects.exists()
    assert not StatementLine.objects.exists()
    assert "payments.statement_imported" not in audit_types()


def test_statement_of_another_day_or_channel_is_refused(day, finance_officer):
    content = _valid_file(day)
    for channel, when in (("alipay", day), ("wechat", day - timedelta(days=1))):
        with pytest.raises(DomainError) as exc:
            statements.import_statement(
                channel, when, content, file_name="x", actor=finance_officer
            )
        assert exc.value.code == "statement_malformed"
    assert not StatementFile.objects.exists()


def test_not_utf8_is_refused(day, finance_officer):
    with pytest.raises(DomainError) as exc:
        statements.import_statement(
            "wechat", day, "对账单".encode("gbk"), file_name="x", actor=finance_officer
        )
    assert exc.value.code == "statement_malformed"


def test_import_is_idempotent_and_a_different_file_for_the_day_is_refused(day, finance_officer):
    content = _valid_file(day)
    first = statements.import_statement(
        "wechat", day, content, file_name="a", actor=finance_officer
    )
    again = statements.import_statement(
        "wechat", day, content, file_name="a", actor=finance_officer
    )
    assert first.pk == again.pk
    assert first.row_count == 1 and first.total_amount == 100 and first.total_fee == 1
    other = content.replace(b"`T1,", b"`T2,")
    with pytest.raises(DomainError) as exc:
        statements.import_statement("wechat", day, other, file_name="b", actor=finance_officer)
    assert exc.value.code == "statement_conflict"
    assert StatementFile.objects.count() == 1
    assert audit_types().count("payments.statement_imported") == 1


# --- matching ----------------------------------------------------------------------------------
def test_clean_day_matches_everything(orders, day, finance_officer):
    run = reconciliation.reconcile("wechat", day, actor=finance_officer)
    assert run.status == ReconciliationRun.Status.COMPLETED
    assert _kinds(run) == {
        Kind.MATCHED: 4,
        Kind.MISSING_AT_PLATFORM: 0,
        Kind.MISSING_AT_CHANNEL: 0,
        Kind.AMOUNT_MISMATCH: 0,
    }
    assert not run.items.exclude(status=ReconciliationItem.Status.MATCHED).exists()
    matched = run.items.get(payment__order=orders[2])
    assert matched.org_unit == orders[2].org_unit
    assert matched.fee == statements.fee_for("wechat", 5000)
    assert "payments.reconciliation_completed" in audit_types(target_id=str(run.pk))


def test_each_mismatch_type_is_found(orders, day, finance_officer, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = (
        "missing_at_channel",
        "missing_at_platform",
        "amount_mismatch",
    )
    run = reconciliation.reconcile("wechat", day, actor=finance_officer)
    assert _kinds(run) == {
        Kind.MATCHED: 2,
        Kind.MISSING_AT_PLATFORM: 1,
        Kind.MISSING_AT_CHANNEL: 1,
        Kind.AMOUNT_MISMATCH: 1,
    }
    missing_channel = run.items.get(kind=Kind.MISSING_AT_CHANNEL)
    assert missing_channel.payment.order == orders[0]  # the first row was dropped
    assert missing_channel.channel_amount is None and missing_channel.platform_amount == 6000
    mismatch = run.items.get(kind=Kind.AMOUNT_MISMATCH)
    assert mismatch.payment.order == orders[3]  # the last payment row got 1 元 more
    assert (mismatch.platform_amount, mismatch.channel_amount) == (3000, 3100)
    extra = run.items.get(kind=Kind.MISSING_AT_PLATFORM)
    assert extra.payment is None and extra.line is not None and extra.channel_amount == 1000
    # the unknown line carries a code of a known order: that order's department sees it
    assert extra.org_unit == orders[1].org_unit
    assert set(
        run.items.filter(kind__in=ReconciliationItem.DIFFERENCES).values_list("status", flat=True)
    ) == {"open"}
    summary = reconciliation.run_summary(run)
    assert summary[Kind.AMOUNT_MISMATCH]["open"] == 1
    assert summary[Kind.MATCHED]["count"] == 2


def test_same_trade_with_another_payment_code_does_not_match(orders, day, finance_officer):
    rows = statements.simulated_rows("wechat", day)
    rows[0]["payment_code"] = "44030026999999999990"
    content = statements.render_statement("wechat", day, rows)
    statement = statements.import_statement("wechat", day, content, file_name="x", actor=None)
    run = reconciliation.reconcile_statement(statement, actor=finance_officer)
    assert _kinds(run)[Kind.MISSING_AT_PLATFORM] == 1
    assert _kinds(run)[Kind.MISSING_AT_CHANNEL] == 1
    assert _kinds(run)[Kind.MATCHED] == 3
    # no order has that code: the line goes to the region of the code's division (深圳市)
    extra = run.items.get(kind=Kind.MISSING_AT_PLATFORM)
    assert extra.org_unit.code == "440300"


def test_duplicate_line_for_one_trade_counts_as_missing_at_platform(orders, day):
    rows = statements.simulated_rows("wechat", day)
    rows.append(dict(rows[1]))
    content = statements.render_statement("wechat", day, rows)
    statement = statements.import_statement("wechat", day, content, file_name="x", actor=None)
    run = reconciliation.reconcile_statement(statement, actor=None)
    assert _kinds(run)[Kind.MATCHED] == 4
    duplicate = run.items.get(kind=Kind.MISSING_AT_PLATFORM)
    assert duplicate.trade_no == rows[1]["trade_no"]


def test_refunds_are_reconciled_by_refund_number(
    gz_market_dept, day, finance_officer, finance_reviewer
):
    order = paid_order(gz_market_dept, amount=6000, paid_at=at(day, 9))
    refund = refunds.request_refund(order, actor=finance_officer, amount=1000, reason="多收")
    refunds.approve_refund(refund, actor=finance_reviewer)
    refunds.submit_refund(refund.pk)
    Refund.objects.filter(pk=refund.pk).update(completed_at=at(day, 15))
    other = refunds.request_refund(order, actor=finance_officer, amount=500, reason="多收")
    refunds.approve_refund(other, actor=finance_reviewer)
    refunds.submit_refund(other.pk)
    Refund.objects.filter(pk=other.pk).update(completed_at=at(day, 16))
    rows = [
        row
        for row in statements.simulated_rows("wechat", day)
        if row["trade_no"] != other.refund_no
    ]
    content = statements.render_statement("wechat", day, rows)
    assert "`REFUND" in content.decode()
    statement = statements.import_statement("wechat", day, content, file_name="x", actor=None)
    run = reconciliation.reconcile_statement(statement, actor=None)
    refund_items = run.items.filter(record_type="REFUND")
    assert refund_items.get(kind=Kind.MATCHED).refund == refund
    assert refund_items.get(kind=Kind.MISSING_AT_CHANNEL).refund == other


def test_reconciling_again_returns_the_completed_run(orders, day, finance_officer):
    first = reconciliation.reconcile("wechat", day, actor=finance_officer)
    again = reconciliation.reconcile("wechat", day, actor=finance_officer)
    assert first.pk == again.pk
    assert ReconciliationItem.objects.count() == 4


def test_today_and_unknown_channels_are_refused(finance_officer):
    with pytest.raises(DomainError) as exc:
        reconciliation.reconcile("wechat", timezone.localdate(), actor=finance_officer)
    assert exc.value.code == "statement_date_invalid"
    with pytest.raises(DomainError) as exc:
        reconciliation.reconcile("paypal", yesterday(), actor=finance_officer)
    assert exc.value.code == "channel_unknown"
    assert not ReconciliationRun.objects.exists()


def test_without_simulators_and_adapter_download_the_statement_is_unavailable(
    settings, day, finance_officer
):
    settings.SIMULATORS_ENABLED = False
    with pytest.raises(DomainError) as exc:
        reconciliation.reconcile("wechat", day, actor=finance_officer)
    assert exc.value.code == "statement_unavailable"
    assert exc.value.status == 404
    assert not StatementFile.objects.exists()


class DownloadingChannel:
    """A real channel's adapter offering the statement download (``fetch_statement``)."""

    key = "wechat"
    is_simulator = False

    def __init__(self, key):
        self.key = key

    def fetch_statement(self, day):
        return statements.render_statement(self.key, day, statements.simulated_rows(self.key, day))


def test_a_channel_adapter_may_deliver_the_statement(orders, day, settings):
    settings.SIMULATORS_ENABLED = False
    settings.PAYMENTS_CHANNELS = {"wechat": f"{__name__}.DownloadingChannel"}
    run = reconciliation.reconcile("wechat", day, actor=None)
    assert run.statement.file_name == f"wechat-{day:%Y%m%d}.csv"
    assert _kinds(run)[Kind.MATCHED] == 4
    assert not statements.statement_path("wechat", day).exists()  # the simulator wrote nothing


# --- resolving differences ------------------------------------------------------------------------
@pytest.fixture
def run_with_differences(orders, day, settings):
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ("missing_at_channel", "amount_mismatch")
    return reconciliation.reconcile("wechat", day, actor=None)


def test_finance_resolves_a_difference_with_a_note(run_with_differences, finance_officer):
    item = run_with_differences.items.get(kind=Kind.AMOUNT_MISMATCH)
    reconciliation.resolve_item(item, actor=finance_officer, note="渠道多扣 1 元，已联系退回")
    item.refresh_from_db()
    assert item.status == ReconciliationItem.Status.RESOLVED
    assert item.resolved_by == finance_officer
    assert item.resolution_note == "渠道多扣 1 元，已联系退回"
    assert "payments.reconciliation_item_resolved" in audit_types(target_id=str(item.pk))
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve_item(item, actor=finance_officer, note="again")
    assert exc.value.code == "reconciliation_item_not_open"


def test_resolving_needs_a_note(run_with_differences, finance_officer):
    item = run_with_differences.items.get(kind=Kind.AMOUNT_MISMATCH)
    for note, code in (("", "note_required"), ("x" * 501, "note_too_long")):
        with pytest.raises(DomainError) as exc:
            reconciliation.resolve_item(item, actor=finance_officer, note=note)
        assert exc.value.code == code
    item.refresh_from_db()
    assert item.status == ReconciliationItem.Status.OPEN


def test_matched_items_are_not_resolvable(run_with_differences, finance_officer):
    item = run_with_differences.items.filter(kind=Kind.MATCHED).first()
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve_item(item, actor=finance_officer, note="ok")
    assert exc.value.code == "reconciliation_item_not_open"


def test_other_city_finance_sees_and_resolves_nothing_of_guangzhou(
    run_with_differences, sz_finance, gz_market_dept
):
    item = run_with_differences.items.get(kind=Kind.AMOUNT_MISMATCH)
    with pytest.raises(DomainError) as exc:
        reconciliation.access_item(sz_finance, item.pk)
    assert exc.value.status == 404
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve_item(item, actor=sz_finance, note="不是我的")
    assert exc.value.status == 403
    item.refresh_from_db()
    assert item.status == ReconciliationItem.Status.OPEN
    visible = reconciliation.items_for(sz_finance).filter(run=run_with_differences)
    assert set(visible.values_list("org_unit__code", flat=True)) == {"440300-市场监督管理局"}


# --- the periodic task --------------------------------------------------------------------------------
def test_periodic_task_reconciles_recent_days_of_every_channel(orders, day, settings):
    settings.PAYMENTS_RECONCILE_DAYS = 2
    result = tasks_finance.reconcile_recent_days()
    assert len(result["completed"]) == 6  # three simulated channels × two days
    assert ReconciliationRun.objects.filter(status="completed").count() == 6
    wechat = ReconciliationRun.objects.get(channel="wechat", statement_date=day)
    assert wechat.items.count() == 4
    again = tasks_finance.reconcile_recent_days()
    assert again["completed"] == [] and again["failed"] == []


def test_periodic_task_keeps_a_failed_run_for_a_malformed_file(day, settings):
    settings.PAYMENTS_RECONCILE_DAYS = 1
    path = statements.statement_path("wechat", day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("garbage", encoding="utf-8")
    result = tasks_finance.reconcile_recent_days()
    assert "wechat" in result["failed"][0] and "statement_malformed" in result["failed"][0]
    failed = ReconciliationRun.objects.get(channel="wechat", status="failed")
    assert failed.error_code == "statement_malformed"
    tasks_finance.reconcile_recent_days()
    assert ReconciliationRun.objects.filter(channel="wechat", status="failed").count() == 1
    assert not StatementFile.objects.filter(channel="wechat").exists()


def test_payment_flagged_with_a_wrong_amount_is_an_amount_mismatch(gz_market_dept, day):
    unpaid = paid_order(gz_market_dept, amount=6000, status="created")
    flagged = flagged_payment(unpaid, reported_amount=5000, when=at(day, 13))
    run = reconciliation.reconcile("wechat", day, actor=None)
    item = run.items.get(payment=flagged)
    assert item.kind == Kind.AMOUNT_MISMATCH
    assert (item.platform_amount, item.channel_amount) == (6000, 5000)
    assert item.org_unit == gz_market_dept
