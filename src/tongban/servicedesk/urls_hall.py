"""Service-desk pages mounted at /hall/: kiosk, window calling page, calling display."""

from django.urls import path

from tongban.servicedesk.views import halls_floor

app_name = "servicedesk_hall"
urlpatterns = [
    path("kiosk/<str:kiosk_key>/", halls_floor.kiosk, name="kiosk"),
    path("windows/<int:window_id>/", halls_floor.window_page, name="window"),
    path("windows/<int:window_id>/action/", halls_floor.window_action, name="window_action"),
    path("<slug:code>/display/", halls_floor.display, name="display"),
]
