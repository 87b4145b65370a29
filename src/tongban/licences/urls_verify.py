"""Public verification pages, mounted at /verify/ (namespace ``verify``)."""

from django.urls import path

from tongban.licences.views import verify

app_name = "verify"
urlpatterns = [
    path("", verify.verify_form, name="verify_form"),
    path("q/<str:payload>/", verify.verify_qr, name="verify_qr"),
    path("<str:identifier>/", verify.verify_licence, name="verify_licence"),
]
