"""Demo data of payments finance (idempotent; after ``tongban.payments.demo.seed``).

For 广州市公安局 (finance officers gz_finance / gz_finance2): three fees paid through the WeChat
Pay simulator yesterday, yesterday's WeChat statement written by the simulator with two
discrepancies (one amount 1 元 higher, one payment the platform never saw) and reconciled, so
the console shows open differences to resolve; and a refund gz_finance asked for that
gz_finance2 can approve (the four-eyes demo). Only while simulators are on.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

DEMO_FEES = [
    # (reference, title, item, amount in fen, hour paid yesterday)
    ("DEMO-FIN-0001", "往来港澳通行证签发", "证件费", 6000, 9),
    ("DEMO-FIN-0002", "普通护照签发", "护照工本费", 12000, 11),
    ("DEMO-FIN-0003", "居民身份证补领", "证件工本费", 2000, 15),
]
DISCREPANCIES = ("amount_mismatch", "missing_at_platform")
PAYER = ("440106199203150049", "王芳")


def _paid_yesterday(unit, reference, title, item, amount, hour, payer):
    import secrets

    from tongban.payments.channels.base import CallbackData
    from tongban.payments.models import PaymentOrder
    from tongban.payments.services import callbacks, orders

    day = timezone.localdate() - timedelta(days=1)
    paid_at = timezone.make_aware(datetime.combine(day, time(hour, 0)))
    with transaction.atomic():
        order = orders.create_order(
            actor="demo",
            org_unit=unit,
            items=[{"name": item, "basis": "", "amount": amount, "budget_account": ""}],
            source=PaymentOrder.Source.API,
            payer_name=PAYER[1],
            payer_id_number=PAYER[0],
            title=title,
            reference=reference,
            client_id="demo",
        )
        # the demo story happened yesterday
        PaymentOrder.objects.filter(pk=order.pk).update(created_at=paid_at - timedelta(minutes=10))
    payment, _result = orders.start_payment(order, channel="wechat", actor=payer)
    callbacks.apply_callback(
        "wechat",
        CallbackData(
            event_id=f"demo-fin-{secrets.token_hex(8)}",
            trade_no=payment.trade_no,
            channel_trade_no=f"4200{secrets.randbelow(10**12):012d}",
            amount=payment.amount,
            status="success",
            paid_at=paid_at,
        ),
    )
    order.refresh_from_db()
    return order


def seed(report) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tongban.core import orgunits
    from tongban.payments.models import PaymentOrder, ReconciliationRun, Refund
    from tongban.payments.services import reconciliation, refunds, statements

    if not getattr(settings, "SIMULATORS_ENABLED", False):
        return
    unit = orgunits.department_unit("440100", "公安局")
    User = get_user_model()
    payer = User.objects.filter(id_number=PAYER[0]).first()
    if unit is None or payer is None:
        return
    day = timezone.localdate() - timedelta(days=1)
    orders = []
    for reference, title, item, amount, hour in DEMO_FEES:
        existing = PaymentOrder.objects.filter(reference=reference, client_id="demo").first()
        if existing is None:
            existing = _paid_yesterday(unit, reference, title, item, amount, hour, payer)
            report.add(f"finance demo: paid order {existing.code} ({title})")
        orders.append(existing)

    if not ReconciliationRun.objects.filter(
        channel="wechat", statement_date=day, status=ReconciliationRun.Status.COMPLETED
    ).exists():
        statements.write_simulated_statement("wechat", day, discrepancies=DISCREPANCIES)
        run = reconciliation.reconcile("wechat", day, actor="demo")
        report.add(f"finance demo: reconciled wechat {day} (run {run.pk})")

    officer = User.objects.filter(username="gz_finance").first()
    first = orders[0]
    if (
        officer is not None
        and first.status == PaymentOrder.Status.SUCCESS
        and not Refund.objects.filter(order=first, kind=Refund.Kind.MANUAL).exists()
    ):
        refund = refunds.request_refund(
            first, actor=officer, amount=2000, reason="演示：多收证件费，退还 20 元"
        )
        report.add(f"finance demo: refund {refund.refund_no} awaiting gz_finance2's approval")
