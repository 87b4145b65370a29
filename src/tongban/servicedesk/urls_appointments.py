"""Service-desk pages mounted at /my/appointments/: the citizen's hall bookings."""

from django.urls import path

from tongban.servicedesk.views import appointments

app_name = "servicedesk_appointments"
urlpatterns = [
    path("", appointments.appointment_list, name="appointment_list"),
    path("book/<slug:item_key>/", appointments.appointment_book, name="appointment_book"),
    path("<str:code>/", appointments.appointment_detail, name="appointment_detail"),
    path("<str:code>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
]
