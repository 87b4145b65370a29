from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tongban.payments"
    label = "payments"
    verbose_name = "非税支付"

    def ready(self) -> None:
        pass
