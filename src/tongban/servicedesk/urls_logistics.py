"""Logistics pages of the citizen, mounted at /my/deliveries/."""

from django.urls import path

from tongban.servicedesk.views import logistics

app_name = "servicedesk_logistics"
urlpatterns = [
    path("", logistics.delivery_list, name="delivery_list"),
    path("new/", logistics.delivery_new, name="delivery_new"),
    path("addresses/", logistics.address_book, name="address_book"),
    path("addresses/<int:pk>/delete/", logistics.address_delete, name="address_delete"),
    path("<str:number>/", logistics.delivery_detail, name="delivery_detail"),
    path("<str:number>/cancel/", logistics.delivery_cancel, name="delivery_cancel"),
]
