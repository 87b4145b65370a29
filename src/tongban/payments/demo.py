"""Demo data of the payments app, called by the demo province seed (idempotent).

Orders (P1): two fees of 广州市公安局 for 王芳 opened as a department system would (no
account on the order: she finds them in 我的缴费 by her ID number) — one to pay, one already
paid through the WeChat Pay simulator (so 我的票据 and the finance console have a row).
Case fees need no seed: accepting a 往来港澳通行证签发 case opens its 60 元 order.
"""

from django.db import transaction
from django.utils import timezone

WANG_FANG = ("440106199203150049", "王芳")
DEMO_ORDERS = [
    # (reference, title, item, basis, amount in fen, paid)
    ("DEMO-PSB-0001", "出入境证件照片采集", "照片采集费", "粤发改价格〔2017〕", 4000, False),
    ("DEMO-PSB-0002", "户籍证明补办", "户口簿工本费", "粤价〔2003〕", 500, True),
]


def _pay(order, payer) -> None:
    import secrets

    from tongban.payments.channels import CallbackData
    from tongban.payments.services import callbacks, orders

    payment, _result = orders.start_payment(order, channel="wechat", actor=payer)
    callbacks.apply_callback(
        "wechat",
        CallbackData(
            event_id=f"demo-{secrets.token_hex(8)}",
            trade_no=payment.trade_no,
            channel_trade_no=f"4200{secrets.randbelow(10**12):012d}",
            amount=payment.amount,
            status="success",
            paid_at=timezone.now(),
        ),
    )


def seed(report) -> None:
    """Add demo rows; ``report.add(line)`` records what was done."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tongban.core import orgunits
    from tongban.payments.models import PaymentOrder
    from tongban.payments.services import orders

    User = get_user_model()
    unit = orgunits.department_unit("440100", "公安局")
    if unit is None:
        return
    id_number, name = WANG_FANG
    for reference, title, item, basis, amount, paid in DEMO_ORDERS:
        if PaymentOrder.objects.filter(reference=reference, client_id="demo").exists():
            continue
        with transaction.atomic():
            order = orders.create_order(
                actor="demo",
                org_unit=unit,
                items=[{"name": item, "basis": basis, "amount": amount, "budget_account": ""}],
                source=PaymentOrder.Source.API,
                payer_name=name,
                payer_id_number=id_number,
                title=title,
                reference=reference,
                client_id="demo",
            )
        payer = User.objects.filter(id_number=id_number).first()
        if paid and payer is not None and getattr(settings, "SIMULATORS_ENABLED", False):
            _pay(order, payer)
        report.add(f"payment order {order.code} ({title})")
