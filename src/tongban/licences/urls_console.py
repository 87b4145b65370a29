from django.urls import path  # noqa: F401

app_name = "licences_console"
urlpatterns: list = []
