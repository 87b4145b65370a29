from django.urls import path  # noqa: F401

app_name = "catalog_console"
urlpatterns: list = []
