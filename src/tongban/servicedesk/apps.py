from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "tongban.servicedesk"
    label = "servicedesk"
    verbose_name = "智能客服平台"

    def ready(self) -> None:
        pass
