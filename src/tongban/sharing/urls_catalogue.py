"""Sharing pages mounted at /data/: the government information resource catalogue."""

from django.urls import path

from tongban.sharing.views import catalogue, demo_provider

app_name = "sharing_catalogue"
urlpatterns: list = [
    path("", catalogue.resource_list, name="list"),
    # simulators only: a provider's HTTP interface for the demo (社会保险参保信息)
    path("demo-provider/social-insurance/", demo_provider.social_insurance, name="demo_provider"),
    path("<str:code>/", catalogue.resource_detail, name="detail"),
    path("<str:code>/status/", catalogue.resource_status, name="status"),
]
