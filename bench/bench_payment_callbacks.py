"""Payment callbacks processed per second ÷ plain callback-row inserts per second.

    .venv/bin/python bench/bench_payment_callbacks.py [--callbacks 150] [--database-url URL]

One processed callback = what ``POST /api/v1/payments/callbacks/<channel>`` does for a
successful payment: verify the HMAC-SM3 signature and parse the body (simulator adapter),
insert the idempotency record, lock the order and the payment, settle the payment, move the
order to ``success`` with its audit event (SM3 chain) and the order listeners, in one
transaction. The receipt issued after commit has its own cost and is switched off here. The
orders and started payments are prepared before timing; half as many duplicate callbacks are
sent too (they must stop at the idempotency record).

The baseline inserts the same number of ``CallbackRecord`` rows with ``objects.create``
(autocommit, one row each). Prints both rates and the ratio baseline/processing (how many
plain inserts one processed callback costs). Runs on a temporary SQLite file unless
``--database-url`` names another database. Shared machines are noisy: read one run's ratio.
"""

import argparse
import secrets
import tempfile
import time
from pathlib import Path

from _django_setup import setup_django


def ensure_tables() -> None:
    """Tables of payments models the migrations do not (yet) create."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("payments").get_models():
            if model._meta.db_table not in existing:
                editor.create_model(model)


def build(count: int):
    """Orders with a started payment each, written directly (the set-up is not measured)."""
    from datetime import timedelta

    from django.utils import timezone

    from tongban.payments.models import Payment, PaymentOrder
    from tongban.payments.services import codes, orders
    from tongban.testing.factories import OrgUnitFactory, UserFactory

    city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
    unit = OrgUnitFactory(
        code="440100-公安局", name="公安局", kind="department", division_code="440100", parent=city
    )
    payer = UserFactory(username="bench_payer", id_number="440106199001011235", name="张三")
    expires = timezone.now() + timedelta(hours=24)
    order_rows = PaymentOrder.objects.bulk_create(
        PaymentOrder(
            code=codes.format_code("440100", 2026, n + 1),
            org_unit=unit,
            title="证件费",
            payer=payer,
            payer_name=payer.name,
            payer_id_number=payer.id_number,
            items=[{"name": "证件费", "basis": "", "amount": 6000, "budget_account": "1030499"}],
            amount=6000,
            status=PaymentOrder.Status.STARTED,
            reference=f"B{n}",
            source=PaymentOrder.Source.API,
            expires_at=expires,
        )
        for n in range(count)
    )
    return Payment.objects.bulk_create(
        Payment(
            order=order,
            channel="wechat",
            trade_no=orders.new_trade_no("wechat")[:-6] + f"{n:06d}",
            amount=6000,
        )
        for n, order in enumerate(order_rows)
    )


def signed(payment):
    from django.utils import timezone

    from tongban.payments.channels import simulator

    payload = {
        "event_id": secrets.token_hex(16),
        "out_trade_no": payment.trade_no,
        "transaction_id": "4200000001",
        "amount": payment.amount,
        "status": "success",
        "paid_at": timezone.now().isoformat(),
    }
    return simulator.sign_callback("wechat", payload)


def processing_rate(payments) -> tuple[float, dict]:
    from tongban.payments.services import callbacks

    messages = [signed(payment) for payment in payments]
    duplicates = messages[: len(messages) // 2]
    outcomes: dict[str, int] = {}
    start = time.perf_counter()
    for body, headers in messages + duplicates:
        outcome = callbacks.process_callback("wechat", body, headers).outcome
        outcomes[str(outcome)] = outcomes.get(str(outcome), 0) + 1
    elapsed = time.perf_counter() - start
    return (len(messages) + len(duplicates)) / elapsed, outcomes


def insert_rate(count: int) -> float:
    from tongban.payments.models import CallbackRecord

    start = time.perf_counter()
    for n in range(count):
        CallbackRecord.objects.create(
            channel="plain", event_id=f"plain-{n}", trade_no=f"T{n}", body="{}", outcome="applied"
        )
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=150)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.database_url)
        ensure_tables()
        from tongban.payments.services import callbacks

        callbacks.issue_receipt_safely = lambda order_id: None  # measured elsewhere
        payments = build(args.callbacks)
        processed, outcomes = processing_rate(payments)
        plain = insert_rate(int(args.callbacks * 1.5))
        print(f"callbacks processed: {processed:,.0f}/s  outcomes {outcomes}")
        print(f"plain inserts:       {plain:,.0f}/s")
        print(f"ratio plain/processed: {plain / processed:.1f}")


if __name__ == "__main__":
    main()
