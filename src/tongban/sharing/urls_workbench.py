"""Sharing pages mounted at /workbench/sharing/."""

from django.urls import path

from tongban.sharing.views import exchange, quality, workbench

app_name = "sharing_workbench"
urlpatterns: list = [
    path("", workbench.home, name="home"),
    path("systems/new/", workbench.system_create, name="system_create"),
    path("systems/<int:pk>/status/", workbench.system_status, name="system_status"),
    path("resources/new/", workbench.resource_create, name="resource_create"),
    path("resources/<str:code>/request/", workbench.request_create, name="request_create"),
    path("requests/<str:number>/", workbench.request_detail, name="request_detail"),
    path("access-log/", workbench.access_log, name="access_log"),
    # exchange subscriptions (共享交换订阅)
    path("exchange/", exchange.home, name="exchange"),
    path("exchange/<int:pk>/cancel/", exchange.cancel, name="exchange_cancel"),
    path("exchange/<int:pk>/run/", exchange.run_now, name="exchange_run_now"),
    path("exchange/<int:pk>/runs/", exchange.runs, name="exchange_runs"),
    path("exchange/runs/<int:pk>/file/", exchange.run_file, name="exchange_run_file"),
    # data quality and error reports (数据治理、数据纠错)
    path("quality/", quality.home, name="quality"),
    path("quality/resources/<str:code>/", quality.resource, name="quality_resource"),
    path(
        "quality/resources/<str:code>/rules/<int:pk>/delete/",
        quality.remove_rule,
        name="quality_rule_delete",
    ),
    path("quality/resources/<str:code>/check/", quality.check_now, name="quality_check"),
    path("corrections/<str:number>/", quality.correction, name="correction"),
]
