from django.urls import path

from tongban.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_search, name="item_search"),
    path("<slug:key>/", views.service_detail, name="item_detail"),
    path("<slug:key>/apply/", views.service_apply, name="item_apply"),
]
