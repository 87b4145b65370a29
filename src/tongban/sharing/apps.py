from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "tongban.sharing"
    label = "sharing"
    verbose_name = "数据共享与开放"

    def ready(self) -> None:
        pass
