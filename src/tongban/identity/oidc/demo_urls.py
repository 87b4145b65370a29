from django.urls import path  # noqa: F401

app_name = "demo_dept"
urlpatterns: list = []
