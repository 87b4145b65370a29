from django.urls import path

from tongban.identity.views import accounts

app_name = "sms"
urlpatterns = [
    path("", accounts.sms_outbox, name="outbox"),
]
