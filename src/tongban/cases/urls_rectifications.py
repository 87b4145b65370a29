from django.urls import path

from tongban.cases.views import rectifications

app_name = "rectifications"
urlpatterns = [
    path("", rectifications.rectification_list, name="rectification_list"),
    path("<int:pk>/", rectifications.rectification_detail, name="rectification_detail"),
    path(
        "<int:pk>/callback/", rectifications.rectification_callback, name="rectification_callback"
    ),
    path("<int:pk>/close/", rectifications.rectification_close, name="rectification_close"),
]
