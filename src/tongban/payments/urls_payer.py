"""Payments pages mounted at /my/payments/ (我的缴费 and the pay page)."""

from django.urls import path

from tongban.payments.views import payer as views

app_name = "payments_payer"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:code>/", views.pay, name="pay"),
]
