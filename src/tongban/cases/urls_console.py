from django.urls import path

from tongban.cases.views import console as views

app_name = "cases_console"
urlpatterns = [
    path("deadlines/", views.deadline_status, name="deadline_status"),
]
