"""Sharing pages mounted at /workbench/sharing/."""

from django.urls import path

from tongban.sharing.views import workbench

app_name = "sharing_workbench"
urlpatterns: list = [
    path("", workbench.home, name="home"),
    path("systems/new/", workbench.system_create, name="system_create"),
    path("resources/new/", workbench.resource_create, name="resource_create"),
    path("resources/<str:code>/request/", workbench.request_create, name="request_create"),
    path("requests/<str:number>/", workbench.request_detail, name="request_detail"),
    path("access-log/", workbench.access_log, name="access_log"),
]
