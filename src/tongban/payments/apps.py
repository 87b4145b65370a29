from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tongban.payments"
    label = "payments"
    verbose_name = "非税支付"

    def ready(self) -> None:
        # --- orders, channels, callbacks, webhooks ---
        from tongban.payments import permissions
        from tongban.payments.services import events, webhooks

        permissions.register()
        events.register_order_listener(webhooks.queue_order_change)

        # --- finance (refunds, reconciliation, the finance console) ---
        from tongban.payments import permissions_finance

        permissions_finance.register()
        permissions_finance.register_tools()

        # --- receipts (财政电子票据) ---
        from tongban.payments import permissions_receipts
        from tongban.payments.services import finance_seals  # noqa: F401  (registers the key field)

        permissions_receipts.register()
