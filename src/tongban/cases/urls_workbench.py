from django.urls import path  # noqa: F401

app_name = "workbench_cases"
urlpatterns: list = []
