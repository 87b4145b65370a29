"""Console pages of the licences app, mounted at /console/licences/."""

from django.urls import include, path

app_name = "licences_console"
urlpatterns = [
    path("", include("tongban.licences.urls_console_issuing")),
]
