from django.urls import path

from tongban.core import views_areas, views_audit, views_calendar

app_name = "console"
urlpatterns = [
    path("", views_areas.console_home, name="home"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/verify/", views_audit.audit_verify, name="audit_verify"),
    path("audit/<int:seq>/", views_audit.audit_detail, name="audit_detail"),
    path("calendar/", views_calendar.calendar_list, name="calendar_list"),
    path("calendar/load/", views_calendar.calendar_load, name="calendar_load"),
    path("calendar/<str:day>/reset/", views_calendar.calendar_reset, name="calendar_reset"),
]
