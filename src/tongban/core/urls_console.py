from django.urls import path

from tongban.core import views_areas

app_name = "console"
urlpatterns = [
    path("", views_areas.console_home, name="home"),
]
