from django.urls import path

from tongban.registries import views

app_name = "registries"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]
