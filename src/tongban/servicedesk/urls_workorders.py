"""Citizen pages of 12345 work orders, mounted at /my/workorders/."""

from django.urls import path

from tongban.servicedesk.views import workorders

app_name = "servicedesk_workorders"
urlpatterns = [
    path("", workorders.order_list, name="order_list"),
    path("new/", workorders.order_create, name="order_create"),
    path("<str:number>/", workorders.order_detail, name="order_detail"),
    path("<str:number>/rate/", workorders.order_rate, name="order_rate"),
]
