"""Console pages for licence types and issuing (included by ``urls_console``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
