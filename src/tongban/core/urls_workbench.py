from django.urls import path

from tongban.core import views_areas

app_name = "workbench"
urlpatterns = [
    path("", views_areas.workbench_home, name="home"),
]
