"""Payments pages mounted at /pay/sim/ (the channel simulators' cashier, demo only)."""

from django.urls import path

from tongban.payments.views import simulator as views

app_name = "payments_simulator"
urlpatterns = [
    path("<str:trade_no>/", views.cashier, name="cashier"),
]
