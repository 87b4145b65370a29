from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tongban.payments"
    label = "payments"
    verbose_name = "非税支付"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tongban.core.views_areas import Tool, register_tool

        register_tool(
            "my", Tool("payments_payer:order_list", _("我的缴费"), _("待缴费用、缴费记录"), "")
        )
        register_tool(
            "my", Tool("payments_receipts:receipt_list", _("我的票据"), _("财政电子票据"), "")
        )

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
