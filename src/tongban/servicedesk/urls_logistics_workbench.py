"""The window's delivery orders, mounted at /workbench/deliveries/."""

from django.urls import path

from tongban.servicedesk.views import logistics

app_name = "servicedesk_logistics_workbench"
urlpatterns = [
    path("", logistics.staff_delivery_list, name="delivery_list"),
    path("<str:number>/", logistics.staff_delivery_detail, name="delivery_detail"),
    path("<str:number>/dispatch/", logistics.staff_delivery_dispatch, name="delivery_dispatch"),
]
