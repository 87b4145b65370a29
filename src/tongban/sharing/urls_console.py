"""Sharing pages mounted at /console/sharing/."""

from django.urls import path

from tongban.sharing.views import console, metrics, quality

app_name = "sharing_console"
urlpatterns: list = [
    path("", console.home, name="home"),
    path("requests/<str:number>/", console.arbitrate, name="arbitrate"),
    path("access-log/verify/", console.verify_log, name="verify_log"),
    # data quality, escalated error reports, metrics
    path("quality/", quality.console, name="quality"),
    path("metrics/", metrics.metrics, name="metrics"),
]
